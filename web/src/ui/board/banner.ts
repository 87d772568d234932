// The strip under the header: why the board cannot be changed, or the snapshot being viewed with its
// actions (restore, compare with now, fork) and, while shown, what changed on the board since.
import { t } from '../../i18n';
import { api } from '../../api/client';
import { canExport, canFork, canRestore, readOnlyReason } from '../../access/roles';
import { compareBoards, nothingChanged } from '../../model/compare';
import type { BoardChanges } from '../../model/compare';
import { boardPath } from '../../access/links';
import { errorText, formatDateTime } from '../common';
import { confirmRestore, forkSnapshot } from '../snapshots';
import { h } from '../dom';
import { displayName } from '../identity';
import type { BoardPage } from './page';

export class BoardBanner {
  /** On a snapshot's page: what changed on the board since, while that comparison is shown. */
  private comparison: BoardChanges | null = null;

  constructor(private readonly page: BoardPage) {}

  /** Why the board cannot be changed, or the snapshot being viewed, as a strip under the header. */
  build(): HTMLElement {
    const { ctx, role, boardId, navigate } = this.page;
    const snapshot = ctx.snapshot;
    if (snapshot) {
      const meta = snapshot.meta;
      const text = t('snapshots.viewing', { name: meta?.name ?? '', date: meta ? formatDateTime(meta.createdAt) : '' });
      return h('section', { class: 'k-banner k-banner-snapshot', id: 'k-banner', 'aria-labelledby': 'k-snapshot-label' }, [
        h('span', { role: 'status', id: 'k-snapshot-label' }, [text]),
        h('p', { class: 'k-error', role: 'alert', id: 'k-snapshot-error' }),
        canRestore(role) ? h('button', { type: 'button', class: 'k-small', id: 'k-snapshot-restore', onclick: () => void this.restoreShown() }, [t('snapshots.restoreHere')]) : null,
        canExport(role) ? h('button', { type: 'button', class: 'k-small k-toggle', id: 'k-snapshot-compare', 'aria-pressed': String(this.comparison !== null), 'aria-controls': 'k-compare', onclick: () => void this.toggleComparison() }, [t('compare.start')]) : null,
        canFork(role) ? h('button', { type: 'button', class: 'k-small', id: 'k-snapshot-fork', onclick: () => void this.snapshotAction(() => forkSnapshot(snapshot.id, ctx.token, navigate)) }, [t('snapshots.fork')]) : null,
        h('a', { class: 'k-button k-small', href: boardPath(boardId), id: 'k-snapshot-back', onclick: (e: Event) => { e.preventDefault(); navigate(boardPath(boardId)); } }, [t('snapshots.back')]),
      ]);
    }
    const locked = this.page.isLocked();
    const why = readOnlyReason(role, locked);
    const key = why === 'viewer' ? 'board.readOnlyViewer' : why === 'locked' ? 'board.readOnlyLocked' : locked ? 'board.lockedFacilitator' : null;
    return h('div', { class: `k-banner${why ? ' k-banner-readonly' : ' k-banner-info'}`, id: 'k-banner', role: 'status', hidden: !key }, key ? [t(key)] : []);
  }

