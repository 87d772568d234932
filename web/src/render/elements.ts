// Builders for one board element's SVG: actor cards, relation lines, notes and ink strokes.
import { getStroke } from 'perfect-freehand';
import type { Actor, Note, Relation, Stroke } from '../model/types';
import { CARD } from '../generated/protocol';
import { cachedNameLayout, cardHeight, cardWidth, detailsLine, hasDetails } from './card';
import { ACTOR_STYLE, RELATION_COLOR, STATUS_DASH, STRENGTH_WIDTH } from './style';
import { svg, truncate, wrapText } from './svg';
import { textWidth } from './measure';
import { cardExit } from '../tools/hit';

export { cardExit };

/** A card's centre and size, where a relation's line meets it. */
export interface CardBox { x: number; y: number; w: number; h: number }

export function actorNode(actor: Actor, dx: number, dy: number, extraClass: string): SVGGElement {
  const style = ACTOR_STYLE[actor.kind];
  const layout = cachedNameLayout(actor.name);
  const sub = detailsLine(actor.influence, actor.alias);
  const w = cardWidth(layout, sub);
  const h = cardHeight(layout.lines.length, hasDetails(actor));
  const g = svg('g', { class: `k-actor ${extraClass}`, transform: `translate(${actor.x + dx} ${actor.y + dy})` });
  g.append(
    // The whole name as a tooltip, also when the card shows it shortened.
    svg('title', {}, [actor.name]),
    svg('rect', { class: 'k-actor-body', x: -w / 2, y: -h / 2, width: w, height: h, rx: 10, stroke: style.color }),
    svg('path', { d: style.shape, fill: style.color, transform: `translate(${-w / 2 + 20} 0)`, 'fill-rule': 'evenodd' }),
  );
  // The name (up to three lines, laid out as the server does) and the details line form one block, centred.
  const lines = layout.lines.length ? layout.lines : ['…'];
  const nameBlock = lines.length * CARD.nameLineHeight;
  const top = -(nameBlock + (sub ? CARD.detailsLineHeight : 0)) / 2;
  const x = -w / 2 + CARD.nameLeft;
  // A name's lines fit the card by the layout's measure; a wider local font is squeezed rather than overflowing it.
  const room = w >= CARD.maxWidth ? CARD.nameMaxWidth : w - CARD.nameLeft - CARD.textRightPadding;
  const name = svg('text', { class: `k-actor-name${layout.fontSize !== CARD.nameSizeOneLine ? ' k-actor-name-2' : ''}`, x });
  lines.forEach((line, i) => {
    const tspan = svg('tspan', { x, y: top + i * CARD.nameLineHeight + layout.fontSize - 2 }, [line]);
    if (textWidth(line, layout.fontSize, 600) > room) tspan.setAttribute('textLength', String(room));
    name.append(tspan);
  });
  g.append(name);
  if (sub) {
    const line = svg('text', { class: 'k-actor-sub', x, y: top + nameBlock + 10 });
    line.textContent = sub;
    g.append(line);
  }
  if (actor.stance) {
    const mark = { supports: '+', neutral: '=', opposes: '−' }[actor.stance];
    const color = { supports: '#067647', neutral: '#475467', opposes: '#b42318' }[actor.stance];
    const badge = svg('g', { class: 'k-actor-badge', transform: `translate(${w / 2 - 4} ${-h / 2 + 4})` });
    badge.append(svg('circle', { r: 9, fill: color }));
    const text = svg('text', { 'text-anchor': 'middle', y: 4.5, fill: '#ffffff', 'font-size': 14, 'font-weight': 700 });
    text.textContent = mark;
    badge.append(text);
    g.append(badge);
  }
  return g;
}

/** A relation between two cards centred at `a` and `b`, `w` × `h`: the line starts and ends at their edges. */
export function relationNode(relation: Relation, a: CardBox, b: CardBox, label: string, extraClass: string): SVGGElement {
  const g = svg('g', { class: `k-relation ${extraClass}` });
  const start = cardExit(a.x, a.y, b.x, b.y, a.w, a.h);
  const end = cardExit(b.x, b.y, a.x, a.y, b.w, b.h);
  if (!start || !end) return g;
  const color = RELATION_COLOR[relation.kind];
  const width = STRENGTH_WIDTH[relation.strength];
  const attrs: Record<string, string | number> = {
    class: 'k-relation-line', d: `M${start.x} ${start.y}L${end.x} ${end.y}`, stroke: color, 'stroke-width': width,
  };
  const dash = STATUS_DASH[relation.status];
  if (dash) attrs['stroke-dasharray'] = dash;
  if (relation.status === 'weakening') attrs['stroke-opacity'] = 0.75;
  g.append(svg('path', attrs));
  if (relation.direction !== 'none') g.append(arrowhead(start, end, width, color));
  if (relation.direction === 'both_ways') g.append(arrowhead(end, start, width, color));
  if (label) {
    const text = svg('text', { class: 'k-relation-label', x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 - 6, 'text-anchor': 'middle' });
    text.textContent = truncate(label, 28);
    g.append(text);
  }
  return g;
}

