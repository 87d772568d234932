//! The facilitator's "Merge maps" on the workshop page: choose maps, answer the match table, merge them into a forum board.
import type { BoardSummary, MapSelection, MatchDecision, MatchTable, MatchVerdict, Merged } from '../generated/protocol';
import { t, tn } from '../i18n';
import { api } from '../api/client';
import { boardPath } from '../access/links';
import { h } from './dom';
import { errorText } from './common';
import { MatchTableView } from './matches';

type Navigate = (path: string, state?: unknown) => void;

export interface MergeContext {
  workshopId: string;
  token: string;
  navigate: Navigate;
  /** Called after a merge, so the page shows the new board at once. */
  merged: () => void;
}

/**
 * What the facilitator chose and answered lives here, so a language switch or a poll that
 * rebuilds the page keeps the checked maps, the table and its decisions.
 */
export class MergePanel {
  readonly element = h('section', { class: 'k-card k-merge', id: 'k-merge', 'aria-labelledby': 'k-merge-heading' });
  private boards: BoardSummary[] = [];
  private readonly chosen = new Set<string>();
  private title = '';
  /** Snapshots of the workshop's boards, once asked for (most merges are of boards as they are now). */
  private snapshots: { id: string; label: string }[] | null = null;
  private readonly chosenSnapshots = new Set<string>();
  /** Whether the maps are merged within groups first (two-level), and each map's group number then. */
  private byGroup = false;
  private readonly groupOf = new Map<string, number>();
  private table: MatchTable | null = null;
  private chosenForTable: MapSelection = { boardIds: [], snapshotIds: [] };
  private readonly decisions = new Map<number, MatchVerdict>();
  /** The workshop's saved decisions when the table was made: answers of earlier tables, which can be forgotten. */
  private earlier: MatchDecision[] = [];
  private result: Merged | null = null;
  private status = '';
  private error = '';
  private busy = false;
  private boardsKey = '';

  constructor(private readonly ctx: MergeContext) {}

  /** The workshop's boards changed (a poll): the checkboxes follow, other state stays. */
  updateBoards(boards: BoardSummary[]): void {
    const key = boards.map((b) => `${b.id}\u0000${b.title}\u0000${b.kind}`).join('\u0001');
    this.boards = boards;
    for (const id of [...this.chosen]) if (!boards.some((b) => b.id === id)) this.chosen.delete(id);
    if (key === this.boardsKey) return;
    this.boardsKey = key;
    this.renderChoices();
  }