  /** What changed on the board since the snapshot being viewed, while the comparison is shown. */
  buildComparison(): HTMLElement {
    const changes = this.comparison;
    const section = h('section', { class: 'k-compare', id: 'k-compare', 'aria-labelledby': 'k-compare-title', hidden: !changes });
    if (!changes) return section;
    const lines: string[] = [];
    const names = (list: string[]) => list.slice(0, 12).join(', ') + (list.length > 12 ? ' …' : '');
    if (changes.actorsAdded.length) lines.push(t('compare.actorsAdded', { count: changes.actorsAdded.length, names: names(changes.actorsAdded) }));
    if (changes.actorsRemoved.length) lines.push(t('compare.actorsRemoved', { count: changes.actorsRemoved.length, names: names(changes.actorsRemoved) }));
    if (changes.actorsRenamed.length) lines.push(t('compare.actorsRenamed', { names: names(changes.actorsRenamed.map((r) => `${r.from} → ${r.to}`)) }));
    if (changes.actorsEdited.length) lines.push(t('compare.actorsEdited', { names: names(changes.actorsEdited) }));
    if (changes.actorsMoved) lines.push(t('compare.actorsMoved', { count: changes.actorsMoved }));
    if (changes.relationsAdded || changes.relationsRemoved || changes.relationsChanged) {
      lines.push(t('compare.relations', { added: changes.relationsAdded, removed: changes.relationsRemoved, changed: changes.relationsChanged }));
    }
    if (changes.notesAdded || changes.notesRemoved || changes.notesChanged) {
      lines.push(t('compare.notes', { added: changes.notesAdded, removed: changes.notesRemoved, changed: changes.notesChanged }));
    }
    if (changes.strokesAdded || changes.strokesRemoved) lines.push(t('compare.strokes', { added: changes.strokesAdded, removed: changes.strokesRemoved }));
    section.append(
      h('h2', { id: 'k-compare-title' }, [t('compare.title')]),
      nothingChanged(changes)
        ? h('p', {}, [t('compare.nothing')])
        : h('ul', { id: 'k-compare-list' }, lines.map((line) => h('li', {}, [line]))),
    );
    if (changes.removedIds.size || changes.changedIds.size) {
      section.append(h('p', { class: 'k-compare-legend' }, [
        h('span', { class: 'k-compare-swatch k-compare-removed', 'aria-hidden': 'true' }), t('compare.legendRemoved'),
        h('span', { class: 'k-compare-swatch k-compare-changed', 'aria-hidden': 'true' }), t('compare.legendChanged'),
      ]));
    }
    return section;
  }

  /** Shows (or hides) what changed since the snapshot: a list, and outlines on the snapshot's drawing. */
  private async toggleComparison(): Promise<void> {
    const { root, model, renderer } = this.page;
    if (this.comparison) {
      this.comparison = null;
    } else {
      try {
        const now = await api.boardExport(this.page.boardId, this.page.ctx.token);
        this.comparison = compareBoards({ actors: model.actors.values(), relations: model.relations.values(), notes: model.notes.values(), strokes: model.strokes.values() }, now);
      } catch (error) {
        const el = root.querySelector('#k-snapshot-error');
        if (el) el.textContent = t('compare.failed', { message: errorText(error) });
        return;
      }
    }
    renderer.comparison = this.comparison;
    root.querySelector('#k-snapshot-compare')?.setAttribute('aria-pressed', String(this.comparison !== null));
    const section = this.buildComparison();
    root.querySelector('#k-compare')?.replaceWith(section);
    this.page.schedule('scene');
  }

  /** Restores the snapshot being viewed into the live board (after asking), then opens the board. */
  private async restoreShown(): Promise<void> {
    const snapshot = this.page.ctx.snapshot;
    if (!snapshot) return;
    const name = snapshot.meta?.name ?? '';
    if (!(await confirmRestore(name))) return;
    await this.snapshotAction(async () => {
      const restored = await api.restoreSnapshot(snapshot.id, this.page.ctx.token, { author: displayName() || undefined });
      this.page.navigate(boardPath(this.page.boardId), { notice: t('snapshots.restored', { name, saved: restored.saved.name }) });
    });
  }

  private async snapshotAction(action: () => Promise<void>): Promise<void> {
    const root = this.page.root;
    const buttons = root.querySelectorAll<HTMLButtonElement>('#k-snapshot-restore, #k-snapshot-fork');
    buttons.forEach((b) => (b.disabled = true));
    const error = root.querySelector('#k-snapshot-error');
    if (error) error.textContent = '';
    try {
      await action();
    } catch (e) {
      if (error) error.textContent = errorText(e);
      buttons.forEach((b) => (b.disabled = false));
    }
  }
}
