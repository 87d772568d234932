// The "since last time" panel of a board: what changed since its latest snapshot, each line showing those elements on the map.
import * as Y from 'yjs';
import type { Locale, Role, Snapshot } from '../generated/protocol';
import { api } from '../api/client';
import { BoardModel } from '../model/board';
import type { ComparableBoard } from '../model/compare';
import { latestSnapshot, newestFirst, shouldShowSince, sinceLines } from '../model/since';
import type { SinceLine } from '../model/since';
import type { Actor } from '../model/types';
import type { Editor } from '../tools/editor';
import { actorRect, noteRect, strokeBounds } from '../tools/hit';
import type { Rect, Viewport } from '../render/viewport';
import type { Ghosts } from '../render/scene';
import { actorCardHeight, actorCardWidth } from '../render/card';
import { locale, t, tn } from '../i18n';
import { h } from './dom';
import { errorText } from './common';

/** Local storage, per board: the latest snapshot id when this device dismissed the panel. */
const DISMISSED_PREFIX = 'kartta.sinceDismissed.';
/** Live edits while the panel is open are counted again at most this often. */
const RECOUNT_MS = 300;

/** A snapshot's day as people write it: "4.10." in Finnish, "4 okt." in Swedish, "4 Oct" in English. */
export function dayMonth(unixSeconds: number, language: Locale): string {
  const date = new Date(unixSeconds * 1000);
  if (language === 'fi') return date.toLocaleDateString('fi', { day: 'numeric', month: 'numeric' });
  return date.toLocaleDateString(language === 'sv' ? 'sv' : 'en-GB', { day: 'numeric', month: 'short' });
}

/** One line of the panel in the current language, with the plural form its count needs. */
export function sinceLineText(line: SinceLine): string {
  return tn(`since.${line.kind}`, line.ids.length);
}

/** The sentence screen readers hear: "Since End of day 1 (4.10.): 5 actors added, 2 actors removed." */
export function sinceSummary(baseline: Snapshot, lines: readonly SinceLine[]): string {
  const params = { name: baseline.name, date: dayMonth(baseline.createdAt, locale()) };
  if (lines.length === 0) return t('since.nothing', params);
  return t('since.summary', { ...params, changes: lines.map(sinceLineText).join(', ') });
}

function comparable(model: BoardModel): ComparableBoard {
  return { actors: model.actors.values(), relations: model.relations.values(), notes: model.notes.values(), strokes: model.strokes.values() };
}

function readDismissed(boardId: string): string | null {
  try {
    return localStorage.getItem(DISMISSED_PREFIX + boardId);
  } catch {
    return null;
  }
}

function union(rects: Rect[]): Rect | null {
  if (rects.length === 0) return null;
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  return { x, y, w: Math.max(...rects.map((r) => r.x + r.w)) - x, h: Math.max(...rects.map((r) => r.y + r.h)) - y };
}

export interface SinceContext {
  boardId: string;
  token: string;
  role: Role;
  /** The board now. */
  model: BoardModel;
  editor: Editor;
  viewport: Viewport;
  /** Draws (or clears) what was removed since the baseline, where it was. */
  setGhosts: (ghosts: Ghosts | null) => void;
  /** Where focus goes when the panel closes. */
  focusCanvas: () => void;
}

export class SincePanel {
  readonly element = h('section', { class: 'k-since', id: 'k-since', 'aria-labelledby': 'k-since-title', hidden: true });
  /** The screen-reader summary; kept across renders so that a change of its text is announced. */
  private readonly status = h('p', { class: 'k-sr-only', role: 'status', id: 'k-since-status' });
  private snapshots: Snapshot[] = [];
  private latest: Snapshot | null = null;
  private baseline: Snapshot | null = null;
  private then: BoardModel | null = null;
  private lines: SinceLine[] = [];
  private open = false;
  private error = '';
  private shown: SinceLine['kind'] | null = null;
  private recount: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;

