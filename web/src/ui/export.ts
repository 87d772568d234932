// Export from the browser: the current view or the whole board as a standalone SVG or a PNG.
import type { Rect } from '../render/viewport';
import type { SceneRenderer } from '../render/scene';
import { SCENE_CSS } from '../render/style';

/** A self-contained SVG document of the drawing (without selections or cursors) showing `bounds`. */
export function sceneSvg(renderer: SceneRenderer, bounds: Rect): string {
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
  clone.setAttribute('viewBox', `${bounds.x} ${bounds.y} ${bounds.w} ${bounds.h}`);
  clone.setAttribute('width', String(Math.round(bounds.w)));
  clone.setAttribute('height', String(Math.round(bounds.h)));
  // The page has the drawing's styles as a constructed stylesheet; the file carries its own.
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = SCENE_CSS;
  clone.prepend(style);
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  Object.entries({ x: bounds.x, y: bounds.y, width: bounds.w, height: bounds.h, fill: '#ffffff' }).forEach(([k, v]) => background.setAttribute(k, String(v)));
  clone.querySelector('.k-world')?.prepend(background);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
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
