// The tool rail, the contextual palette (actor kinds, ink and note colours) and the zoom buttons.
import type { Editor } from '../tools/editor';
import type { Viewport } from '../render/viewport';
import { TOOL_NAMES } from '../tools/tool';
import { boardAction } from '../actions/board-actions';
import { actionTitle } from '../actions/action';
import type { ToolName } from '../tools/tool';
import { locale, t } from '../i18n';
import type { MessageKey } from '../i18n';
import { ACTOR_KIND_CODES } from '../generated/protocol';
import { INK_COLORS, NOTE_COLORS } from '../model/types';
import { h, icon, ICONS } from './dom';
import { kindSwatch } from './legend';
import { NOTE_COLOR_KEYS } from './inspector';

const INK_COLOR_KEYS: MessageKey[] = ['color.black', 'color.orange', 'color.blue', 'color.green', 'color.purple'];

/** Which ends of a one-row, scrolling strip have more to show: `start`, `end`, `both` or `''` (everything fits). */
export function hiddenEnds(scrollLeft: number, scrollWidth: number, clientWidth: number): '' | 'start' | 'end' | 'both' {
  // A pixel of slack: zoomed layouts report fractional widths that never quite meet.
  const before = scrollLeft > 1;
  const after = scrollLeft + clientWidth < scrollWidth - 1;
  return before && after ? 'both' : before ? 'start' : after ? 'end' : '';
}

/** Marks the strip's hidden ends (styles.css fades them) so that a phone shows there is more to swipe to. */
function markHiddenEnds(strip: HTMLElement): void {
  const ends = hiddenEnds(strip.scrollLeft, strip.scrollWidth, strip.clientWidth);
  if ((strip.dataset.more ?? '') !== ends) strip.dataset.more = ends;
}

export class Toolbar {
  element = h('nav', { class: 'k-tools' });
  palette = h('div', { class: 'k-palette' });
  zoomControls = h('div', { class: 'k-zoom' });
  private shownTool: ToolName | null = null;
  private zoomLabel = h('button', { type: 'button', class: 'k-zoom-level' });

  constructor(private readonly editor: Editor, private readonly viewport: Viewport) {
    viewport.onChange(() => this.updateZoom());
    // A turned phone or a resized window changes which swatches fit.
    if (typeof window !== 'undefined') window.addEventListener('resize', () => this.markPalette());
  }

  private markPalette(): void {
    this.palette.querySelectorAll<HTMLElement>('.k-swatches').forEach(markHiddenEnds);
  }

  build(): void {
    const e = this.editor;
    this.element = h('nav', { class: 'k-tools', 'aria-label': t('board.toolbar') }, [
      ...TOOL_NAMES.map((tool) => this.actionButton(`tool.${tool}`, { class: 'k-tool', 'data-tool': tool, 'aria-pressed': String(e.tool === tool) }, [icon(ICONS[tool])])),
      h('span', { class: 'k-tools-sep', 'aria-hidden': 'true' }),
      this.actionButton('undo', { class: 'k-tool', id: 'k-undo' }, [icon(ICONS.undo)]),
      this.actionButton('redo', { class: 'k-tool', id: 'k-redo' }, [icon(ICONS.redo)]),
    ]);
    this.zoomLabel = this.actionButton('zoomReset', { class: 'k-zoom-level' }, []);
    this.zoomControls.replaceChildren(
      this.actionButton('zoomOut', { id: 'k-zoom-out' }, [icon(ICONS.minus)]),
      this.zoomLabel,
      this.actionButton('zoomIn', { id: 'k-zoom-in' }, [icon(ICONS.plus)]),
      this.actionButton('fit', { id: 'k-fit' }, [icon(ICONS.fit)]),
    );
    this.shownTool = null;
    this.update();
    this.updateZoom();
  }

  /** A button for one of the board's actions: its name, its shortcut in the tooltip, and what it does. */
  private actionButton(id: string, attrs: Record<string, string>, children: Node[]): HTMLButtonElement {
    const action = boardAction(id);
    const label = t(action.label);
    return h('button', {
      type: 'button', 'aria-label': label, title: actionTitle(label, action), 'data-action': id,
      onclick: () => { if (action.enabled(this.editor)) action.perform(this.editor); },
      ...attrs,
    }, children);
  }