  constructor(private readonly ctx: SinceContext) {}

  /** Once the board has synced: opens the panel when something changed since the latest snapshot. */
  async start(): Promise<void> {
    // `data-checked` says what was decided (end-to-end tests wait on it rather than on time).
    this.element.dataset.checked = await this.check();
  }

  private async check(): Promise<'open' | 'none' | 'dismissed' | 'unchanged' | 'failed'> {
    const ctx = this.ctx;
    try {
      this.snapshots = await api.snapshots(ctx.boardId, ctx.token);
    } catch {
      // The panel is a convenience: without the list, the board simply opens without it.
      return 'failed';
    }
    this.latest = latestSnapshot(this.snapshots);
    if (!this.latest) return 'none';
    // Already dismissed for this snapshot on this device: no need to load it at all.
    if (readDismissed(ctx.boardId) === this.latest.id) return 'dismissed';
    try {
      await this.load(this.latest);
    } catch {
      return 'failed';
    }
    if (this.destroyed || !shouldShowSince(ctx.role, this.latest, readDismissed(ctx.boardId), this.lines)) return 'unchanged';
    this.open = true;
    this.render();
    this.announce();
    return 'open';
  }

  /** The board changed while the panel is open: count again (coalesced, a busy room changes often). */
  modelChanged(): void {
    if (!this.open || this.recount !== null) return;
    this.recount = setTimeout(() => {
      this.recount = null;
      if (!this.open || !this.then) return;
      const before = this.lines.map(sinceLineText).join('|');
      this.lines = sinceLines(comparable(this.then), comparable(this.ctx.model));
      if (this.lines.map(sinceLineText).join('|') === before) return;
      this.render();
      this.announce();
    }, RECOUNT_MS);
  }

  destroy(): void {
    this.destroyed = true;
    if (this.recount !== null) clearTimeout(this.recount);
    this.then?.doc.destroy();
  }

  private async load(snapshot: Snapshot): Promise<void> {
    const state = await api.snapshotState(snapshot.id, this.ctx.token);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    this.then?.doc.destroy();
    this.then = new BoardModel(doc);
    this.then.canWrite = () => false;
    this.baseline = snapshot;
    this.lines = sinceLines(comparable(this.then), comparable(this.ctx.model));
  }

  render(): void {
    const baseline = this.baseline;
    this.element.hidden = !this.open || !baseline;
    if (!this.open || !baseline) return;
    const focused = document.activeElement?.id;
    const params = { name: baseline.name, date: dayMonth(baseline.createdAt, locale()) };
    const choices = newestFirst(this.snapshots);
    const select = choices.length > 1 ? h('select', { id: 'k-since-baseline', onchange: (e: Event) => void this.choose((e.target as HTMLSelectElement).value) },
      choices.map((s) => h('option', { value: s.id }, [`${s.name} (${dayMonth(s.createdAt, locale())})`]))) : null;
    if (select) select.value = baseline.id;
    this.element.replaceChildren(
      h('div', { class: 'k-since-head' }, [
        h('h2', { id: 'k-since-title' }, [t('since.title', params)]),
        h('button', { type: 'button', class: 'k-small', id: 'k-since-dismiss', onclick: () => this.dismiss() }, [t('since.dismiss')]),
      ]),
      this.lines.length === 0
        ? h('p', {}, [t('since.nothing', params)])
        : h('ul', { class: 'k-since-list', id: 'k-since-list' }, this.lines.map((line) => h('li', {}, [
          h('button', {
            // An id per line keeps keyboard focus on it when the panel is drawn again.
            type: 'button', id: `k-since-${line.kind}`, class: `k-since-line k-since-${line.kind}`, 'data-since': line.kind, 'aria-pressed': String(this.shown === line.kind),
            'aria-describedby': 'k-since-hint', onclick: () => this.showLine(line),
          }, [h('span', { class: 'k-since-mark', 'aria-hidden': 'true' }, [line.kind.endsWith('Added') ? '+' : line.kind.endsWith('Removed') ? '−' : 'Δ']), sinceLineText(line)]),
        ]))),
      h('span', { class: 'k-sr-only', id: 'k-since-hint' }, [t('since.show')]),
      select ? h('div', { class: 'k-since-baseline' }, [h('label', { for: 'k-since-baseline' }, [t('since.baseline')]), select]) : '',
      this.error ? h('p', { class: 'k-error', role: 'alert' }, [this.error]) : '',
      this.status,
    );
    if (focused) document.getElementById(focused)?.focus();
  }

