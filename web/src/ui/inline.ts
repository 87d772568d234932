// Inline editors over the canvas: an actor's name, and a note's text (typed straight into its Y.Text).
import type { BoardModel } from '../model/board';
import type { Viewport } from '../render/viewport';
import { ACTOR_WIDTH } from '../model/types';
import { actorCardHeight } from '../render/card';
import { t } from '../i18n';
import { h } from './dom';

export class InlineEditor {
  private current: { element: HTMLElement; close: () => void; place: () => void } | null = null;

  constructor(private readonly layer: HTMLElement, private readonly model: BoardModel, private readonly viewport: Viewport, private readonly refocus: () => void) {
    viewport.onChange(() => this.current?.place());
  }

  close(): void {
    this.current?.close();
  }

  /** Whether a name or a note is being typed here (no key is then a shortcut). */
  get open(): boolean {
    return this.current !== null;
  }

  /**
   * Edits an actor's name in place. `placed`: the actor was just put on the board, so Escape takes
   * it off again rather than leaving a card without a name.
   */
  editActorName(id: string, placed = false): void {
    this.close();
    const actor = this.model.actors.get(id);
    if (!actor || !this.model.canWrite()) return;
    const input = h('input', { class: 'k-inline k-inline-name', type: 'text', value: actor.name, 'aria-label': t('field.name'), placeholder: t('actor.placeholder'), maxlength: 120 });
    const place = () => {
      const a = this.model.actors.get(id);
      if (!a) return this.close();
      // The field covers the name's lines, however many the card has.
      const height = actorCardHeight(a);
      const p = this.viewport.toScreen(a.x - ACTOR_WIDTH / 2 + 34, a.y - height / 2 + 6);
      Object.assign(input.style, {
        left: `${p.x}px`, top: `${p.y}px`, width: `${(ACTOR_WIDTH - 40) * this.viewport.zoom}px`,
        height: `${(height - 12) * this.viewport.zoom}px`, fontSize: `${14 * this.viewport.zoom}px`,
      });
    };
    let done = false;
    const finish = (save: boolean) => {
      if (done) return;
      done = true;
      if (save && this.model.actors.get(id)?.name !== input.value.trim()) this.model.updateActor(id, { name: input.value.trim() });
      if (!save && placed) this.model.discardPlacedActor(id);
      input.remove();
      this.current = null;
      this.refocus();
    };
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      // Enter or Escape inside an IME's composition confirm or drop the candidate, not the name.
      if (e.isComposing) return;
      if (e.key === 'Enter') finish(true);
      if (e.key === 'Escape') finish(false);
    });
    this.current = { element: input, close: () => finish(true), place };
    this.layer.append(input);
    place();
    input.focus();
    input.select();
    input.addEventListener('blur', () => finish(true));
  }

  editNote(id: string): void {
    this.close();
    const note = this.model.notes.get(id);
    if (!note || !this.model.canWrite()) return;
    const area = h('textarea', { class: `k-inline k-inline-note${note.variant === 'label' ? ' k-inline-label' : ''}`, 'aria-label': t('field.text'), placeholder: t('note.placeholder') });
    area.value = note.body;
    const place = () => {
      const n = this.model.notes.get(id);
      if (!n) return this.close();
      const p = this.viewport.toScreen(n.x, n.y);
      Object.assign(area.style, {
        left: `${p.x}px`, top: `${p.y}px`, width: `${n.w * this.viewport.zoom}px`, height: `${Math.max(n.h, 40) * this.viewport.zoom}px`,
        fontSize: `${(n.variant === 'label' ? 20 : 15) * this.viewport.zoom}px`, background: n.variant === 'label' ? '#ffffffe6' : n.color,
      });
    };
    // Each keystroke goes into the shared Y.Text; others see the note being written.
    area.addEventListener('input', () => this.model.setNoteBody(id, area.value));
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      area.remove();
      this.current = null;
      this.refocus();
    };
    area.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Escape') finish();
    });
    this.current = { element: area, close: finish, place };
    this.layer.append(area);
    place();
    area.focus();
    area.addEventListener('blur', finish);
  }
}
