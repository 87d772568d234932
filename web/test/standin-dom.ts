// A stand-in DOM for renderer tests (Vitest runs in Node).

/**
 * Just enough of a DOM for the renderer: elements with attributes, inline style, classes, children
 * and their parent. Layout and painting are Chromium's, measured by the bench.
 */
export class StandInElement {
  readonly attributes = new Map<string, string>();
  readonly style: Record<string, string> = {};
  readonly dataset: Record<string, string> = {};
  readonly children: StandInElement[] = [];
  parent: StandInElement | null = null;
  readonly classes = new Set<string>();
  textContent = '';
  readonly classList = {
    add: (name: string) => void this.classes.add(name),
    remove: (name: string) => void this.classes.delete(name),
    contains: (name: string) => this.classes.has(name),
    toggle: (name: string, on: boolean) => {
      if (on) this.classes.add(name);
      else this.classes.delete(name);
      return on;
    },
  };
  constructor(readonly tagName: string) {}
  set className(value: string) {
    this.classes.clear();
    for (const name of value.split(/\s+/).filter(Boolean)) this.classes.add(name);
  }
  setAttribute(name: string, value: string): void {
    if (name === 'class') this.className = value;
    else this.attributes.set(name, value);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  append(...nodes: (StandInElement | string)[]): void {
    for (const node of nodes) {
      if (typeof node === 'string') this.textContent += node;
      else {
        node.parent = this;
        this.children.push(node);
      }
    }
  }
  replaceChildren(...nodes: StandInElement[]): void {
    for (const node of nodes) node.parent = this;
    this.children.splice(0, this.children.length, ...nodes);
  }
  replaceWith(node: StandInElement): void {
    const siblings = this.parent?.children;
    const at = siblings ? siblings.indexOf(this) : -1;
    if (!siblings || at < 0) return;
    node.parent = this.parent;
    siblings[at] = node;
    this.parent = null;
  }
  remove(): void {
    const siblings = this.parent?.children;
    if (siblings) siblings.splice(siblings.indexOf(this), 1);
    this.parent = null;
  }
  /** No canvas here: text is measured by estimate. */
  getContext(): null {
    return null;
  }
  find(className: string): StandInElement | undefined {
    if (this.classes.has(className)) return this;
    for (const child of this.children) {
      const found = child.find(className);
      if (found) return found;
    }
    return undefined;
  }
}

/** What the renderer needs of `document`. */
export function standInDocument() {
  return {
    createElement: (tag: string) => new StandInElement(tag),
    createElementNS: (_ns: string, tag: string) => new StandInElement(tag),
  };
}
