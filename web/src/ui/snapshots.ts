// The snapshots tab of a board: list, take one with a name, open read-only, export, fork, restore.
import type { Role, Snapshot } from '../generated/protocol';
import { api, EXPORT_FORMATS, snapshotExportUrl } from '../api/client';
import type { ExportFormat } from '../api/client';
import { canExport, canFork, canSnapshot } from '../access/roles';
import { boardPath, comparePath, snapshotPath } from '../access/links';
import { accessStore } from '../access/store';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import { h } from './dom';
import { downloadName } from './export';
import { confirmDialog, errorText, formatDateTime } from './common';

export const EXPORT_LABELS: Record<ExportFormat, MessageKey> = {
  'export.png': 'export.png', 'export.svg': 'export.svg', 'export.json': 'export.json', 'actors.csv': 'export.actorsCsv', 'relations.csv': 'export.relationsCsv',
};

/**
 * `Ryhmä 1.svg`, `Ryhmä 1 – Päivän 1 loppu – actors.csv`: the name a download of `format` gets, as
 * the server's `Content-Disposition` names it too (which wins in browsers that read it).
 */
export function exportDownloadName(boardTitle: string, snapshotName: string, format: ExportFormat): string {
  const [stem, extension] = format.split('.') as [string, string];
  return downloadName([boardTitle, snapshotName, stem === 'export' ? '' : stem], extension);
}

export interface SnapshotsContext {
  boardId: string;
  token: string;
  role: Role;
  /** Whether a restore is allowed now (the board's lock can change while the panel is open). */
  canRestore: () => boolean;
  author: () => string;
  /** The board's title, which its snapshots' files are named after. */
  boardTitle: () => string;
  navigate: (path: string, state?: unknown) => void;
  /** The board's workshop, for comparing a snapshot with the board side by side. */
  workshopId?: string;
}

export class SnapshotsPanel {
  readonly element = h('div', { class: 'k-snapshots' });
  private list: Snapshot[] | null = null;
  /** Written when shown, so a re-render after a language switch writes it in the new language. */
  private status: () => string = () => '';
  private error = '';
  private busy = false;
  private draftName = '';

  constructor(private readonly ctx: SnapshotsContext) {}

  async refresh(): Promise<void> {
    try {
      this.list = await api.snapshots(this.ctx.boardId, this.ctx.token);
      this.error = '';
    } catch (error) {
      this.error = errorText(error);
    }
    this.render();
  }

  render(): void {
    const focused = document.activeElement?.id;
    const ctx = this.ctx;
    // The list is re-rendered when it arrives from the server: a name being typed survives that.
    const name = h('input', { id: 'k-snapshot-name', type: 'text', maxlength: 120, required: true, autocomplete: 'off', value: this.draftName });
    name.addEventListener('input', () => (this.draftName = name.value));
    const form = canSnapshot(ctx.role) ? h('form', { class: 'k-snapshot-form', onsubmit: (e: Event) => { e.preventDefault(); void this.take(name.value); } }, [
      h('label', { for: 'k-snapshot-name' }, [t('snapshots.name')]),
      h('div', { class: 'k-row' }, [name, h('button', { type: 'submit', id: 'k-snapshot-take', class: 'k-primary', disabled: this.busy }, [t('snapshots.take')])]),
    ]) : null;
    const items = (this.list ?? []).slice().sort((a, b) => b.createdAt - a.createdAt).map((s) => this.item(s));
    this.element.replaceChildren(
      h('p', { class: 'k-muted' }, [t('snapshots.help')]),
      // Participants see why no snapshot offers a restore (the server refuses theirs).
      canSnapshot(ctx.role) && !ctx.canRestore() ? h('p', { class: 'k-muted', id: 'k-restore-facilitator-only' }, [t('snapshots.restoreFacilitatorOnly')]) : '',
      form ?? '',
      h('p', { class: 'k-status', role: 'status', id: 'k-snapshot-status' }, [this.status()]),
      this.error ? h('p', { class: 'k-error', role: 'alert' }, [this.error]) : '',
      this.list && this.list.length === 0 ? h('p', { class: 'k-muted' }, [t('snapshots.empty')]) : '',
      h('ul', { class: 'k-snapshot-list', 'aria-label': t('snapshots.title') }, items),
    );
    if (focused) document.getElementById(focused)?.focus();
    if (focused === name.id) name.setSelectionRange(name.value.length, name.value.length);
  }

