// Small helpers to create SVG elements and to keep a layer of keyed elements in step with data.
export const SVG_NS = 'http://www.w3.org/2000/svg';

export interface Bounds { x: number; y: number; w: number; h: number }

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K, attrs: Record<string, string | number> = {}, children: (SVGElement | string)[] = [],
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const child of children) el.append(child);
  return el;
}

/**
 * A group whose children are keyed by element id. Each render passes (id, signature, build) per item;
 * an element is rebuilt only when its signature changed, so a remote edit of one actor touches one node.
 */
export class KeyedLayer {
  private readonly nodes = new Map<string, { signature: string; node: SVGElement; bounds: Bounds; shown: boolean }>();
  /** The area of the last `cull`: elements built later are shown only inside it. */
  private view: Bounds | null = null;
  constructor(readonly group: SVGGElement) {}

  /**
   * Hides elements outside `view` (display: none), so that the browser lays out and paints only what
   * is on screen: at 100 % zoom a large board has a few dozen of its thousands of elements in view.
   */
  cull(view: Bounds): void {
    this.view = { ...view };
    for (const entry of this.nodes.values()) {
      const shown = overlaps(entry.bounds, view);
      if (shown !== entry.shown) {
        entry.shown = shown;
        entry.node.style.display = shown ? '' : 'none';
      }
    }
  }

  begin(): Set<string> {
    return new Set();
  }

  /** Keeps element `id` as `build` makes it, rebuilding it only when `signature` changed; `seen` collects ids for `end`. */
  put(seen: Set<string> | null, id: string, signature: string, bounds: Bounds, build: () => SVGElement): void {
    seen?.add(id);
    const existing = this.nodes.get(id);
    if (existing && existing.signature === signature) return;
    const node = build();
    node.dataset.id = id;
    // Culled as it is built, so an element outside the drawn area costs no layout.
    const shown = !this.view || overlaps(bounds, this.view);
    if (!shown) node.style.display = 'none';
    if (existing) existing.node.replaceWith(node);
    else this.group.append(node);
    this.nodes.set(id, { signature, node, bounds, shown });
  }

  end(seen: Set<string>): void {
    for (const [id, entry] of this.nodes) {
      if (!seen.has(id)) {
        entry.node.remove();
        this.nodes.delete(id);
      }
    }
  }

  get size(): number {
    return this.nodes.size;
  }
}

function overlaps(b: Bounds, view: Bounds): boolean {
  return b.x < view.x + view.w && view.x < b.x + b.w && b.y < view.y + view.h && view.y < b.y + b.h;
}

/** Splits text into lines of at most `maxChars` characters, breaking at spaces where it can. */
export function wrapText(text: string, maxChars: number, maxLines: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      let rest = word;
      while (rest.length > maxChars) {
        if (line) lines.push(line);
        line = '';
        lines.push(rest.slice(0, maxChars));
        rest = rest.slice(maxChars);
      }
      if (!line) line = rest;
      else if (line.length + 1 + rest.length <= maxChars) line += ' ' + rest;
      else {
        lines.push(line);
        line = rest;
      }
    }
    lines.push(line);
  }
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = kept[maxLines - 1]!.slice(0, Math.max(0, maxChars - 1)) + '…';
    return kept;
  }
  return lines;
}

export function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : text.slice(0, maxChars - 1) + '…';
}