function arrowhead(from: { x: number; y: number }, to: { x: number; y: number }, width: number, color: string): SVGPathElement {
  const angle = Math.atan2(to.y - from.y, to.x - from.x);
  const size = 9 + width * 1.6;
  const spread = 0.45;
  const p1 = { x: to.x - size * Math.cos(angle - spread), y: to.y - size * Math.sin(angle - spread) };
  const p2 = { x: to.x - size * Math.cos(angle + spread), y: to.y - size * Math.sin(angle + spread) };
  return svg('path', { d: `M${to.x} ${to.y}L${p1.x} ${p1.y}L${p2.x} ${p2.y}Z`, fill: color });
}

export function noteNode(note: Note, dx: number, dy: number, extraClass: string): SVGGElement {
  const x = note.x + dx;
  const y = note.y + dy;
  const g = svg('g', { class: `k-note ${extraClass}` });
  if (note.variant === 'label') {
    const lines = wrapText(note.body, Math.max(4, Math.floor(note.w / 11)), 6);
    const text = svg('text', { class: 'k-label-text', x, y: y + 24, fill: note.color || '#1f2933' });
    lines.forEach((line, i) => text.append(svg('tspan', { x, dy: i === 0 ? 0 : 24 }, [line])));
    g.append(text);
    return g;
  }
  g.append(
    svg('rect', { x: x + 3, y: y + 4, width: note.w, height: note.h, rx: 4, fill: '#0f172a', 'fill-opacity': 0.08 }),
    svg('rect', { x, y, width: note.w, height: note.h, rx: 4, fill: note.color || '#fff3b0', stroke: '#0f172a', 'stroke-opacity': 0.12 }),
  );
  const maxLines = Math.max(1, Math.floor((note.h - 16) / 19));
  const lines = wrapText(note.body, Math.max(4, Math.floor((note.w - 20) / 8)), maxLines);
  const text = svg('text', { class: 'k-note-text', x: x + 10, y: y + 24 });
  lines.forEach((line, i) => text.append(svg('tspan', { x: x + 10, dy: i === 0 ? 0 : 19 }, [line])));
  g.append(text);
  return g;
}

/** A pressure-aware outline of an ink stroke as an SVG path (filled, not stroked). */
export function strokePath(tool: Stroke['tool'], points: number[], width: number): string {
  const input: [number, number, number][] = [];
  for (let i = 0; i + 2 < points.length; i += 3) input.push([points[i]!, points[i + 1]!, points[i + 2]!]);
  const outline = getStroke(input, {
    size: width,
    thinning: tool === 'pen' ? 0.55 : 0,
    smoothing: 0.5,
    streamline: 0.45,
    simulatePressure: false,
    last: true,
  });
  if (outline.length < 2) return '';
  let d = `M${fix(outline[0]![0])} ${fix(outline[0]![1])}Q`;
  for (let i = 0; i < outline.length; i++) {
    const [x0, y0] = outline[i]!;
    const [x1, y1] = outline[(i + 1) % outline.length]!;
    d += `${fix(x0)} ${fix(y0)} ${fix((x0 + x1) / 2)} ${fix((y0 + y1) / 2)} `;
  }
  return d + 'Z';
}

function fix(n: number): string {
  return n.toFixed(1);
}

export function strokeNode(stroke: Pick<Stroke, 'tool' | 'color' | 'width' | 'points'>, extraClass: string): SVGPathElement {
  return svg('path', {
    class: `k-stroke ${extraClass}`,
    d: strokePath(stroke.tool, stroke.points, stroke.width),
    fill: stroke.color || '#1f2933',
    ...(stroke.tool === 'highlighter' ? { 'fill-opacity': 0.4 } : {}),
  });
}

/**
 * "3/5" in a dark pill at (x, y), its top-left corner: how many of a merged board's maps hold
 * the element. A number, never colour alone, readable on any actor kind's colour.
 */
export function supportBadgeNode(text: string, x: number, y: number): SVGGElement {
  const width = 10 + text.length * 7.5;
  const badge = svg('g', { class: 'k-support-badge', 'data-support': text, transform: `translate(${x} ${y - 9})` });
  badge.append(svg('rect', { width, height: 18, rx: 9, fill: '#1e3a8a', stroke: '#ffffff', 'stroke-width': 1.5 }));
  const label = svg('text', { x: width / 2, y: 13, 'text-anchor': 'middle', fill: '#ffffff', 'font-size': 12, 'font-weight': 700 });
  label.textContent = text;
  badge.append(label);
  return badge;
}
