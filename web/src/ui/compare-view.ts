//! The compare page: two maps of a workshop side by side, their views moving together, and the list of what differs.
import { api } from '../api/client';
import { accessStore } from '../access/store';
import { resolveWorkshop } from '../access/resolve';
import { parseMapRef, workshopPath } from '../access/links';
import type { MapRef } from '../access/links';
import { canManage } from '../access/roles';
import { onLocaleChange, t } from '../i18n';
import type { MessageKey } from '../i18n';
import type { MatchTable, Role, Workshop } from '../generated/protocol';
import { COMPARE_CATEGORIES, compareMaps, itemsOf, pairsFromMatchTable } from '../model/compare-maps';
import type { ActorMatching, CompareCategory, ComparedItem, Difference, MapComparison } from '../model/compare-maps';
import { unionRect } from '../render/viewport';
import { accessMessage, errorText, messagePage } from './common';
import { h } from './dom';
import { languageSelect } from './language';
import { MapPane } from './map-pane';
import type { ElementMark } from './map-pane';

type Navigate = (path: string, state?: unknown) => void;

/**
 * One look per category, used on both drawings and in the list (an Okabe–Ito-like palette, each
 * at least 3:1 against the board, and never colour alone: a sign and an outline pattern too).
 */
export const CATEGORY_LOOK: Record<CompareCategory, { color: string; sign: string; dash: string | null }> = {
  onlyLeft: { color: '#c25100', sign: '←', dash: '7 4' },
  onlyRight: { color: '#0072b2', sign: '→', dash: null },
  different: { color: '#a1447e', sign: '≠', dash: '2 3' },
  both: { color: '#3f4a56', sign: '=', dash: null },
};

/** Edits are gathered this long before the list is worked out again (a live board keeps changing). */
const RECOMPARE_MS = 250;

/**
 * Items of one category drawn at first, and added by each "show more": two 500-actor maps differ in
 * a thousand or more items, and a button for each took seconds to lay out; nobody reads past the
 * first screenfuls before choosing one.
 */
const LIST_PAGE = 50;
/** Categories open when the page opens: what differs. What is on both is a count until opened. */
const OPEN_AT_FIRST: ReadonlySet<CompareCategory> = new Set(['onlyLeft', 'onlyRight', 'different']);

