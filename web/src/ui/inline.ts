// Inline editors over the canvas: an actor's name, and a note's text (typed straight into its Y.Text).
import type { BoardModel } from '../model/board';
import type { Viewport } from '../render/viewport';
import { actorCardWidth } from '../render/card';
import { t } from '../i18n';
import { h } from './dom';

/**
 * The name field's text size on screen. At 16 px phones do not zoom the page into a focused field,
 * and the name is legible at any zoom of the board (at 25 % a card's own 14 px would be 3.5 px).
 */
export const NAME_FIELD_FONT_PX = 16;
/** The field's height on screen: one line of 16 px text with its padding and border, a finger's height. */
export const NAME_FIELD_HEIGHT_PX = 40;
/** The least width of the field on screen, so that a name of a few words shows while it is typed. */
export const NAME_FIELD_MIN_WIDTH_PX = 240;
/** The field keeps this far from the edges of the canvas, so no side of it is ever cut. */
export const NAME_FIELD_MARGIN_PX = 8;

export interface ScreenBox { left: number; top: number; width: number; height: number }

/**
 * Where the name field goes on a canvas `stageWidth` × `stageHeight`: centred on the card (its
 * centre and width on screen given), at least as wide as the card, and moved inside the canvas
 * where the card is near an edge or partly off screen.
 */
export function nameFieldBox(card: { x: number; y: number; width: number }, stageWidth: number, stageHeight: number): ScreenBox {
  const room = Math.max(stageWidth - 2 * NAME_FIELD_MARGIN_PX, 0);
  const width = Math.min(Math.max(card.width, NAME_FIELD_MIN_WIDTH_PX), room);
  const height = NAME_FIELD_HEIGHT_PX;
  const inside = (value: number, size: number, extent: number) =>
    Math.max(NAME_FIELD_MARGIN_PX, Math.min(value, extent - NAME_FIELD_MARGIN_PX - size));
  return {
    left: inside(card.x - width / 2, width, stageWidth),
    top: inside(card.y - height / 2, height, stageHeight),
    width,
    height,
  };
}

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
      // A fixed size on screen over the card, not the card's scale: legible and whole at any zoom.
      const centre = this.viewport.toScreen(a.x, a.y);
      const box = nameFieldBox({ ...centre, width: actorCardWidth(a) * this.viewport.zoom }, this.viewport.width, this.viewport.height);
      Object.assign(input.style, {
        left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px`, minHeight: `${box.height}px`, fontSize: `${NAME_FIELD_FONT_PX}px`,
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
