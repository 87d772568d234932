// Export from the browser: the current view or the whole board as a standalone SVG or a PNG.
import type { Rect } from '../render/viewport';
import type { SceneRenderer } from '../render/scene';
import { SCENE_CSS } from '../render/style';

/**
 * What a picture of the view says about itself, as the server's whole-board export does: a title
 * block above the drawing (board, workshop, date) and a legend below it of what is in view.
 */
export interface PictureCaption {
  title: string;
  subtitle: string;
  /** Actor kinds in view: the label, the kind's colour and its symbol's path (16 units across). */
  kinds: readonly { label: string; color: string; shape: string }[];
  /** Relation kinds in view: the label and the line's colour. */
  relations: readonly { label: string; color: string }[];
  /** Board units per screen pixel at the view's zoom, so the caption reads at the size of the page's text. */
  unit: number;
}

/** The size of `sceneSvg`'s picture in board units: `bounds`, grown by the caption when there is one. */
export function pictureArea(bounds: Rect, caption?: PictureCaption): Rect {
  return caption ? captionFrame(bounds, caption).area : bounds;
}

/** A self-contained SVG document of the drawing (without selections or cursors) showing `bounds`. */
export function sceneSvg(renderer: SceneRenderer, bounds: Rect, caption?: PictureCaption): string {
  const clone = renderer.drawing.cloneNode(true) as SVGSVGElement;
  clone.querySelector('.k-layer-overlay')?.remove();
  // A file is looked at at its own scale, where the cards' names as laid out are the ones to show.
  clone.querySelector('.k-layer-far-names')?.remove();
  clone.querySelector('.k-world')?.removeAttribute('transform');
  // Elements culled for being off screen are part of an export of the whole board.
  clone.querySelectorAll<SVGElement>('[style]').forEach((el) => {
    el.style.removeProperty('display');
    if (!el.getAttribute('style')) el.removeAttribute('style');
  });
  clone.removeAttribute('aria-hidden');
  clone.removeAttribute('style');
  clone.setAttribute('class', 'k-scene');
  const framed = caption ? captionFrame(bounds, caption) : { area: bounds, above: [], below: [] };
  const area = framed.area;
  clone.setAttribute('viewBox', `${area.x} ${area.y} ${area.w} ${area.h}`);
  clone.setAttribute('width', String(Math.round(area.w)));
  clone.setAttribute('height', String(Math.round(area.h)));
  // The page has the drawing's styles as a constructed stylesheet; the file carries its own.
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = SCENE_CSS;
  clone.prepend(style);
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  Object.entries({ x: area.x, y: area.y, width: area.w, height: area.h, fill: '#ffffff' }).forEach(([k, v]) => background.setAttribute(k, String(v)));
  clone.querySelector('.k-world')?.prepend(background);
  clone.querySelector('.k-world')?.append(...framed.above, ...framed.below);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

const SVG = 'http://www.w3.org/2000/svg';
const CAPTION_FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

function svgElement(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, tag) as SVGElement;
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * The picture's area grown by a title block above `bounds` and a legend below it, and their
 * elements. Sizes are in screen pixels times `unit`, so the caption reads as the page's text does;
 * the legend wraps its items into rows as wide as the view (widths estimated from the text length).
 */
function captionFrame(bounds: Rect, caption: PictureCaption): { area: Rect; above: SVGElement[]; below: SVGElement[] } {
  const u = caption.unit;
  const pad = 16 * u;
  const titleBand = 64 * u;
  // Plain white bands under the caption, so the background's pattern does not run through the words.
  const above = [
    svgElement('rect', { x: bounds.x, y: bounds.y - titleBand, width: bounds.w, height: titleBand, fill: '#ffffff' }),
    svgElement('text', { class: 'k-caption-title', x: bounds.x + pad, y: bounds.y - titleBand + 30 * u, 'font-size': 20 * u, 'font-weight': 700, fill: '#1f2933', 'font-family': CAPTION_FONT }, caption.title),
    svgElement('text', { class: 'k-caption-subtitle', x: bounds.x + pad, y: bounds.y - titleBand + 52 * u, 'font-size': 13 * u, fill: '#52606d', 'font-family': CAPTION_FONT }, caption.subtitle),
  ];
  const items: { label: string; mark: (x: number, y: number) => SVGElement }[] = [
    ...caption.kinds.map((kind) => ({
      label: kind.label,
      mark: (x: number, y: number) => svgElement('path', { d: kind.shape, fill: kind.color, transform: `translate(${x + 8 * u} ${y}) scale(${0.8 * u})` }),
    })),
    ...caption.relations.map((relation) => ({
      label: relation.label,
      mark: (x: number, y: number) => svgElement('line', { x1: x, y1: y, x2: x + 16 * u, y2: y, stroke: relation.color, 'stroke-width': 3 * u }),
    })),
  ];
  const below: SVGElement[] = [];
  const rowHeight = 24 * u;
  let x = bounds.x + pad;
  let y = bounds.y + bounds.h + 20 * u;
  for (const item of items) {
    const width = (24 + item.label.length * 7 + 18) * u;
    if (x > bounds.x + pad && x + width > bounds.x + bounds.w - pad) {
      x = bounds.x + pad;
      y += rowHeight;
    }
    below.push(item.mark(x, y - 4 * u));
    below.push(svgElement('text', { class: 'k-legend-label', x: x + 22 * u, y, 'font-size': 12 * u, fill: '#1f2933', 'font-family': CAPTION_FONT }, item.label));
    x += width;
  }
  const legendBand = items.length ? y - (bounds.y + bounds.h) + 12 * u : 0;
  if (legendBand) below.unshift(svgElement('rect', { x: bounds.x, y: bounds.y + bounds.h, width: bounds.w, height: legendBand, fill: '#ffffff' }));
  return { area: { x: bounds.x, y: bounds.y - titleBand, w: bounds.w, h: bounds.h + titleBand + legendBand }, above, below };
}

export async function svgToPngBlob(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  // Large boards are scaled down so the canvas stays within what browsers allow.
  const factor = Math.min(scale, 8000 / Math.max(width, height, 1));
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * factor));
    canvas.height = Math.max(1, Math.round(height * factor));
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Characters Windows or macOS refuse in file names, and control characters: replaced by a space. */
const ILLEGAL_IN_FILE_NAMES = /[<>:"/\\|?*\p{Cc}]/gu;
/** Names Windows reserves for devices, whatever the extension. */
const WINDOWS_DEVICE_NAMES = /^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])$/i;
/** Characters before the extension: readable in a download bar, far below file-system limits. */
const MAX_NAME_CHARS = 80;

/**
 * The name a download is saved under, "Ryhmä 1 – Päivän 1 loppu.png": the non-empty parts cleaned
 * and joined with " – ". The server names its files with the same rules
 * (`server/src/exchange/file_names.rs`); both are tested against `file-name-cases.json` there.
 */
export function downloadName(parts: readonly string[], extension: string): string {
  const joined = parts
    .map((part) => part.replace(ILLEGAL_IN_FILE_NAMES, ' ').split(/\s+/u).filter(Boolean).join(' ').replace(/^[. ]+|[. ]+$/g, ''))
    .filter(Boolean)
    .join(' – ');
  // Counted in code points, as the server counts characters.
  let base = Array.from(joined).slice(0, MAX_NAME_CHARS).join('').replace(/[ .–]+$/u, '');
  if (!base) base = 'kartta';
  if (WINDOWS_DEVICE_NAMES.test(base)) base += '_';
  return `${base}.${extension}`;
}
