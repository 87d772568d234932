//! The compare page: two maps of a workshop side by side, their views moving together, and the list of what differs.
import { api } from '../api/client';
import { accessStore } from '../access/store';
import { resolveWorkshop } from '../access/resolve';
import { parseMapRef, workshopPath } from '../access/links';
import type { MapRef } from '../access/links';
import { canManage } from '../access/roles';
import { onLocaleChange, t, tn } from '../i18n';
import type { MatchTable, Role, Workshop } from '../generated/protocol';
import { compareMaps, pairsFromMatchTable } from '../model/compare-maps';
import type { ActorMatching, ComparedItem, MapComparison } from '../model/compare-maps';
import { accessMessage, errorText, messagePage } from './common';
import { h } from './dom';
import { languageSelect } from './language';
import { MapPane } from './map-pane';
import { CompareList } from './compare-list';
import { SyncedPanes } from './compare-panes';
import type { Side } from './compare-panes';

type Navigate = (path: string, state?: unknown) => void;

/** Edits are gathered this long before the list is worked out again (a live board keeps changing). */
const RECOMPARE_MS = 250;

export function mountCompare(root: HTMLElement, workshopId: string, search: string, navigate: Navigate, linkToken: string | null): () => void {
  let view: CompareView | null = null;
  let panes: MapPane[] = [];
  let cancelled = false;
  const start = async () => {
    messagePage(root, navigate, 'access.loading', '');
    const resolved = await resolveWorkshop(api, accessStore, workshopId, linkToken);
    if (cancelled) return;
    if (!resolved.ok) {
      const { title, text } = accessMessage(resolved.reason, resolved.message);
      messagePage(root, navigate, title, text, resolved.reason === 'network' ? () => void start() : undefined);
      return;
    }
    const params = new URLSearchParams(search);
    const refs = [parseMapRef(params.get('left')), parseMapRef(params.get('right'))];
    if (!refs[0] || !refs[1]) {
      messagePage(root, navigate, 'compareMaps.pickTwo', '');
      return;
    }
    try {
      const sides = await Promise.all(refs.map((ref, i) => openSide(ref!, resolved.value, resolved.token, i === 0 ? 'left' : 'right')));
      panes = sides.map((s) => s.pane);
      if (cancelled) return panes.forEach((p) => p.destroy());
      view = new CompareView(root, resolved.value, resolved.token, resolved.role, sides[0]!, sides[1]!, navigate);
    } catch (error) {
      if (!cancelled) messagePage(root, navigate, 'compareMaps.failed', errorText(error));
    }
  };
  void start();
  return () => {
    cancelled = true;
    if (view) view.destroy();
    else panes.forEach((p) => p.destroy());
  };
}

async function openSide(ref: MapRef, workshop: Workshop, token: string, which: 'left' | 'right'): Promise<Side> {
  const boardTitle = (id: string) => workshop.boards.find((b) => b.id === id)?.title || t('board.untitled');
  if (ref.kind === 'snapshot') {
    const [snapshot, state] = await Promise.all([api.snapshot(ref.id, token), api.snapshotState(ref.id, token)]);
    const title = t('compareMaps.snapshotTitle', { title: boardTitle(snapshot.boardId), name: snapshot.name });
    return { ref, boardId: snapshot.boardId, title, pane: new MapPane({ state }, title) };
  }
  if (!workshop.boards.some((b) => b.id === ref.id)) throw new Error(t('access.notFound'));
  const title = boardTitle(ref.id);
  return { ref, boardId: ref.id, title, pane: new MapPane({ live: { boardId: ref.id, token } }, `${title} (${which})`) };
}

class CompareView {
  private comparison: MapComparison | null = null;
  private matching: ActorMatching | null = null;
  private matchNote = '';
  /** The workshop's match table of the two maps, asked for as soon as the page opens (facilitator only). */
  private matchTable: Promise<MatchTable> | null = null;
  private focusedKey: string | null = null;
  private fitted = false;
  private recompareTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly cleanups: (() => void)[] = [];
  private readonly panes: SyncedPanes;
  private readonly list: CompareList;

  constructor(
    private readonly root: HTMLElement, private readonly workshop: Workshop, token: string, private readonly role: Role,
    private readonly left: Side, private readonly right: Side, private readonly navigate: Navigate,
  ) {
    left.pane.enableNavigation(t('compareMaps.paneLabel', { title: left.title }));
    right.pane.enableNavigation(t('compareMaps.paneLabel', { title: right.title }));
    left.pane.root.id = 'k-cmp-left';
    right.pane.root.id = 'k-cmp-right';
    this.panes = new SyncedPanes(left, right);
    this.list = new CompareList({ left: left.title, right: right.title }, (item) => this.focusItem(item));
    this.cleanups.push(
      left.pane.model.onChange(() => this.recompareSoon()),
      right.pane.model.onChange(() => this.recompareSoon()),
      onLocaleChange(() => this.layout()),
    );
    this.layout();
    // The match table takes the server a while on large maps: ask for it while the boards load, and
    // drop it if the maps turn out to share history.
    if (left.boardId !== right.boardId && canManage(role)) {
      const selection = { boardIds: [] as string[], snapshotIds: [] as string[] };
      for (const side of [left, right]) (side.ref.kind === 'board' ? selection.boardIds : selection.snapshotIds).push(side.ref.id);
      this.matchTable = api.proposeMatches(workshop.id, token, selection);
      this.matchTable.catch(() => undefined);
    }
    let waiting = 2;
    const ready = () => {
      waiting -= 1;
      if (waiting === 0) {
        performance.mark('kartta:compare-synced');
        void this.start();
      }
    };
    left.pane.whenSynced(ready);
    right.pane.whenSynced(ready);
    const debugWindow = window as unknown as { karttaCompare?: unknown; karttaDebug?: boolean };
    if (import.meta.env.DEV || debugWindow.karttaDebug === true) debugWindow.karttaCompare = { left: left.pane, right: right.pane, view: this };
  }

