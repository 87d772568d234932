// The notice under a board's banner: a message for this person, or the news that the facilitator
// restored a snapshot, with the facilitator's undo. Kept across rebuilds of the page's chrome.
import { t } from '../../i18n';
import type { Role } from '../../generated/protocol';
import type { BoardModel } from '../../model/board';
import { canRestore } from '../../access/roles';
import { api } from '../../api/client';
import { errorText } from '../common';
import { displayName } from '../identity';
import { h } from '../dom';
import type { BoardContext } from './page';

/** A notice under the board's banner: a message, or the news of a restore with the facilitator's undo. */
export interface BoardNotice {
  text: () => string;
  /** False for a text made before (a server's message): it is closed on a language switch. */
  translatable: boolean;
  isError: boolean;
  kind: 'message' | 'restore';
  extra?: () => HTMLElement;
}

/** What the notices need of the board page. */
export interface NoticesPage {
  readonly root: HTMLElement;
  readonly ctx: BoardContext;
  readonly role: Role;
  readonly model: BoardModel;
  /** Whether the board has synced once (a restore seen at the first sync is old news). */
  synced(): boolean;
  /** The snapshots list, to show the restore an undo made. */
  refreshSnapshots(): void;
}

export class BoardNotices {
  private notice: BoardNotice | null = null;
  /** The `restoredAt` of the last restore seen: undefined until the first sync. */
  private restoreSeen: number | null | undefined = undefined;

  constructor(private readonly page: NoticesPage) {}

  /**
   * Shows a notice under the banner. Given as a function it is written again in the new language after a
   * switch; a plain text (a server's message, say) is closed on a switch rather than left in the old one.
   */
  show(text: string | (() => string), isError: boolean, extra?: BoardNotice['extra']): void {
    this.notice = typeof text === 'string'
      ? { text: () => text, translatable: false, isError, kind: 'message', extra }
      : { text, translatable: true, isError, kind: 'message', extra };
    this.render();
  }

  /** The language changed: a text that cannot be written again in it is closed. */
  localeChanged(): void {
    if (this.notice && !this.notice.translatable) this.notice = null;
  }

  /** Draws the notice after the banner (again after the chrome was rebuilt). */
  render(): void {
    const { root } = this.page;
    root.querySelector('#k-notice')?.remove();
    const shown = this.notice;
    if (!shown) return;
    const notice = h('div', { class: `k-banner ${shown.isError ? 'k-banner-error' : 'k-banner-info'}`, id: 'k-notice', 'data-notice': shown.kind, role: shown.isError ? 'alert' : 'status' }, [
      h('span', {}, [shown.text()]),
      shown.extra ? shown.extra() : null,
      h('button', { type: 'button', class: 'k-small', onclick: () => { this.notice = null; notice.remove(); } }, [t('action.close')]),
    ]);
    root.querySelector('#k-banner')?.after(notice);
  }

  /**
   * The facilitator restored a snapshot (`meta.lastRestore` changed while this page was connected):
   * tell who restored what and how to undo it. The one seen at the first sync is old news.
   */
  restoreChanged(): void {
    const { ctx, model, role } = this.page;
    if (!this.page.synced() || ctx.snapshot) return;
    const restore = model.meta.lastRestore;
    const at = restore?.restoredAt ?? null;
    if (this.restoreSeen === undefined || at === this.restoreSeen) {
      this.restoreSeen = at;
      return;
    }
    this.restoreSeen = at;
    if (!restore) return;
    const text = () => [
      restore.restoredBy
        ? t('restore.noticeBy', { who: restore.restoredBy, name: restore.restoredSnapshotName })
        : t('restore.noticeFacilitator', { name: restore.restoredSnapshotName }),
      t('restore.undoHint', { undo: restore.undoSnapshotName }),
    ].join(' ');
    const undo = canRestore(role)
      ? () => h('button', { type: 'button', class: 'k-small', id: 'k-undo-restore', onclick: () => void this.undoRestore(restore.undoSnapshotId) }, [t('restore.undo')])
      : undefined;
    this.notice = { text, translatable: true, isError: false, kind: 'restore', extra: undo };
    this.render();
  }

  private async undoRestore(snapshotId: string): Promise<void> {
    try {
      await api.restoreSnapshot(snapshotId, this.page.ctx.token, { author: displayName() || undefined });
      this.page.refreshSnapshots();
    } catch (error) {
      this.show(errorText(error), true);
    }
  }
}
