// Dot-vote badges on actor cards: this device's own dots before the reveal (blue), everyone's
// totals after (a red disc whose area grows with the count, so the favourites stand out).
import type { Actor } from '../model/types';
import { ACTOR_HEIGHT } from '../model/types';
import { actorCardWidth } from './card';
import { svg } from './svg';
import { CARD } from '../generated/protocol';

/** The totals' disc: a single dot's radius, and where growth stops so a winner cannot cover its card. */
const BADGE_MIN_RADIUS = 14;
const BADGE_MAX_RADIUS = 40;
/** A count from here up gets the largest disc. */
const BADGE_CAP = 25;

export function voteBadgeRadius(count: number, revealed: boolean): number {
  if (!revealed) return BADGE_MIN_RADIUS;
  const share = Math.sqrt(Math.min(Math.max(count, 1), BADGE_CAP) / BADGE_CAP);
  return BADGE_MIN_RADIUS + (BADGE_MAX_RADIUS - BADGE_MIN_RADIUS) * share;
}

/** How far a badge reaches over its card's right edge: less than the name's right padding. */
const BADGE_OVERLAP = CARD.textRightPadding / 2;

/**
 * The badge hangs on the card's top-right corner, just outside the right edge, so it never covers
 * the name: a card is only as wide as its name needs, so there is no empty room inside to use.
 */
export function voteBadgeCenter(actor: Actor, dx: number, dy: number, radius: number): { x: number; y: number } {
  return { x: actor.x + dx + actorCardWidth(actor) / 2 + radius - BADGE_OVERLAP, y: actor.y + dy - ACTOR_HEIGHT / 2 + 4 };
}

export function voteBadgeNode(actor: Actor, count: number, revealed: boolean, mineLabel: string, dx: number, dy: number): SVGGElement {
  const r = voteBadgeRadius(count, revealed);
  const { x, y } = voteBadgeCenter(actor, dx, dy, r);
  const g = svg('g', { class: 'k-vote-badge', 'data-actor': actor.id, 'data-count': String(count), 'data-revealed': String(revealed) });
  const title = svg('title', {});
  title.textContent = revealed ? String(count) : `${count} ${mineLabel}`;
  g.append(
    title,
    svg('circle', { cx: x, cy: y, r, fill: revealed ? '#b42318' : '#1d4ed8', stroke: '#ffffff', 'stroke-width': 3 }),
  );
  const label = svg('text', { x, y: y + r * 0.36, 'text-anchor': 'middle', fill: '#ffffff', 'font-size': Math.round(r * 1.0), 'font-weight': 700 });
  label.textContent = String(count);
  g.append(label);
  return g;
}
