//! The find field (Ctrl+F): type part of a name, and Enter or the arrows go through the matching actors, each selected and centred.
import type { Editor } from '../tools/editor';
import { findActors } from '../model/find';
import { t } from '../i18n';
import { h } from './dom';

export class FindBar {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly position: HTMLElement;
  /** The ids matching what is typed, best first, and which one is shown. */
  private matches: string[] = [];
  private index = -1;

  constructor(private readonly editor: Editor, private readonly focusCanvas: () => void) {
    this.input = h('input', { type: 'search', id: 'k-find-input', class: 'k-find-input', 'aria-label': t('find.label'), placeholder: t('find.placeholder'), autocomplete: 'off', spellcheck: 'false', maxlength: 120 });
    this.position = h('span', { class: 'k-find-position', id: 'k-find-position', role: 'status', 'aria-live': 'polite' });
    this.input.addEventListener('input', () => this.search());
    this.input.addEventListener('keydown', (e) => this.key(e));
    this.element = h('div', { class: 'k-find', id: 'k-find', role: 'search', 'aria-label': t('find.label'), hidden: true }, [
      this.input,
      this.position,
      h('button', { type: 'button', class: 'k-icon-button k-small', id: 'k-find-previous', 'aria-label': t('find.previous'), title: t('find.previous'), onclick: () => this.step(-1) }, ['↑']),
      h('button', { type: 'button', class: 'k-icon-button k-small', id: 'k-find-next', 'aria-label': t('find.next'), title: t('find.next'), onclick: () => this.step(1) }, ['↓']),
      h('button', { type: 'button', class: 'k-icon-button k-small', id: 'k-find-close', 'aria-label': t('find.close'), title: t('find.close'), onclick: () => this.close() }, ['✕']),
    ]);
  }

  get open(): boolean {
    return !this.element.hidden;
  }

  show(): void {
    // Labelled on each opening: the language may have changed since the field was made.
    this.element.setAttribute('aria-label', t('find.label'));
    this.input.setAttribute('aria-label', t('find.label'));
    this.input.placeholder = t('find.placeholder');
    for (const [id, key] of [['k-find-previous', 'find.previous'], ['k-find-next', 'find.next'], ['k-find-close', 'find.close']] as const) {
      const button = this.element.querySelector(`#${id}`);
      button?.setAttribute('aria-label', t(key));
      button?.setAttribute('title', t(key));
    }
    this.element.hidden = false;
    this.input.focus();
    this.input.select();
    if (this.input.value) this.search();
  }

  close(): void {
    this.element.hidden = true;
    this.focusCanvas();
  }

  private key(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.close();
    } else if (e.key === 'Enter' || e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      this.step(e.key === 'ArrowUp' || (e.key === 'Enter' && e.shiftKey) ? -1 : 1);
    }
  }

  /** New text: the matches again, and the best one shown. */
  private search(): void {
    this.matches = findActors(this.editor.model.actors.values(), this.input.value).filter((a) => !this.editor.hiddenIds.has(a.id)).map((a) => a.id);
    this.index = -1;
    if (this.matches.length) this.step(1);
    else this.showPosition();
  }

  /** The next (or previous) match, round the list, selected and centred. */
  private step(direction: 1 | -1): void {
    // Actors deleted meanwhile drop out of the list.
    this.matches = this.matches.filter((id) => this.editor.model.actors.has(id));
    if (this.matches.length === 0) return this.showPosition();
    this.index = (this.index + direction + this.matches.length) % this.matches.length;
    const actor = this.editor.model.actors.get(this.matches[this.index]!)!;
    this.editor.select([actor.id]);
    this.editor.viewport.centerOn(actor.x, actor.y);
    this.showPosition();
  }

  private showPosition(): void {
    this.position.textContent = !this.input.value.trim() ? ''
      : this.matches.length === 0 ? t('find.none')
        : t('find.position', { index: this.index + 1, count: this.matches.length });
  }
}
