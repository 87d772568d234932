//! The compare page: two maps of a workshop side by side, their views moving together, and the list of what differs.
import { api } from '../api/client';
import { accessStore } from '../access/store';
import { resolveWorkshop } from '../access/resolve';
import { workshopPath } from '../access/links';
import type { MapRef } from '../access/links';
import { canManage } from '../access/roles';
import { onLocaleChange, t, tn } from '../i18n';
import type { MatchTable, Role, Workshop } from '../generated/protocol';
import { CompareLoads, compareRefs, startCompareLoads } from './compare-loads';
import type { MapData } from './compare-loads';
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

/**
 * Where the page shows one drawing at a time, full width, with a switch between the two (the same
 * width as the phone layout in styles.css): two drawings side by side on a phone were each too small
 * to read.
 */
const ONE_MAP_AT_A_TIME = '(max-width: 760px)';

type SideName = 'left' | 'right';

/**
 * `early` holds the loads the entry script started before this module was loaded (see
 * `compare-loads.ts`); they are used when the workshop resolves to the token they were started with.
 */
export function mountCompare(
  root: HTMLElement, workshopId: string, search: string, navigate: Navigate, linkToken: string | null, early: CompareLoads | null = null,
): () => void {
  let view: CompareView | null = null;
  let loading: MapsLoading | null = null;
  let cancelled = false;
  const start = async () => {
    messagePage(root, navigate, 'access.loading', '');
    const refs = compareRefs(search);
    // Both maps and the match table load while the workshop is asked for, with the token it will
    // most likely resolve to (started by the entry script already, the first time).
    const likely = early ?? startCompareLoads(workshopId, search, linkToken);
    early = null;
    if (likely) loading = new MapsLoading(likely);
    const resolved = await resolveWorkshop(api, accessStore, workshopId, linkToken);
    if (cancelled) return;
    if (!resolved.ok) {
      loading?.destroy();
      const { title, text } = accessMessage(resolved.reason, resolved.message);
      messagePage(root, navigate, title, text, resolved.reason === 'network' ? () => void start() : undefined);
      return;
    }
    if (!refs) {
      messagePage(root, navigate, 'compareMaps.pickTwo', '');
      return;
    }
    if (loading?.loads.token !== resolved.token) {
      loading?.destroy();
      loading = new MapsLoading(new CompareLoads(workshopId, refs, resolved.token, resolved.role));
    }
    const current = loading!;
    try {
      const opened = await Promise.all(current.maps);
      if (cancelled) return;
      const sides = [sideOf(opened[0]!, resolved.value, 'left'), sideOf(opened[1]!, resolved.value, 'right')] as const;
      view = new CompareView(root, resolved.value, resolved.token, resolved.role, sides[0], sides[1], navigate, current.loads.matchTable);
    } catch (error) {
      current.destroy();
      if (!cancelled) messagePage(root, navigate, 'compareMaps.failed', errorText(error));
    }
  };
  void start();
  return () => {
    cancelled = true;
    if (view) view.destroy();
    else loading?.destroy();
  };
}

/** One map opened before its title is known: a live board, or a snapshot's stored state. */
interface OpenedMap {
  ref: MapRef;
  /** The board the map is (or is a snapshot of). */
  boardId: string;
  /** A snapshot's name; null for a board. */
  snapshotName: string | null;
  pane: MapPane;
}

/** Both maps of a comparison, each drawn into a pane as soon as its data is in. */
class MapsLoading {
  readonly maps: Promise<OpenedMap>[];
  private destroyed = false;

  constructor(readonly loads: CompareLoads) {
    this.maps = loads.maps.map((map) => map.then((data) => openMap(data, loads.token)));
    // A pane that arrives after the page gave up is closed at once.
    this.maps.forEach((map) => map.then((m) => { if (this.destroyed) m.pane.destroy(); }, () => undefined));
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.maps.forEach((map) => map.then((m) => m.pane.destroy(), () => undefined));
  }
}

function openMap(data: MapData, token: string): OpenedMap {
  if (data.kind === 'snapshot') {
    return { ref: data.ref, boardId: data.snapshot.boardId, snapshotName: data.snapshot.name, pane: new MapPane({ state: data.state }, data.snapshot.name) };
  }
  return { ref: data.ref, boardId: data.ref.id, snapshotName: null, pane: new MapPane({ live: { boardId: data.ref.id, token, firstView: data.view, storedState: data.state } }, '') };
}

/** A map of the comparison with its title; a board that is not the workshop's is not found. */
function sideOf(map: OpenedMap, workshop: Workshop, which: 'left' | 'right'): Side {
  const boardTitle = (id: string) => workshop.boards.find((b) => b.id === id)?.title || t('board.untitled');
  if (map.snapshotName !== null) {
    const title = t('compareMaps.snapshotTitle', { title: boardTitle(map.boardId), name: map.snapshotName });
    map.pane.root.setAttribute('aria-label', title);
    return { ref: map.ref, boardId: map.boardId, title, pane: map.pane };
  }
  if (!workshop.boards.some((b) => b.id === map.ref.id)) throw new Error(t('access.notFound'));
  const title = boardTitle(map.ref.id);
  map.pane.root.setAttribute('aria-label', `${title} (${which})`);
  return { ref: map.ref, boardId: map.boardId, title, pane: map.pane };
}

