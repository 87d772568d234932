// The tool rail, the contextual palette (actor kinds, ink and note colours) and the zoom buttons.
import type { Editor } from '../tools/editor';
import type { Viewport } from '../render/viewport';
import { TOOL_KEYS, TOOL_NAMES } from '../tools/tool';
import { READ_ONLY_TOOLS } from '../tools/editor';
import type { ToolName } from '../tools/tool';
import { locale, t } from '../i18n';
import type { MessageKey } from '../i18n';
import { ACTOR_KIND_CODES } from '../generated/protocol';
import { INK_COLORS, NOTE_COLORS } from '../model/types';
import { h, icon, ICONS } from './dom';
import { kindSwatch } from './legend';
import { NOTE_COLOR_KEYS } from './inspector';

const KEY_OF = Object.fromEntries(Object.entries(TOOL_KEYS).map(([k, tool]) => [tool, k.toUpperCase()])) as Record<ToolName, string>;
const INK_COLOR_KEYS: MessageKey[] = ['color.black', 'color.orange', 'color.blue', 'color.green', 'color.purple'];

export class Toolbar {
  element = h('nav', { class: 'k-tools' });
  palette = h('div', { class: 'k-palette' });
  zoomControls = h('div', { class: 'k-zoom' });
  private shownTool: ToolName | null = null;
  private zoomLabel = h('button', { type: 'button', class: 'k-zoom-level' });

  constructor(private readonly editor: Editor, private readonly viewport: Viewport) {
    viewport.onChange(() => this.updateZoom());
  }

  build(): void {
    const e = this.editor;
    this.element = h('nav', { class: 'k-tools', 'aria-label': t('board.toolbar') }, [
      ...TOOL_NAMES.map((tool) => h('button', {
        type: 'button', class: 'k-tool', 'data-tool': tool, 'aria-pressed': String(e.tool === tool),
        'aria-label': t(`tool.${tool}`), title: `${t(`tool.${tool}`)} (${KEY_OF[tool]})`,
        onclick: () => e.setTool(tool),
      }, [icon(ICONS[tool])])),
      h('span', { class: 'k-tools-sep', 'aria-hidden': 'true' }),
      h('button', { type: 'button', class: 'k-tool', id: 'k-undo', 'aria-label': t('action.undo'), title: `${t('action.undo')} (Ctrl Z)`, onclick: () => e.undo() }, [icon(ICONS.undo)]),
      h('button', { type: 'button', class: 'k-tool', id: 'k-redo', 'aria-label': t('action.redo'), title: `${t('action.redo')} (Ctrl Shift Z)`, onclick: () => e.redo() }, [icon(ICONS.redo)]),
    ]);
    this.zoomLabel = h('button', { type: 'button', class: 'k-zoom-level', title: t('action.zoomReset'), onclick: () => this.viewport.zoomBy(1 / this.viewport.zoom) });
    this.zoomControls.replaceChildren(
      h('button', { type: 'button', 'aria-label': t('action.zoomOut'), title: `${t('action.zoomOut')} (−)`, id: 'k-zoom-out', onclick: () => this.viewport.zoomBy(0.8) }, [icon(ICONS.minus)]),
      this.zoomLabel,
      h('button', { type: 'button', 'aria-label': t('action.zoomIn'), title: `${t('action.zoomIn')} (+)`, id: 'k-zoom-in', onclick: () => this.viewport.zoomBy(1.25) }, [icon(ICONS.plus)]),
      h('button', { type: 'button', 'aria-label': t('action.fit'), title: `${t('action.fit')} (Shift 1)`, id: 'k-fit', onclick: () => e.zoomToFit() }, [icon(ICONS.fit)]),
    );
    this.shownTool = null;
    this.update();
    this.updateZoom();
  }

  update(): void {
    const e = this.editor;
    this.element.querySelectorAll<HTMLButtonElement>('[data-tool]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.tool === e.tool)));
    const undo = this.element.querySelector<HTMLButtonElement>('#k-undo');
    const redo = this.element.querySelector<HTMLButtonElement>('#k-redo');
    if (undo) undo.disabled = !e.model.canUndo();
    if (redo) redo.disabled = !e.model.canRedo();
    // A read-only board (a viewer, or locked) offers only the tools that change nothing.
    const readOnly = e.locked;
    this.element.querySelectorAll<HTMLButtonElement>('[data-tool]').forEach((b) => (b.hidden = readOnly && !READ_ONLY_TOOLS.includes(b.dataset.tool as ToolName)));
    this.element.querySelectorAll<HTMLElement>('#k-undo, #k-redo, .k-tools-sep').forEach((b) => (b.hidden = readOnly));
    if (this.shownTool === e.tool) return;
    this.shownTool = e.tool;
    this.palette.replaceChildren(...this.paletteFor(e.tool));
    this.palette.hidden = this.palette.childElementCount === 0;
  }

  private paletteFor(tool: ToolName): HTMLElement[] {
    const e = this.editor;
    const group = (label: string, buttons: HTMLElement[]) => [h('div', { role: 'group', 'aria-label': label, class: 'k-swatches' }, buttons)];
    if (tool === 'actor' || tool === 'select') {
      if (tool === 'select') return [];
      return group(t('palette.kind'), ACTOR_KIND_CODES.map((kind) => h('button', {
        type: 'button', class: 'k-swatch k-kind', 'aria-pressed': String(e.actorKind === kind), title: t(`actorKind.${kind}`), 'data-kind': kind,
        onclick: (ev: Event) => { e.actorKind = kind; this.mark(ev); },
      }, [kindSwatch(kind, 20), h('span', {}, [t(`actorKind.${kind}`)])])));
    }
    if (tool === 'pen' || tool === 'highlighter' || tool === 'label') {
      return group(t('palette.ink'), INK_COLORS.map((color, i) => h('button', {
        type: 'button', class: 'k-swatch k-color', 'aria-pressed': String(e.inkColor === color), 'aria-label': t(INK_COLOR_KEYS[i]!), title: t(INK_COLOR_KEYS[i]!),
        onclick: (ev: Event) => { e.inkColor = color; this.mark(ev); },
      }, [h('span', { class: 'k-dot', style: `background:${color}` })])));
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
