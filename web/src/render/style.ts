// Visual vocabulary of the map: kind colours and shapes, relation strokes, and the CSS embedded in every SVG.
import type { ActorKind, RelationKind, RelationStatus, Strength } from '../generated/protocol';
import { CARD } from '../generated/protocol';

/**
 * Each actor kind has a colour and a distinct shape, so no kind is told apart by colour alone.
 * Colours keep at least 4.5:1 contrast against white (they also colour text in the legend).
 */
export const ACTOR_STYLE: Record<ActorKind, { color: string; shape: string }> = {
  municipality: { color: '#1d4ed8', shape: 'M-9-9H9V9H-9Z' },
  regional_authority: { color: '#4338ca', shape: 'M0-10L8.7-5V5L0 10L-8.7 5V-5Z' },
  state_agency: { color: '#334155', shape: 'M0-10L9.5-3.1L5.9 8.1H-5.9L-9.5-3.1Z' },
  business: { color: '#b45309', shape: 'M0-11L11 0L0 11L-11 0Z' },
  education_research: { color: '#7e22ce', shape: 'M0-10L10 8H-10Z' },
  association: { color: '#be185d', shape: 'M-10 0A10 10 0 1 0 10 0A10 10 0 1 0-10 0Z' },
  residents: { color: '#15803d', shape: 'M-9.5 9A4.5 4.5 0 0 1-0.5 9ZM0.5 9A4.5 4.5 0 0 1 9.5 9ZM-5-1A3 3 0 1 0-5-1.01ZM5-1A3 3 0 1 0 5-1.01ZM-8-3.5A3 3 0 1 1-2-3.5A3 3 0 1 1-8-3.5ZM2-3.5A3 3 0 1 1 8-3.5A3 3 0 1 1 2-3.5Z' },
  funder: { color: '#0e7490', shape: 'M0-11L3-3.5L11-3.5L4.5 1.5L7 9.5L0 4.5L-7 9.5L-4.5 1.5L-11-3.5L-3-3.5Z' },
  media: { color: '#c2410c', shape: 'M-10-8H10V5H-2L-7 10V5H-10Z' },
  other: { color: '#57534e', shape: 'M-10 0A10 10 0 1 0 10 0A10 10 0 1 0-10 0ZM-5 0A5 5 0 1 1 5 0A5 5 0 1 1-5 0Z' },
};

export const RELATION_COLOR: Record<RelationKind, string> = {
  collaboration: '#334155',
  information: '#2563eb',
  funding: '#15803d',
  agreement: '#7c3aed',
  membership: '#0e7490',
  conflict: '#b91c1c',
  other: '#57534e',
};

export const STRENGTH_WIDTH: Record<Strength, number> = { weak: 1.5, normal: 2.5, strong: 5 };

export const STATUS_DASH: Record<RelationStatus, string> = { existing: '', desired: '9 6', weakening: '2 6' };

export const FONT_STACK = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** Styles of the drawing itself: adopted by the page (see `render/scene.ts`) and embedded in exported files. */
export const SCENE_CSS = `
.k-scene { font-family: ${FONT_STACK}; }
.k-actor-body { fill: #ffffff; stroke-width: 2; }
.k-actor-name { font-size: ${CARD.nameSizeOneLine}px; font-weight: 600; fill: #1f2933; }
.k-actor-name-2 { font-size: ${CARD.nameSizeWrapped}px; }
.k-actor-sub { font-size: 10px; fill: #475467; }
.k-actor.k-dim, .k-relation.k-dim { opacity: 0.22; }
.k-erasing { opacity: 0.25; }
.k-gone > :not(.k-gone-outline):not(g) { opacity: 0.45; }
.k-gone-outline { fill: none; stroke-width: 2.5; stroke-dasharray: 7 5; }
.k-gone-line { fill: none; stroke-width: 3; stroke-dasharray: 7 5; opacity: 0.7; }
.k-far .k-relation-line { stroke-dasharray: none; }
.k-far .k-actor-badge { display: none; }
.k-relation-line { fill: none; stroke-linecap: round; }
.k-relation-label { font-size: 12px; fill: #1f2933; paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }
.k-note-text { font-size: 15px; fill: #1f2933; }
.k-label-text { font-size: 20px; font-weight: 600; }
.k-template-line { fill: none; stroke: #cbd5e1; stroke-width: 2; }
.k-template-label { font-size: 40px; font-weight: 600; fill: #64748b; letter-spacing: 0.02em; }
.k-template-fill-a { fill: #f8fafc; }
.k-template-fill-b { fill: #f1f5f9; }
`;