  private item(s: Snapshot): HTMLElement {
    const ctx = this.ctx;
    const exportMenu = canExport(ctx.role) ? h('details', { class: 'k-menu k-inline-menu' }, [
      h('summary', { 'aria-label': `${t('snapshots.export')}: ${s.name}` }, [t('snapshots.export')]),
      h('div', { class: 'k-menu-items' }, EXPORT_FORMATS.map((f) => h('a', { href: snapshotExportUrl(s.id, f, ctx.token), download: exportDownloadName(ctx.boardTitle(), s.name, f) }, [t(EXPORT_LABELS[f])]))),
    ]) : null;
    const restore = ctx.canRestore() ? h('button', { type: 'button', class: 'k-small', 'data-restore': s.id, disabled: this.busy, onclick: () => void this.restore(s) }, [t('snapshots.restore')]) : null;
    const fork = canFork(ctx.role) ? h('button', { type: 'button', class: 'k-small', 'data-fork': s.id, disabled: this.busy, onclick: () => void this.fork(s) }, [t('snapshots.fork')]) : null;
    const open = h('a', { class: 'k-button k-small', href: snapshotPath(ctx.boardId, s.id), 'data-open': s.id, onclick: (e: Event) => { e.preventDefault(); ctx.navigate(snapshotPath(ctx.boardId, s.id)); } }, [t('snapshots.open')]);
    const comparePage = ctx.workshopId ? comparePath(ctx.workshopId, { kind: 'snapshot', id: s.id }, { kind: 'board', id: ctx.boardId }) : null;
    const compare = comparePage ? h('a', { class: 'k-button k-small', href: comparePage, 'data-compare': s.id, onclick: (e: Event) => { e.preventDefault(); ctx.navigate(comparePage); } }, [t('compareMaps.withNow')]) : null;
    return h('li', { class: 'k-snapshot', 'data-snapshot': s.id }, [
      h('div', { class: 'k-snapshot-name' }, [s.name]),
      h('div', { class: 'k-muted k-small-text' }, [
        [formatDateTime(s.createdAt), t(`snapshots.reason.${s.reason}`), s.author ? t('snapshots.by', { name: s.author }) : ''].filter(Boolean).join(' · '),
      ]),
      h('div', { class: 'k-snapshot-actions' }, [open, compare ?? '', exportMenu ?? '', fork ?? '', restore ?? '']),
    ]);
  }

  private async take(rawName: string): Promise<void> {
    const name = rawName.trim();
    if (!name || this.busy) return;
    await this.run(async () => {
      const snapshot = await api.takeSnapshot(this.ctx.boardId, this.ctx.token, { name, author: this.ctx.author() || undefined });
      this.list = [...(this.list ?? []), snapshot];
      this.status = () => t('snapshots.taken', { name });
      this.draftName = '';
    });
  }

  private async restore(s: Snapshot): Promise<void> {
    if (!(await confirmRestore(s.name))) return;
    await this.run(async () => {
      const restored = await api.restoreSnapshot(s.id, this.ctx.token, { author: this.ctx.author() || undefined });
      this.status = () => t('snapshots.restored', { name: s.name, saved: restored.saved.name });
      this.list = await api.snapshots(this.ctx.boardId, this.ctx.token).catch(() => [...(this.list ?? []), restored.saved]);
    });
  }

  private async fork(s: Snapshot): Promise<void> {
    await this.run(() => forkSnapshot(s.id, this.ctx.token, this.ctx.navigate));
  }

  private async run(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    this.render();
    try {
      await action();
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
      if (this.element.isConnected) this.render();
    }
  }
}

/** Asks before a restore, saying that the current state is kept as a snapshot first. */
export function confirmRestore(name: string): Promise<boolean> {
  return confirmDialog(t('snapshots.restoreConfirm', { name }), t('snapshots.restore'));
}

/** Copies a snapshot into a new board of the same workshop and opens it. */
export async function forkSnapshot(snapshotId: string, token: string, navigate: (path: string, state?: unknown) => void): Promise<void> {
  const forked = await api.forkSnapshot(snapshotId, token);
  accessStore.mapBoard(forked.board.id, forked.board.workshopId);
  navigate(boardPath(forked.board.id), { notice: t('snapshots.forked') });
}
