// Text measurement for fitting names into cards: the browser's canvas metrics, or an estimate without a DOM.
import { FONT_STACK } from './style';

let context: CanvasRenderingContext2D | null | undefined;
const cache = new Map<string, number>();

export function textWidth(text: string, sizePx: number, weight = 400): number {
  const font = `${weight} ${sizePx}px ${FONT_STACK}`;
  const key = `${font}|${text}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  if (context === undefined) {
    context = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  }
  let width: number;
  if (context) {
    context.font = font;
    width = context.measureText(text).width;
  } else {
    width = text.length * sizePx * (weight >= 600 ? 0.62 : 0.56);
  }
  if (cache.size > 20000) cache.clear();
  cache.set(key, width);
  return width;
}

/** The width of `text` in a CSS `font` (such as a control's computed style), in CSS pixels; 0 without a DOM. */
export function textWidthInFont(text: string, font: string): number {
  if (context === undefined) {
    context = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  }
  if (!context) return 0;
  context.font = font;
  return context.measureText(text).width;
}

/** The longest prefix of `text` that fits in `maxWidth` with an ellipsis (or all of it, if it fits). */
export function truncateToWidth(text: string, maxWidth: number, sizePx: number, weight = 400): string {
  if (textWidth(text, sizePx, weight) <= maxWidth) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (textWidth(text.slice(0, mid).trimEnd() + '…', sizePx, weight) <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return text.slice(0, low).trimEnd() + '…';
}