interface Side {
  ref: MapRef;
  /** The board the map is (or is a snapshot of). */
  boardId: string;
  title: string;
  pane: MapPane;
}

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
  /** Where the right view's centre is relative to the left one's, in board units (kept while panning). */
  private offset = { x: 0, y: 0 };
  private syncing = false;
  private fitted = false;
  private recompareTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly cleanups: (() => void)[] = [];
  private readonly list = h('div', { class: 'k-cmp-items', id: 'k-cmp-items' });
  /** How many items each list (`actors-onlyLeft`…) shows; 0 is closed. Kept while the maps change. */
  private readonly shown = new Map<string, number>();
  private readonly status = h('p', { class: 'k-cmp-summary', id: 'k-cmp-summary', role: 'status' });

  constructor(
    private readonly root: HTMLElement, private readonly workshop: Workshop, token: string, private readonly role: Role,
    private readonly left: Side, private readonly right: Side, private readonly navigate: Navigate,
  ) {
    left.pane.enableNavigation(t('compareMaps.paneLabel', { title: left.title }));
    right.pane.enableNavigation(t('compareMaps.paneLabel', { title: right.title }));
    left.pane.root.id = 'k-cmp-left';
    right.pane.root.id = 'k-cmp-right';
    this.cleanups.push(
      left.pane.viewport.onChange(() => this.follow(left, right, 1)),
      right.pane.viewport.onChange(() => this.follow(right, left, -1)),
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
    this.left.pane.destroy();
    this.right.pane.destroy();
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
          this.legend(),
          this.status,
          h('p', { class: 'k-cmp-note', id: 'k-cmp-note' }, [this.matchNote]),
          this.list,
        ]),
      ]),
    );
    document.title = `${t('compareMaps.title')} · ${this.workshop.title}`;
    this.renderList();
  }

  private legend(): HTMLElement {
    const entry = (category: CompareCategory, text: string) => h('li', {}, [signOf(category), text]);
    return h('ul', { class: 'k-cmp-legend', 'aria-label': t('compareMaps.legend') }, [
      entry('onlyLeft', t('compareMaps.onlyOn', { title: this.left.title })),
      entry('onlyRight', t('compareMaps.onlyOn', { title: this.right.title })),
      entry('different', t('compareMaps.differentShort')),
    ]);
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
      this.fitBoth();
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
      this.matchNote = [t('compareMaps.byMatches'), undecided ? t('compareMaps.undecided', { count: undecided }) : ''].filter(Boolean).join(' ');
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
    this.renderList();
    this.drawMarks();
  }

  private fitBoth(): void {
    const a = this.left.pane.contentBounds();
    const b = this.right.pane.contentBounds();
    const both = a && b ? unionRect(a, b) : a ?? b;
    this.offset = { x: 0, y: 0 };
    this.left.pane.viewport.fit(both, 24);
  }

  /** Moves `to` with `from`: the same zoom, and the centre at the same place plus the kept offset. */
  private follow(from: Side, to: Side, sign: 1 | -1): void {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const centre = from.pane.viewport.center();
      to.pane.viewport.zoom = from.pane.viewport.zoom;
      to.pane.viewport.centerOn(centre.x + sign * this.offset.x, centre.y + sign * this.offset.y);
    } finally {
      this.syncing = false;
    }
  }

  private renderList(): void {
    const comparison = this.comparison;
    const note = this.root.querySelector('#k-cmp-note');
    if (note) note.textContent = this.matchNote;
    if (!comparison) {
      this.status.textContent = t('compareMaps.loading');
      this.list.replaceChildren();
      return;
    }
    const count = (category: CompareCategory) => itemsOf(comparison.actors, category).length;
    this.status.textContent = t('compareMaps.summary', {
      left: this.left.title, right: this.right.title,
      onlyLeft: count('onlyLeft'), onlyRight: count('onlyRight'), different: count('different'), both: count('both'),
    });
    const group = (type: 'actors' | 'relations', items: ComparedItem[]) => h('section', { class: 'k-cmp-group', 'aria-labelledby': `k-cmp-${type}` }, [
      h('h3', { id: `k-cmp-${type}` }, [t(type === 'actors' ? 'compareMaps.actors' : 'compareMaps.relations')]),
      ...COMPARE_CATEGORIES.map((category) => this.categoryBlock(type, category, itemsOf(items, category))),
    ]);
    const active = document.activeElement instanceof HTMLElement && this.list.contains(document.activeElement) ? document.activeElement : null;
    const focused = active?.dataset.key ?? active?.id;
    this.list.replaceChildren(group('actors', comparison.actors), group('relations', comparison.relations));
    if (focused) this.list.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"], #${CSS.escape(focused)}`)?.focus();
  }

  /**
   * One category of the list: its heading is a button that opens or closes it (with the count, so a
   * closed one still says how many), and an open one draws its first items with "show more" after.
   */
  private categoryBlock(type: 'actors' | 'relations', category: CompareCategory, these: ComparedItem[]): HTMLElement {
    const listKey = `${type}-${category}`;
    const headingId = `k-cmp-${listKey}`;
    const listId = `k-cmp-${listKey}-list`;
    const title = [signOf(category), this.categoryTitle(category, these.length)];
    if (these.length === 0) {
      return h('div', { class: `k-cmp-category k-cmp-${category}`, 'data-category': category }, [
        h('h4', { id: headingId }, title),
        h('p', { class: 'k-cmp-none' }, [t('compareMaps.none')]),
      ]);
    }
    if (!this.shown.has(listKey)) this.shown.set(listKey, OPEN_AT_FIRST.has(category) ? LIST_PAGE : 0);
    const count = Math.min(this.shown.get(listKey)!, these.length);
    const open = count > 0;
    const toggle = h('button', {
      type: 'button', class: 'k-cmp-toggle', id: `${headingId}-toggle`, 'aria-expanded': String(open), 'aria-controls': listId,
      onclick: () => {
        this.shown.set(listKey, open ? 0 : LIST_PAGE);
        this.renderList();
      },
    }, [h('span', { class: 'k-cmp-chevron', 'aria-hidden': 'true' }, [open ? '▾' : '▸']), ...title]);
    const rest = these.length - count;
    const more = open && rest > 0
      ? h('button', {
        type: 'button', class: 'k-small k-cmp-more', id: `${headingId}-more`,
        onclick: () => {
          this.shown.set(listKey, count + LIST_PAGE);
          this.renderList();
          // The first of the items just shown takes the focus, so a keyboard user reads on from there.
          const next = these[count];
          if (next) this.list.querySelector<HTMLElement>(`[data-key="${CSS.escape(next.key)}"]`)?.focus();
        },
      }, [t('compareMaps.showMore', { count: Math.min(LIST_PAGE, rest), rest })])
      : null;
    return h('div', { class: `k-cmp-category k-cmp-${category}`, 'data-category': category, 'data-open': String(open) }, [
      h('h4', { id: headingId }, [toggle]),
      h('ul', { id: listId, 'aria-labelledby': headingId, hidden: !open }, these.slice(0, count).map((i) => h('li', {}, [this.itemButton(i)]))),
      more,
    ]);
  }

  private categoryTitle(category: CompareCategory, count: number): string {
    switch (category) {
      case 'onlyLeft': return t('compareMaps.onlyOnCount', { title: this.left.title, count });
      case 'onlyRight': return t('compareMaps.onlyOnCount', { title: this.right.title, count });
      case 'different': return t('compareMaps.different', { count });
      case 'both': return t('compareMaps.both', { count });
    }
  }

  private itemButton(item: ComparedItem): HTMLElement {
    const lines = item.differences.map((d) => h('span', { class: 'k-cmp-diff' }, [this.differenceText(item, d)]));
    return h('button', {
      type: 'button', class: 'k-cmp-item', 'data-key': item.key, 'aria-pressed': String(item.key === this.focusedKey),
      onclick: () => this.focusItem(item),
    }, [h('span', { class: 'k-cmp-label' }, [item.label]), ...lines]);
  }

  differenceText(item: ComparedItem, difference: Difference): string {
    const value = (code: string | null) => valueLabel(item.type, difference.field, code);
    return t('compareMaps.difference', {
      field: fieldLabel(difference.field), left: value(difference.left), right: value(difference.right),
      leftTitle: this.left.title, rightTitle: this.right.title,
    });
  }

  /** Centres the item on both sides (each its own copy), highlights it, and says what it is. */
  private focusItem(item: ComparedItem): void {
    this.focusedKey = item.key;
    const leftAt = item.leftId ? this.left.pane.positionOf(item.leftId) : null;
    const rightAt = item.rightId ? this.right.pane.positionOf(item.rightId) : null;
    this.syncing = true;
    try {
      if (leftAt) this.left.pane.viewport.centerOn(leftAt.x, leftAt.y);
      if (rightAt) this.right.pane.viewport.centerOn(rightAt.x, rightAt.y);
    } finally {
      this.syncing = false;
    }
    if (leftAt && rightAt) {
      this.offset = { x: rightAt.x - leftAt.x, y: rightAt.y - leftAt.y };
    } else if (leftAt) this.follow(this.left, this.right, 1);
    else if (rightAt) this.follow(this.right, this.left, -1);
    this.drawMarks();
    for (const button of this.list.querySelectorAll<HTMLElement>('.k-cmp-item')) button.setAttribute('aria-pressed', String(button.dataset.key === item.key));
    this.status.textContent = [item.label, ...item.differences.map((d) => this.differenceText(item, d))].join('. ');
  }

  private drawMarks(): void {
    const comparison = this.comparison;
    if (!comparison) return;
    const leftMarks: ElementMark[] = [];
    const rightMarks: ElementMark[] = [];
    let focusedLeft: string | null = null;
    let focusedRight: string | null = null;
    for (const item of [...comparison.actors, ...comparison.relations]) {
      const focused = item.key === this.focusedKey;
      // Equal elements stay unmarked, so what differs stands out; one is marked only while chosen.
      if (item.category === 'both' && !focused) continue;
      const look = CATEGORY_LOOK[item.category];
      const mark = (id: string) => ({ id, color: look.color, dash: look.dash, badge: look.sign });
      if (item.leftId) leftMarks.push(mark(item.leftId));
      if (item.rightId) rightMarks.push(mark(item.rightId));
      if (focused) {
        focusedLeft = item.leftId;
        focusedRight = item.rightId;
      }
    }
    this.left.pane.setMarks(leftMarks, focusedLeft);
    this.right.pane.setMarks(rightMarks, focusedRight);
  }
}

function signOf(category: CompareCategory): HTMLElement {
  return h('span', { class: `k-cmp-sign k-cmp-sign-${category}`, 'aria-hidden': 'true' }, [CATEGORY_LOOK[category].sign]);
}

function fieldLabel(field: Difference['field']): string {
  const keys: Record<Difference['field'], MessageKey> = {
    name: 'field.name', kind: 'field.kind', stance: 'field.stance', ring: 'compareMaps.ring', sector: 'compareMaps.sector',
    direction: 'field.direction', strength: 'field.strength', status: 'field.status',
  };
  return t(keys[field]);
}

function valueLabel(type: ComparedItem['type'], field: Difference['field'], code: string | null): string {
  if (code === null) return t('compareMaps.unset');
  if (field === 'name') return code;
  if (field === 'ring' && code === 'outside') return t('compareMaps.outside');
  if (field === 'direction' && code === 'reversed') return t('compareMaps.reversed');
  const prefix = field === 'kind' ? (type === 'actor' ? 'actorKind' : 'relationKind') : field;
  return t(`${prefix}.${code}` as MessageKey);
}