class CompareView {
  private comparison: MapComparison | null = null;
  private matching: ActorMatching | null = null;
  private matchNote = '';
  /** The workshop's match table of the two maps, asked for as soon as the page opens (facilitator only). */
  private matchTable: Promise<MatchTable> | null = null;
  private focusedKey: string | null = null;
  private recompareTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly cleanups: (() => void)[] = [];
  private readonly panes: SyncedPanes;
  private readonly list: CompareList;
  /** The drawing shown where only one fits (a phone); both are shown side by side elsewhere. */
  private shown: SideName = 'left';

  constructor(
    private readonly root: HTMLElement, private readonly workshop: Workshop, token: string, private readonly role: Role,
    private readonly left: Side, private readonly right: Side, private readonly navigate: Navigate,
    matchTable: Promise<MatchTable> | null,
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
    // The match table takes the server a while on large maps: ask for it while the boards load (if
    // the page has not already), and drop it if the maps turn out to share history.
    this.matchTable = matchTable;
    if (!this.matchTable && left.boardId !== right.boardId && canManage(role)) {
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
      h('main', { class: 'k-cmp-main', 'data-shown': this.shown }, [
        // Only where one drawing shows at a time (styles.css hides it elsewhere).
        h('div', { class: 'k-cmp-switch', role: 'group', 'aria-label': t('compareMaps.shownMap') }, [this.switchButton('left'), this.switchButton('right')]),
        h('section', { class: 'k-cmp-side', 'data-side': 'left', 'aria-labelledby': 'k-cmp-left-title' }, [h('h2', { class: 'k-pane-title', id: 'k-cmp-left-title' }, [this.left.title]), h('div', { class: 'k-pane-box' }, [this.left.pane.root])]),
        h('section', { class: 'k-cmp-side', 'data-side': 'right', 'aria-labelledby': 'k-cmp-right-title' }, [h('h2', { class: 'k-pane-title', id: 'k-cmp-right-title' }, [this.right.title]), h('div', { class: 'k-pane-box' }, [this.right.pane.root])]),
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

  /** One of the switch's two buttons, named after its map. */
  private switchButton(side: SideName): HTMLElement {
    return h('button', {
      type: 'button', class: 'k-cmp-switch-button', id: `k-cmp-show-${side}`, 'aria-pressed': String(this.shown === side),
      onclick: () => this.showSide(side),
    }, [side === 'left' ? this.left.title : this.right.title]);
  }

  /**
   * Shows one drawing where only one fits. The other stays laid out at the same size under it
   * (hidden, not removed), so the two views keep moving together and need no new fit.
   */
  private showSide(side: SideName): void {
    this.shown = side;
    const main = this.root.querySelector<HTMLElement>('.k-cmp-main');
    if (main) main.dataset.shown = side;
    for (const which of ['left', 'right'] as const) {
      this.root.querySelector(`#k-cmp-show-${which}`)?.setAttribute('aria-pressed', String(which === side));
    }
  }

  /**
   * Fits both views to both maps and lets them draw, then pairs the actors (once), compares and marks
   * what differs: the drawings do not wait for the match table, which may still be on its way.
   */
  private async start(): Promise<void> {
    // The panes are on the page by now: their size is read at once rather than waited for.
    this.left.pane.measure();
    this.right.pane.measure();
    this.panes.fitBoth();
    this.matching = await this.findMatching();
    // Marks of the first comparison's steps, for the benchmark's breakdown (bench/compare.mjs).
    performance.mark('kartta:compare-matched');
    this.recompare();
    performance.mark('kartta:compare-listed');
    // The panes draw the marks in the next frame; the one after it has both drawings, their marks
    // and the list on screen. The mark is what the benchmark (bench/compare.mjs) and the tests wait for.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      performance.mark('kartta:compare-ready');
      this.root.dataset.compared = 'ready';
      // Both drawings are on screen: now the boards connect, and their changes come in live.
      this.left.pane.goLive();
      this.right.pane.goLive();
    }));
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
    // With one drawing on screen, an item only the other map has is shown on that map.
    if (window.matchMedia(ONE_MAP_AT_A_TIME).matches) {
      if (this.shown === 'left' && !item.leftId && item.rightId) this.showSide('right');
      else if (this.shown === 'right' && !item.rightId && item.leftId) this.showSide('left');
    }
    this.panes.centreOn(item);
    if (this.comparison) this.panes.drawMarks(this.comparison, this.focusedKey);
    this.list.markChosen(item);
  }
}