  render(): void {
    const focusedId = document.activeElement?.id;
    const titleInput = h('input', { id: 'k-merge-title', type: 'text', maxlength: 200, value: this.title, placeholder: t('merge.titlePlaceholder'), autocomplete: 'off' });
    titleInput.addEventListener('input', () => { this.title = titleInput.value; });
    this.element.replaceChildren(
      h('h2', { id: 'k-merge-heading' }, [t('merge.heading')]),
      h('p', { class: 'k-muted', id: 'k-merge-help' }, [t('merge.help')]),
      h('fieldset', { class: 'k-merge-choose' }, [
        h('legend', {}, [t('merge.choose')]),
        h('div', { class: 'k-row k-wrap' }, [
          h('button', { type: 'button', class: 'k-small', id: 'k-merge-all-personal', onclick: () => this.chooseKind('personal') }, [t('merge.allPersonal')]),
          h('button', { type: 'button', class: 'k-small', id: 'k-merge-all-group', onclick: () => this.chooseKind('group') }, [t('merge.allGroup')]),
          h('button', { type: 'button', class: 'k-small', id: 'k-merge-none', onclick: () => this.chooseKind(null) }, [t('merge.none')]),
        ]),
        h('ul', { class: 'k-merge-boards', id: 'k-merge-boards' }),
        this.snapshots === null
          ? h('button', { type: 'button', class: 'k-small k-merge-add-snapshots', id: 'k-merge-load-snapshots', onclick: () => void this.loadSnapshots() }, [t('merge.addSnapshots')])
          : this.snapshotChoices(),
        this.byGroupChoice(),
      ]),
      h('div', { class: 'k-control-row' }, [h('label', { for: 'k-merge-title' }, [t('merge.title')]), titleInput]),
      h('div', { class: 'k-row k-wrap' }, [
        h('button', { type: 'button', class: 'k-primary', id: 'k-merge-propose', onclick: () => void this.propose() }, [t('merge.propose')]),
      ]),
      h('p', { class: 'k-status', role: 'status', id: 'k-merge-status' }, [this.status]),
      h('p', { class: 'k-error', role: 'alert', id: 'k-merge-error' }, [this.error]),
      h('div', { id: 'k-match-region' }),
    );
    this.boardsKey = '';
    this.renderChoices();
    this.renderTable();
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  private renderChoices(): void {
    const list = this.element.querySelector<HTMLElement>('#k-merge-boards');
    if (!list) return;
    if (this.boards.length === 0) {
      list.replaceChildren(h('li', { class: 'k-muted' }, [t('merge.noBoards')]));
      return;
    }
    list.replaceChildren(...this.boards.map((board) => {
      const id = `k-merge-board-${board.id}`;
      const box = h('input', { type: 'checkbox', id, 'data-merge-board': board.id, checked: this.chosen.has(board.id) });
      box.addEventListener('change', () => {
        if (box.checked) this.chosen.add(board.id);
        else this.chosen.delete(board.id);
      });
      return h('li', {}, [
        box, h('label', { for: id }, [board.title || t('board.untitled'), h('span', { class: 'k-muted' }, [` · ${t(`boardKind.${board.kind}`)}`])]),
        this.groupSelect(board.id, board.title || t('board.untitled')),
      ]);
    }));
  }

  /** "Merge within groups first": with it, each map gets a group to choose. */
  private byGroupChoice(): HTMLElement {
    const box = h('input', { type: 'checkbox', id: 'k-merge-by-group', checked: this.byGroup, 'aria-describedby': 'k-merge-by-group-help' });
    box.addEventListener('change', () => {
      this.byGroup = box.checked;
      this.render();
    });
    return h('div', { class: 'k-merge-by-group' }, [
      h('div', { class: 'k-row' }, [box, h('label', { for: 'k-merge-by-group' }, [t('merge.byGroup')])]),
      h('p', { class: 'k-muted', id: 'k-merge-by-group-help' }, [t('merge.byGroupHelp')]),
    ]);
  }

  /** The group of one map, while merging group by group: as many groups as there are maps to choose. */
  private groupSelect(mapId: string, title: string): HTMLElement | null {
    if (!this.byGroup) return null;
    const count = this.boards.length + (this.snapshots?.length ?? 0);
    const current = this.groupOf.get(mapId) ?? 1;
    const select = h('select', { class: 'k-merge-group', 'data-merge-group': mapId, 'aria-label': t('merge.groupOf', { title }) },
      Array.from({ length: Math.max(2, count) }, (_, i) => h('option', { value: String(i + 1), selected: i + 1 === current }, [t('merge.groupOption', { n: i + 1 })])));
    select.addEventListener('change', () => this.groupOf.set(mapId, Number((select as HTMLSelectElement).value) || 1));
    return select;
  }

  /** The chosen maps by group number (empty groups left out), for the merge request; null when not merging by group. */
  private groupsOf(selection: MapSelection): string[][] | null {
    if (!this.byGroup) return null;
    const byNumber = new Map<number, string[]>();
    for (const id of [...selection.boardIds, ...selection.snapshotIds]) {
      const number = this.groupOf.get(id) ?? 1;
      byNumber.set(number, [...(byNumber.get(number) ?? []), id]);
    }
    return [...byNumber].sort((a, b) => a[0] - b[0]).map(([, ids]) => ids);
  }

  private snapshotChoices(): HTMLElement {
    const snapshots = this.snapshots ?? [];
    if (snapshots.length === 0) return h('p', { class: 'k-muted', id: 'k-merge-snapshots' }, [t('merge.noSnapshots')]);
    return h('ul', { class: 'k-merge-boards', id: 'k-merge-snapshots', 'aria-label': t('merge.snapshots') }, snapshots.map((snapshot) => {
      const id = `k-merge-snapshot-${snapshot.id}`;
      const box = h('input', { type: 'checkbox', id, 'data-merge-snapshot': snapshot.id, checked: this.chosenSnapshots.has(snapshot.id) });
      box.addEventListener('change', () => {
        if (box.checked) this.chosenSnapshots.add(snapshot.id);
        else this.chosenSnapshots.delete(snapshot.id);
      });
      return h('li', {}, [box, h('label', { for: id }, [snapshot.label]), this.groupSelect(snapshot.id, snapshot.label)]);
    }));
  }

  /** Lists every board's snapshots ("Group 1 – End of day 1"), to merge a day's state rather than now's. */
  private async loadSnapshots(): Promise<void> {
    await this.act(async () => {
      const lists = await Promise.all(this.boards.map(async (board) => (await api.snapshots(board.id, this.ctx.token)).map((snapshot) => ({
        id: snapshot.id, label: `${board.title || t('board.untitled')} – ${snapshot.name}`,
      }))));
      this.snapshots = lists.flat();
      this.render();
      this.element.querySelector<HTMLElement>('#k-merge-snapshots input, #k-merge-snapshots')?.focus();
      return '';
    });
  }

  private chooseKind(kind: BoardSummary['kind'] | null): void {
    this.chosen.clear();
    if (kind) for (const board of this.boards) if (board.kind === kind) this.chosen.add(board.id);
    this.element.querySelectorAll<HTMLInputElement>('input[data-merge-board]').forEach((box) => { box.checked = this.chosen.has(box.dataset.mergeBoard!); });
  }

  /** The chosen boards in the overview's order, so "k of n" lists maps as the page does. */
  private chosenIds(): string[] {
    return this.boards.filter((b) => this.chosen.has(b.id)).map((b) => b.id);
  }

  private async propose(): Promise<void> {
    const selection: MapSelection = { boardIds: this.chosenIds(), snapshotIds: (this.snapshots ?? []).filter((s) => this.chosenSnapshots.has(s.id)).map((s) => s.id) };
    if (selection.boardIds.length + selection.snapshotIds.length < 2) {
      this.setMessage('', t('merge.needTwo'));
      return;
    }
    await this.act(async () => {
      await this.loadTable(selection);
      this.result = null;
      this.renderTable();
      this.element.querySelector<HTMLElement>('#k-match-heading')?.focus();
      return tn('merge.proposed', this.table?.proposals.length ?? 0);
    });
  }

  /** Saves a decision to the workshop at once, so a later comparison or merge repeats it; null forgets it (undo). */
  private async decide(index: number, verdict: MatchVerdict | null): Promise<void> {
    const proposal = this.table?.proposals[index];
    if (!proposal) return;
    await this.act(async () => {
      await api.decideMatches(this.ctx.workshopId, this.ctx.token, [{ keyA: proposal.keyA, keyB: proposal.keyB, verdict }]);
      if (verdict) this.decisions.set(index, verdict);
      else this.decisions.delete(index);
      this.renderTable();
      this.element.querySelector<HTMLElement>(`[data-proposal="${index}"] [data-decide="${verdict ?? 'same'}"]`)?.focus();
      return verdict ? t(verdict === 'same' ? 'merge.savedSame' : 'merge.savedDifferent') : t('merge.undone');
    });
  }

  /**
   * "Same as…": two groups the table did not propose are the same organisation. Saved like any
   * decision; the table is asked for again, where they then show as one group ("confirmed").
   */
  private async sameAs(groupA: number, groupB: number): Promise<void> {
    const table = this.table;
    const a = table?.groups[groupA]?.members[0];
    const b = table?.groups[groupB]?.members[0];
    if (!table || !a || !b || groupA === groupB) return;
    await this.act(async () => {
      await api.decideMatches(this.ctx.workshopId, this.ctx.token, [{ keyA: a.key, keyB: b.key, verdict: 'same' }]);
      // The answers given so far are saved on the server; the new table holds them as groups or leaves them out.
      await this.loadTable(this.chosenForTable);
      this.renderTable();
      this.element.querySelector<HTMLElement>('#k-same-as-a')?.focus();
      return t('merge.savedSameAs', { a: a.name, b: b.name });
    });
  }

  /**
   * Forgets an answer given for an earlier table: the pair is proposed again (a "different") or
   * split again (a "same"), so a facilitator can change their mind on another day.
   */
  private async forget(decision: MatchDecision, names: { a: string; b: string }): Promise<void> {
    await this.act(async () => {
      await api.decideMatches(this.ctx.workshopId, this.ctx.token, [{ keyA: decision.keyA, keyB: decision.keyB, verdict: null }]);
      await this.loadTable(this.chosenForTable);
      this.renderTable();
      const earlier = this.element.querySelector<HTMLDetailsElement>('#k-match-earlier');
      if (earlier) earlier.open = true;
      this.element.querySelector<HTMLElement>('#k-match-earlier summary, #k-match-heading')?.focus();
      return t('merge.forgotten', names);
    });
  }

  /** The table of `selection` and the decisions it was made with; answers of the previous table are on the server by now. */
  private async loadTable(selection: MapSelection): Promise<void> {
    const [table, earlier] = await Promise.all([
      api.proposeMatches(this.ctx.workshopId, this.ctx.token, selection),
      api.matchDecisions(this.ctx.workshopId, this.ctx.token),
    ]);
    this.table = table;
    this.earlier = earlier;
    this.chosenForTable = selection;
    this.decisions.clear();
  }

  private async merge(): Promise<void> {
    const table = this.table;
    if (!table) return;
    const groups = this.groupsOf(this.chosenForTable);
    if (groups && groups.length < 2) {
      this.setMessage('', t('merge.needGroups'));
      return;
    }
    await this.act(async () => {
      // "Likely" proposals were shown ticked: nobody said otherwise, so they are saved as the same first.
      const ticked = table.proposals.flatMap((p, i) => (p.band === 'likely' && !this.decisions.has(i) ? [{ index: i, keyA: p.keyA, keyB: p.keyB }] : []));
      if (ticked.length > 0) {
        await api.decideMatches(this.ctx.workshopId, this.ctx.token, ticked.map((p) => ({ keyA: p.keyA, keyB: p.keyB, verdict: 'same' as const })));
        for (const p of ticked) this.decisions.set(p.index, 'same');
      }
      this.result = await api.merge(this.ctx.workshopId, this.ctx.token, { ...this.chosenForTable, title: this.title.trim(), groups: groups ?? [] });
      this.renderTable();
      this.ctx.merged();
      this.element.querySelector<HTMLElement>('#k-merged-open')?.focus();
      const figures = { title: this.result.board.title, actors: this.result.actors, relations: this.result.relations, count: this.result.sources.length };
      return groups ? t('merge.doneGroups', { ...figures, groups: groups.length }) : t('merge.done', figures);
    });
  }

  private renderTable(): void {
    const region = this.element.querySelector<HTMLElement>('#k-match-region');
    if (!region) return;
    if (!this.table) {
      region.replaceChildren();
      return;
    }
    const view = new MatchTableView(this.table, this.decisions, this.earlier, {
      decide: (index, verdict) => void this.decide(index, verdict),
      sameAs: (groupA, groupB) => void this.sameAs(groupA, groupB),
      forget: (decision, names) => void this.forget(decision, names),
    });
    const result = this.result;
    const path = result ? boardPath(result.board.id) : '';
    region.replaceChildren(
      view.element,
      h('div', { class: 'k-row k-wrap k-merge-actions' }, [
        h('button', { type: 'button', class: 'k-primary', id: 'k-merge-run', onclick: () => void this.merge() }, [tn('merge.run', this.chosenForTable.boardIds.length + this.chosenForTable.snapshotIds.length)]),
        result ? h('a', { class: 'k-button', id: 'k-merged-open', href: path, 'data-open': result.board.id, onclick: (e: Event) => { e.preventDefault(); this.ctx.navigate(path); } }, [t('merge.open', { title: result.board.title })]) : null,
      ]),
    );
  }

  private async act(action: () => Promise<string>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.setMessage('', '');
    try {
      const message = await action();
      if (message) this.setMessage(message, '');
    } catch (error) {
      this.setMessage('', t('merge.failed', { message: errorText(error) }));
    } finally {
      this.busy = false;
    }
  }

  private setMessage(status: string, error: string): void {
    this.status = status;
    this.error = error;
    const statusEl = this.element.querySelector('#k-merge-status');
    if (statusEl) statusEl.textContent = status;
    const errorEl = this.element.querySelector('#k-merge-error');
    if (errorEl) errorEl.textContent = error;
  }
}
