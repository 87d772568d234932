// Visual vocabulary of the map: kind colours and shapes, relation strokes, and the CSS embedded in every SVG.
import { CARD, RELATION_COLOR, RELATION_COLOR_DARK, RELATION_KIND_CODES, TEMPLATE_GEOMETRY } from '../generated/protocol';

// Kind colours and shapes, relation colours, widths and dashes are defined once in the protocol
// crate (protocol/src/style.rs) and shared with the server's exports and thumbnails.
export { ACTOR_STYLE, RELATION_COLOR, RELATION_COLOR_DARK, STATUS_DASH, STRENGTH_WIDTH } from '../generated/protocol';

export const FONT_STACK = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** Styles of the drawing itself: adopted by the page (see `render/scene.ts`) and embedded in exported files. */
export const SCENE_CSS = `
.k-scene { font-family: ${FONT_STACK}; }
.k-actor-body { fill: #ffffff; stroke-width: 2; }
.k-actor-name { font-size: ${CARD.nameSizeOneLine}px; font-weight: 600; fill: #1f2933; }
.k-actor-name-2 { font-size: ${CARD.nameSizeWrapped}px; }
.k-actor-sub { font-size: 10px; fill: #475467; }
.k-far-name { font-weight: 600; fill: #1f2933; paint-order: stroke; stroke: #ffffff; stroke-width: 0.22em; stroke-linejoin: round; }
.k-actor.k-dim, .k-relation.k-dim, .k-far-name.k-dim { opacity: 0.22; }
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
.k-template-arc-label { font-size: ${TEMPLATE_GEOMETRY.labelSize}px; letter-spacing: 0.04em; paint-order: stroke; stroke-width: 6px; stroke-linejoin: round; }
.k-template-halo-a { stroke: #f8fafc; }
.k-template-halo-b { stroke: #f1f5f9; }
`;

/**
 * Lighter twins of the dark inks, for a dark canvas: the same hues, bright enough to stand out on it.
 * Relation colours have theirs in the protocol (`RELATION_COLOR_DARK`), tested to stay apart there.
 * Cards and notes keep their light faces.
 */
const INK_DARK_TWINS: Readonly<Record<string, string>> = {
  '#1f2933': '#e6edf3', '#c2410c': '#fb923c', '#1d4ed8': '#7aa7ff', '#15803d': '#4ade80', '#7e22ce': '#d29bff',
};

const DARK_TWINS: Readonly<Record<string, string>> = {
  ...INK_DARK_TWINS,
  ...Object.fromEntries(RELATION_KIND_CODES.map((kind) => [RELATION_COLOR[kind], RELATION_COLOR_DARK[kind]])),
};

/**
 * The drawing under `prefers-color-scheme: dark`: adopted by the page only, never embedded in
 * exports, which stay light for print and slides. Element colours are presentation attributes, so
 * attribute selectors can swap a dark line or ink for its twin without touching the document.
 */
export const SCENE_DARK_CSS = `
@media (prefers-color-scheme: dark) {
  .k-template-line { stroke: #3d4b5e; }
  .k-template-label { fill: #9fb0c3; }
  .k-template-fill-a { fill: #18212c; }
  .k-template-fill-b { fill: #1c2633; }
  .k-template-halo-a { stroke: #18212c; }
  .k-template-halo-b { stroke: #1c2633; }
  .k-scene pattern circle { fill: #334155; }
  .k-relation-label { fill: #e6edf3; stroke: #111923; }
${Object.entries(DARK_TWINS).map(([light, dark]) => `  .k-relation [stroke="${light}"], .k-stroke[stroke="${light}"] { stroke: ${dark}; }
  .k-relation [fill="${light}"], .k-stroke[fill="${light}"], .k-label-text[fill="${light}"] { fill: ${dark}; }`).join('\n')}
}
`;