  update(): void {
    const e = this.editor;
    this.element.querySelectorAll<HTMLButtonElement>('[data-tool]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.tool === e.tool)));
    for (const id of ['undo', 'redo']) {
      const button = this.element.querySelector<HTMLButtonElement>(`[data-action="${id}"]`);
      if (button) button.disabled = !boardAction(id).enabled(e);
    }
    // A read-only board (a viewer, or locked) offers only the tools that change nothing: the others' actions are disabled.
    this.element.querySelectorAll<HTMLButtonElement>('[data-tool]').forEach((b) => (b.hidden = !boardAction(`tool.${b.dataset.tool}`).enabled(e)));
    this.element.querySelectorAll<HTMLElement>('#k-undo, #k-redo, .k-tools-sep').forEach((b) => (b.hidden = e.locked));
    this.updateRelationHint();
    if (this.shownTool === e.tool) return;
    this.shownTool = e.tool;
    this.palette.replaceChildren(...this.paletteFor(e.tool));
    this.palette.hidden = this.palette.childElementCount === 0;
    this.updateRelationHint();
    // Measured after layout: the strip has no width until it is in the document and shown.
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => this.markPalette());
  }

  /** The relation tool's one-line hint says what to do next: pick a source, then where the relation goes. */
  private updateRelationHint(): void {
    const hint = this.palette.querySelector<HTMLElement>('.k-tool-hint');
    if (!hint) return;
    const e = this.editor;
    // Touch screens have no hover and no Esc key, so they get the wording for taps.
    const touch = typeof matchMedia === 'function' && matchMedia('(hover: none)').matches;
    const armed = e.state.id === 'relation.armed' && e.relationDraft;
    const text = armed
      ? t(touch ? 'relationHint.armedTouch' : 'relationHint.armed', { name: e.model.actors.get(armed.from)?.name || t('outline.unnamed') })
      : t(touch ? 'relationHint.startTouch' : 'relationHint.start');
    if (hint.textContent !== text) hint.textContent = text;
    hint.dataset.step = armed ? 'target' : 'source';
  }

  private paletteFor(tool: ToolName): HTMLElement[] {
    const e = this.editor;
    const group = (label: string, buttons: HTMLElement[]) => {
      const strip = h('div', { role: 'group', 'aria-label': label, class: 'k-swatches' }, buttons);
      strip.addEventListener('scroll', () => markHiddenEnds(strip), { passive: true });
      return [strip];
    };
    if (tool === 'actor' || tool === 'select') {
      if (tool === 'select') return [];
      return group(t('palette.kind'), ACTOR_KIND_CODES.map((kind) => h('button', {
        type: 'button', class: 'k-swatch k-kind', 'aria-pressed': String(e.actorKind === kind), title: t(`actorKind.${kind}`), 'data-kind': kind,
        // Named here as well: on a phone only the chosen kind shows its label (see styles.css).
        'aria-label': t(`actorKind.${kind}`),
        onclick: (ev: Event) => { e.actorKind = kind; this.mark(ev); },
      }, [kindSwatch(kind, 20), h('span', { class: 'k-kind-label' }, [t(`actorKind.${kind}`)])])));
    }
    if (tool === 'pen' || tool === 'highlighter' || tool === 'label') {
      return group(t('palette.ink'), INK_COLORS.map((color, i) => h('button', {
        type: 'button', class: 'k-swatch k-color', 'aria-pressed': String(e.inkColor === color), 'aria-label': t(INK_COLOR_KEYS[i]!), title: t(INK_COLOR_KEYS[i]!),
        onclick: (ev: Event) => { e.inkColor = color; this.mark(ev); },
      }, [h('span', { class: 'k-dot', style: `background:${color}` })])));
    }
    if (tool === 'relation') {
      return [h('p', { class: 'k-tool-hint', id: 'k-relation-hint', role: 'status' })];
    }
    if (tool === 'note') {
      return group(t('palette.noteColor'), NOTE_COLORS.map((color, i) => h('button', {
        type: 'button', class: 'k-swatch k-color', 'aria-pressed': String(e.noteColor === color), 'aria-label': t(NOTE_COLOR_KEYS[i]!), title: t(NOTE_COLOR_KEYS[i]!),
        onclick: (ev: Event) => { e.noteColor = color; this.mark(ev); },
      }, [h('span', { class: 'k-dot', style: `background:${color}` })])));
    }
    return [];
  }

  private mark(ev: Event): void {
    const button = ev.currentTarget as HTMLElement;
    button.parentElement?.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
    // On a phone the chosen kind shows its name and grows: keep all of it in the strip's view.
    button.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
    if (button.parentElement) markHiddenEnds(button.parentElement);
  }

  private updateZoom(): void {
    const level = `${Math.round(this.viewport.zoom * 100)} %`;
    // A pan changes the view but not the zoom: touching the DOM every frame would restyle for nothing.
    if (this.zoomLabel.textContent === level && this.zoomLabel.dataset.locale === locale()) return;
    this.zoomLabel.textContent = level;
    this.zoomLabel.dataset.locale = locale();
    // The accessible name starts with the visible text (WCAG 2.5.3) and says what a press does.
    this.zoomLabel.setAttribute('aria-label', `${level}: ${t('action.zoomReset')}`);
  }
}
