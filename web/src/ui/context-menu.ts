//! The board's context menu: right-click or a long press on the canvas opens the applicable actions of the registry, operable by keyboard.
import type { Editor } from '../tools/editor';
import type { Point } from '../render/viewport';
import { contextMenuGroups } from '../actions/board-actions';
import type { BoardAction } from '../actions/board-actions';
import { t } from '../i18n';
import { h } from './dom';

/** How long a finger must rest, and how little it may move, for a long press. */
const LONG_PRESS_MS = 500;
const LONG_PRESS_SLOP_PX = 8;

export class ContextMenu {
  readonly element: HTMLElement = h('div', { class: 'k-context-menu', id: 'k-context-menu', role: 'menu', 'aria-label': t('menu.label'), hidden: true });
  private cleanup: () => void = () => {};

  constructor(private readonly canvas: HTMLElement, private readonly editor: Editor, private readonly container: HTMLElement) {}

  /** Listens for right-clicks and long presses on the canvas; returns the function that stops listening. */
  attach(): () => void {
    const canvas = this.canvas;
    const contextmenu = (e: MouseEvent) => {
      e.preventDefault();
      this.openAt(e.clientX, e.clientY, this.boardPoint(e.clientX, e.clientY));
    };
    let press: { id: number; x: number; y: number; timer: ReturnType<typeof setTimeout> } | null = null;
    const cancelPress = () => {
      if (press) clearTimeout(press.timer);
      press = null;
    };
    const down = (e: PointerEvent) => {
      if (e.pointerType !== 'touch') return;
      cancelPress();
      const { clientX: x, clientY: y, pointerId: id } = e;
      press = {
        id, x, y,
        timer: setTimeout(() => {
          press = null;
          // The finger rested: whatever gesture it started (a pan, a drag) gives way to the menu.
          this.editor.cancel();
          this.openAt(x, y, this.boardPoint(x, y));
        }, LONG_PRESS_MS),
      };
    };
    const move = (e: PointerEvent) => {
      if (press && e.pointerId === press.id && Math.hypot(e.clientX - press.x, e.clientY - press.y) > LONG_PRESS_SLOP_PX) cancelPress();
    };
    const up = (e: PointerEvent) => {
      if (press && e.pointerId === press.id) cancelPress();
    };
    canvas.addEventListener('contextmenu', contextmenu);
    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
    return () => {
      cancelPress();
      this.close(false);
      canvas.removeEventListener('contextmenu', contextmenu);
      canvas.removeEventListener('pointerdown', down);
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
      canvas.removeEventListener('pointercancel', up);
    };
  }

  get open(): boolean {
    return !this.element.hidden;
  }

  private boardPoint(clientX: number, clientY: number): Point {
    const rect = this.canvas.getBoundingClientRect();
    return this.editor.viewport.toWorld(clientX - rect.left, clientY - rect.top);
  }

  /**
   * Opens at a screen point. What is under it becomes the selection unless it already belongs to it,
   * so the menu acts on what was clicked; the menu's paste lands at that point.
   */
  openAt(clientX: number, clientY: number, at: Point): void {
    const editor = this.editor;
    const hit = editor.hit(at.x, at.y);
    if (hit && !editor.selection.has(hit.id)) editor.select([hit.id]);
    editor.pointer = at;
    const groups = contextMenuGroups(editor);
    if (groups.length === 0) return;
    const items: HTMLElement[] = [];
    groups.forEach((group, i) => {
      if (i > 0) items.push(h('div', { class: 'k-menu-sep', role: 'separator' }));
      for (const action of group) items.push(this.item(action));
    });
    this.element.replaceChildren(...items);
    this.element.setAttribute('aria-label', t('menu.label'));
    this.element.hidden = false;
    // Kept inside the page: near the right or bottom edge the menu opens towards the pointer.
    const box = this.container.getBoundingClientRect();
    const width = this.element.offsetWidth;
    const height = this.element.offsetHeight;
    const left = Math.max(0, Math.min(clientX - box.left, box.width - width - 4));
    const top = Math.max(0, Math.min(clientY - box.top, box.height - height - 4));
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
    this.menuItems()[0]?.focus();
    this.listenForClose();
  }

  close(returnFocus: boolean): void {
    if (!this.open) return;
    this.element.hidden = true;
    this.cleanup();
    this.cleanup = () => {};
    if (returnFocus) this.canvas.focus({ preventScroll: true });
  }

  private item(action: BoardAction): HTMLElement {
    const shortcut = action.shortcuts[0]?.label;
    return h('button', { type: 'button', role: 'menuitem', class: 'k-menu-item', tabindex: '-1', 'data-action': action.id, onclick: () => this.choose(action) }, [
      h('span', {}, [t(action.label)]),
      shortcut ? h('kbd', { class: 'k-menu-key', 'aria-hidden': 'true' }, [shortcut]) : null,
    ]);
  }

  private choose(action: BoardAction): void {
    this.close(true);
    if (action.enabled(this.editor)) action.perform(this.editor);
  }

  private menuItems(): HTMLElement[] {
    return [...this.element.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  }

  private listenForClose(): void {
    this.cleanup();
    const keydown = (e: KeyboardEvent) => {
      const items = this.menuItems();
      const current = items.indexOf(document.activeElement as HTMLElement);
      const focus = (i: number) => items[(i + items.length) % items.length]?.focus();
      switch (e.key) {
        case 'ArrowDown': focus(current + 1); break;
        case 'ArrowUp': focus(current < 0 ? -1 : current - 1); break;
        case 'Home': focus(0); break;
        case 'End': focus(-1); break;
        case 'Escape': this.close(true); break;
        case 'Tab': this.close(true); break;
        default: return;
      }
      e.preventDefault();
      e.stopPropagation();
    };
    const outside = (e: PointerEvent) => {
      if (!this.element.contains(e.target as Node)) this.close(false);
    };
    this.element.addEventListener('keydown', keydown);
    document.addEventListener('pointerdown', outside, true);
    this.cleanup = () => {
      this.element.removeEventListener('keydown', keydown);
      document.removeEventListener('pointerdown', outside, true);
    };
  }
}