  /** Tells screen readers the summary, after the region is in the page (a region's first text is not announced). */
  private announce(): void {
    const baseline = this.baseline;
    if (!baseline) return;
    this.status.textContent = '';
    requestAnimationFrame(() => (this.status.textContent = sinceSummary(baseline, this.lines)));
  }

  private async choose(snapshotId: string): Promise<void> {
    const snapshot = this.snapshots.find((s) => s.id === snapshotId);
    if (!snapshot) return;
    try {
      await this.load(snapshot);
      this.error = '';
    } catch (error) {
      this.error = t('since.failed', { message: errorText(error) });
    }
    this.shown = null;
    this.ctx.setGhosts(null);
    this.render();
    this.announce();
  }

  /** Selects and centres what a line counts; what was removed is drawn as ghosts where it was. */
  private showLine(line: SinceLine): void {
    const { model, editor, viewport } = this.ctx;
    const then = this.then;
    if (!then) return;
    this.shown = line.kind;
    const rects: Rect[] = [];
    if (line.kind === 'actorsRemoved' || line.kind === 'relationsRemoved') {
      const actors: Actor[] = [];
      const relations: Ghosts['relations'] = [];
      for (const id of line.ids) {
        const actor = then.actors.get(id);
        if (actor) actors.push(actor);
        const relation = then.relations.get(id);
        const a = relation && then.actors.get(relation.from);
        const b = relation && then.actors.get(relation.to);
        if (a && b) relations.push({ from: { x: a.x, y: a.y, w: actorCardWidth(a), h: actorCardHeight(a) }, to: { x: b.x, y: b.y, w: actorCardWidth(b), h: actorCardHeight(b) } });
      }
      for (const actor of actors) rects.push(actorRect(actor));
      for (const r of relations) rects.push(union([{ x: r.from.x, y: r.from.y, w: 0, h: 0 }, { x: r.to.x, y: r.to.y, w: 0, h: 0 }])!);
      this.ctx.setGhosts({ actors, relations });
      editor.select([]);
    } else {
      const present = line.ids.filter((id) => model.actors.has(id) || model.relations.has(id) || model.notes.has(id) || model.strokes.has(id));
      for (const id of present) {
        const actor = model.actors.get(id);
        const relation = model.relations.get(id);
        const note = model.notes.get(id);
        const stroke = model.strokes.get(id);
        if (actor) rects.push(actorRect(actor));
        for (const end of relation ? [relation.from, relation.to] : []) {
          const a = model.actors.get(end);
          if (a) rects.push(actorRect(a));
        }
        if (note) rects.push(noteRect(note));
        if (stroke) rects.push(strokeBounds(stroke));
      }
      this.ctx.setGhosts(null);
      editor.select(present);
    }
    const bounds = union(rects);
    if (bounds) viewport.fit(bounds, 96);
    this.render();
  }

  private dismiss(): void {
    try {
      if (this.latest) localStorage.setItem(DISMISSED_PREFIX + this.ctx.boardId, this.latest.id);
    } catch {
      // Without storage the panel closes for this visit only.
    }
    this.open = false;
    this.shown = null;
    this.ctx.setGhosts(null);
    this.render();
    this.ctx.focusCanvas();
  }
}
