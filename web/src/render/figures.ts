// Network figures drawn on the map: a halo sized by broker score behind an actor, and marks in
// front of it for the top brokers and for actors with no relations.
import type { Actor } from '../model/types';
import { actorRect } from '../tools/hit';
import type { ActorFigures } from '../figures/compute';
import { svg } from './svg';
import { textWidth } from './measure';

/**
 * Only this many of the highest broker scores get a halo: a map of hundreds of haloed actors reads
 * as noise (people take in the top few, not a scale), and each halo is one more element to draw.
 */
export const HALO_COUNT = 20;
/** The halo of the highest broker score; larger scores are capped so one actor cannot cover the map. */
const HALO_MAX_RADIUS = 140;
/** Broker scores from here up get the largest halo (a star's hub has 1, real maps rarely pass 0.5). */
const HALO_CAP = 0.5;

/** The halo's radius: its area grows with the broker score, up to the cap. */
export function haloRadius(betweenness: number): number {
  return HALO_MAX_RADIUS * Math.sqrt(Math.min(betweenness, HALO_CAP) / HALO_CAP);
}

export function haloNode(actor: Actor, figures: ActorFigures, dx: number, dy: number): SVGGElement {
  const g = svg('g', { class: 'k-figure-halo' });
  g.append(svg('circle', { cx: actor.x + dx, cy: actor.y + dy, r: haloRadius(figures.betweenness), fill: '#f59e0b', 'fill-opacity': 0.18, stroke: '#b45309', 'stroke-opacity': 0.5, 'stroke-width': 2 }));
  return g;
}

/** A dashed outline and a "no relations" tag for an isolated actor; a "broker #n" tag for a top broker. */
export function figureMarksNode(actor: Actor, figures: ActorFigures, brokerRank: number | undefined, labels: { broker: string; noRelations: string }, dx: number, dy: number): SVGGElement {
  const x = actor.x + dx;
  const g = svg('g', { class: 'k-figure-marks' });
  const card = actorRect(actor, dx, dy);
  if (figures.isolated) {
    g.classList.add('k-figure-isolated');
    g.append(svg('rect', {
      x: card.x - 7, y: card.y - 7, width: card.w + 14, height: card.h + 14, rx: 14,
      fill: 'none', stroke: '#475467', 'stroke-width': 2.5, 'stroke-dasharray': '8 6',
    }));
    g.append(tag(labels.noRelations, x, card.y + card.h + 22, '#475467'));
  }
  if (brokerRank !== undefined) {
    g.classList.add('k-figure-broker');
    g.setAttribute('data-rank', String(brokerRank));
    g.append(tag(labels.broker.replace('{rank}', String(brokerRank)), x, card.y - 16, '#7c2d12'));
  }
  return g;
}

/** A pill of white text on `color`, centred on (x, y). */
function tag(text: string, x: number, y: number, color: string): SVGGElement {
  const width = textWidth(text, 13, 700) + 18;
  const g = svg('g', { class: 'k-figure-tag' });
  g.append(svg('rect', { x: x - width / 2, y: y - 11, width, height: 22, rx: 11, fill: color }));
  const label = svg('text', { x, y: y + 4.5, 'text-anchor': 'middle', fill: '#ffffff', 'font-size': 13, 'font-weight': 700 });
  label.textContent = text;
  g.append(label);
  return g;
}