  destroy(): void {
    if (this.recompareTimer !== null) clearTimeout(this.recompareTimer);
    this.cleanups.forEach((c) => c());
    this.panes.destroy();
    delete this.root.dataset.compared;
  }

  private layout(): void {
    const back = workshopPath(this.workshop.id);
    this.root.className = 'k-cmp-page';
    this.root.replaceChildren(
      h('header', { class: 'k-header' }, [
        h('a', { href: '/', class: 'k-home', 'aria-label': t('board.home'), onclick: (e: Event) => { e.preventDefault(); this.navigate('/'); } }, [h('span', { class: 'k-logo', 'aria-hidden': 'true' })]),
        h('h1', { class: 'k-cmp-title' }, [t('compareMaps.title')]),
        h('div', { class: 'k-spacer' }),
        h('a', { class: 'k-button k-small', href: back, id: 'k-cmp-back', onclick: (e: Event) => { e.preventDefault(); this.navigate(back); } }, [t('compareMaps.back')]),
        languageSelect(),
      ]),
      h('main', { class: 'k-cmp-main' }, [
        h('section', { class: 'k-cmp-side', 'aria-labelledby': 'k-cmp-left-title' }, [h('h2', { class: 'k-pane-title', id: 'k-cmp-left-title' }, [this.left.title]), h('div', { class: 'k-pane-box' }, [this.left.pane.root])]),
        h('section', { class: 'k-cmp-side', 'aria-labelledby': 'k-cmp-right-title' }, [h('h2', { class: 'k-pane-title', id: 'k-cmp-right-title' }, [this.right.title]), h('div', { class: 'k-pane-box' }, [this.right.pane.root])]),
        h('aside', { class: 'k-cmp-list', 'aria-labelledby': 'k-cmp-list-title' }, [
          h('h2', { id: 'k-cmp-list-title' }, [t('compareMaps.listTitle')]),
          this.list.legend(),
          this.list.status,
          this.list.note,
          this.list.items,
        ]),
      ]),
    );
    document.title = `${t('compareMaps.title')} · ${this.workshop.title}`;
    this.list.render(this.comparison, this.matchNote);
  }

  /** Pairs the actors (once), then compares and draws; fits both views to both maps the first time. */
  private async start(): Promise<void> {
    // The panes learn their size from a ResizeObserver, which reports after the next frame's rAF callbacks.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    this.matching = await this.findMatching();
    // Marks of the first comparison's steps, for the benchmark's breakdown (bench/compare.mjs).
    if (!this.fitted) performance.mark('kartta:compare-matched');
    this.recompare();
    if (!this.fitted) performance.mark('kartta:compare-listed');
    if (!this.fitted) {
      this.fitted = true;
      this.panes.fitBoth();
      // The panes draw in the next frame; the one after it has both drawings and the list on screen.
      // The mark is what the benchmark (bench/compare.mjs) and the tests wait for.
      requestAnimationFrame(() => requestAnimationFrame(() => {
        performance.mark('kartta:compare-ready');
        this.root.dataset.compared = 'ready';
      }));
    }
  }

  private async findMatching(): Promise<ActorMatching> {
    const leftIds = new Set(this.left.pane.model.actors.keys());
    const sharesIds = [...this.right.pane.model.actors.keys()].some((id) => leftIds.has(id));
    // Two states of one board, or a fork of it, keep element ids: an id on both is the same actor.
    if (this.left.boardId === this.right.boardId || sharesIds) {
      this.matchNote = t('compareMaps.byId');
      return { by: 'id' };
    }
    if (!canManage(this.role)) {
      this.matchNote = t('compareMaps.noMatching');
      return { by: 'id' };
    }
    try {
      if (!this.matchTable) throw new Error(t('access.denied'));
      const table = await this.matchTable;
      const undecided = table.proposals.length;
      this.matchNote = [t('compareMaps.byMatches'), undecided ? tn('compareMaps.undecided', undecided) : ''].filter(Boolean).join(' ');
      return { by: 'pairs', pairs: pairsFromMatchTable(table, this.left.ref.id, this.right.ref.id) };
    } catch (error) {
      this.matchNote = t('compareMaps.matchFailed', { message: errorText(error) });
      return { by: 'id' };
    }
  }

  private recompareSoon(): void {
    if (!this.matching || this.recompareTimer !== null) return;
    this.recompareTimer = setTimeout(() => {
      this.recompareTimer = null;
      this.recompare();
    }, RECOMPARE_MS);
  }

  private recompare(): void {
    if (!this.matching) return;
    const side = (s: Side) => ({ template: s.pane.model.meta.template, actors: s.pane.model.actors.values(), relations: s.pane.model.relations.values() });
    this.comparison = compareMaps(side(this.left), side(this.right), this.matching);
    this.list.render(this.comparison, this.matchNote);
    this.panes.drawMarks(this.comparison, this.focusedKey);
  }

  /** Centres the item on both sides, highlights it, and says what it is. */
  private focusItem(item: ComparedItem): void {
    this.focusedKey = item.key;
    this.panes.centreOn(item);
    if (this.comparison) this.panes.drawMarks(this.comparison, this.focusedKey);
    this.list.markChosen(item);
  }
}
