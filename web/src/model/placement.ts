//! Where an actor sits on the board's background: its closeness ring or its sector, from its position.
// The same rules as protocol/src/placement.rs, over the geometry generated from it: a point on a
// ring's circle belongs to the inner ring, a point on a sector's edge to the sector starting there.
import { SECTOR_CODES, TEMPLATE_GEOMETRY } from '../generated/protocol';
import type { RingPlacement, Sector, Template } from '../generated/protocol';

const RINGS: readonly RingPlacement[] = ['core', 'close', 'wider'];

export function ringAt(x: number, y: number): RingPlacement | null {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
  const distance = Math.hypot(x, y);
  const index = TEMPLATE_GEOMETRY.ringRadii.findIndex((radius) => distance <= radius);
  return index < 0 ? 'outside' : RINGS[index]!;
}

export function sectorAt(x: number, y: number): Sector | null {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
  const distance = Math.hypot(x, y);
  if (distance === 0 || distance > TEMPLATE_GEOMETRY.sectorRadius) return null;
  const span = (2 * Math.PI) / SECTOR_CODES.length;
  const turned = Math.atan2(y, x) - TEMPLATE_GEOMETRY.sectorStartAngle;
  // Folded into [0, 2π), as rem_euclid does on the server.
  const folded = ((turned % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  return SECTOR_CODES[Math.min(Math.floor(folded / span), SECTOR_CODES.length - 1)]!;
}

/** What the template says about a position: a ring on a rings board, a sector on a sectors board. */
export function placementOf(template: Template, x: number, y: number): { ring: RingPlacement | null; sector: Sector | null } {
  if (template === 'rings') return { ring: ringAt(x, y), sector: null };
  if (template === 'sectors') return { ring: null, sector: sectorAt(x, y) };
  return { ring: null, sector: null };
}
