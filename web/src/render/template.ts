// The board's background template: closeness rings, sector wedges, a hierarchy–market–network triangle, or a dot grid.
import type { Template } from '../generated/protocol';
import { RING_CODES, SECTOR_CODES, TEMPLATE_GEOMETRY } from '../generated/protocol';
import type { MessageKey } from '../i18n';
import { svg } from './svg';
import type { Rect } from './viewport';

// One definition with the server's drawing and the placement of actors (protocol's `placement`).
const RING_RADII = TEMPLATE_GEOMETRY.ringRadii;
const SECTOR_RADIUS = TEMPLATE_GEOMETRY.sectorRadius;

export function templateNodes(template: Template, t: (key: MessageKey) => string): SVGElement[] {
  switch (template) {
    case 'rings': return rings(t);
    case 'sectors': return sectors(t);
    case 'hierarchy_market_network': return triangle(t);
    case 'blank': return [svg('rect', { x: -50000, y: -50000, width: 100000, height: 100000, fill: 'url(#k-dots)' })];
  }
}

function label(text: string, x: number, y: number): SVGTextElement {
  const el = svg('text', { class: 'k-template-label', x, y, 'text-anchor': 'middle' });
  el.textContent = text;
  return el;
}

/**
 * A ring's or sector's name along its outer edge (protocol's `arc_label`): smaller than the
 * triangle's corner names and behind a halo of the area's own fill, so it reads over the line.
 */
function arcLabel(text: string, radius: number, angle: number, fill: 'a' | 'b'): SVGTextElement {
  const at = radius - TEMPLATE_GEOMETRY.labelInset;
  let degrees = (angle * 180) / Math.PI + 90;
  while (degrees > 90) degrees -= 180;
  while (degrees <= -90) degrees += 180;
  const x = at * Math.cos(angle);
  const y = at * Math.sin(angle);
  const el = svg('text', {
    class: `k-template-label k-template-arc-label k-template-halo-${fill}`, x, y, dy: '0.35em', 'text-anchor': 'middle',
    transform: `rotate(${degrees} ${x} ${y})`,
  });
  el.textContent = text;
  return el;
}

function rings(t: (key: MessageKey) => string): SVGElement[] {
  const out: SVGElement[] = [];
  [...RING_RADII].reverse().forEach((r, i) => {
    out.push(svg('circle', { class: `k-template-line ${i % 2 ? 'k-template-fill-a' : 'k-template-fill-b'}`, r, cx: 0, cy: 0 }));
  });
  // Drawn outermost first, the innermost ring's fill is the reverse order's last: see the circles above.
  RING_CODES.forEach((ring, i) => {
    const fill = (RING_RADII.length - 1 - i) % 2 ? 'a' : 'b';
    out.push(arcLabel(t(`ring.${ring}`), RING_RADII[i]!, TEMPLATE_GEOMETRY.ringLabelAngle, fill));
  });
  return out;
}

function sectors(t: (key: MessageKey) => string): SVGElement[] {
  const out: SVGElement[] = [];
  const n = SECTOR_CODES.length;
  SECTOR_CODES.forEach((sector, i) => {
    const a0 = TEMPLATE_GEOMETRY.sectorStartAngle + (i * 2 * Math.PI) / n;
    const a1 = a0 + (2 * Math.PI) / n;
    const r = SECTOR_RADIUS;
    const d = `M0 0L${r * Math.cos(a0)} ${r * Math.sin(a0)}A${r} ${r} 0 0 1 ${r * Math.cos(a1)} ${r * Math.sin(a1)}Z`;
    out.push(svg('path', { class: `k-template-line ${i % 2 ? 'k-template-fill-a' : 'k-template-fill-b'}`, d }));
    out.push(arcLabel(t(`sector.${sector}`), r, (a0 + a1) / 2, i % 2 ? 'a' : 'b'));
  });
  return out;
}

function triangle(t: (key: MessageKey) => string): SVGElement[] {
  const top = { x: 0, y: -760 };
  const left = { x: -900, y: 560 };
  const right = { x: 900, y: 560 };
  return [
    svg('path', { class: 'k-template-line k-template-fill-b', d: `M${top.x} ${top.y}L${right.x} ${right.y}L${left.x} ${left.y}Z` }),
    svg('circle', { class: 'k-template-line', cx: 0, cy: 120, r: 180, 'stroke-dasharray': '10 10' }),
    label(t('coordination.hierarchy'), top.x, top.y - 30),
    label(t('coordination.market'), left.x, left.y + 50),
    label(t('coordination.network'), right.x, right.y + 50),
    label(t('coordination.ecosystem'), 0, 130),
  ];
}

/** The area a template covers, so that "fit" shows the whole background on a new board. */
export function templateBounds(template: Template): Rect | null {
  switch (template) {
    case 'rings': return { x: -1000, y: -1000, w: 2000, h: 2000 };
    case 'sectors': return { x: -1040, y: -1040, w: 2080, h: 2080 };
    case 'hierarchy_market_network': return { x: -960, y: -830, w: 1920, h: 1460 };
    case 'blank': return null;
  }
}
