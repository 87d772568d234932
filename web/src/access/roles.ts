// What each role may do, as the server enforces it (protocol/src/api.rs), so the UI offers only that.
import type { Role } from '../generated/protocol';

const RANK: Record<Role, number> = { viewer: 0, participant: 1, facilitator: 2 };

export function atLeast(role: Role, wanted: Role): boolean {
  return RANK[role] >= RANK[wanted];
}

export function higherRole(a: Role | null, b: Role | null): Role | null {
  if (!a) return b;
  if (!b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** Viewers never edit; on a locked board only the facilitator does. */
export function canEdit(role: Role, locked: boolean): boolean {
  return role === 'facilitator' || (role === 'participant' && !locked);
}

/** Why the board is read-only for this role, or null when it is editable. */
export function readOnlyReason(role: Role, locked: boolean): 'viewer' | 'locked' | null {
  if (role === 'viewer') return 'viewer';
  return canEdit(role, locked) ? null : 'locked';
}

export const canSnapshot = (role: Role): boolean => atLeast(role, 'participant');
export const canFork = (role: Role): boolean => atLeast(role, 'participant');
export const canExport = (role: Role): boolean => atLeast(role, 'participant');
/** A restore rolls back the whole group's work, so only the facilitator does it (the server refuses others). */
export const canRestore = (role: Role): boolean => role === 'facilitator';
/**
 * A group board's background changes it for the whole group at once: the facilitator's choice. A
 * personal board made at join (`owned`) is its owner's own map, and on it a participant is its owner
 * (the workshop's other tokens read it at most), so they choose its background too.
 */
export const canChangeBackground = (role: Role, owned: boolean): boolean => role === 'facilitator' || (owned && role === 'participant');
/** An import changes the board: the same rule as editing. */
export const canImport = canEdit;
export const canManage = (role: Role): boolean => role === 'facilitator';
