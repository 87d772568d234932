// The workshop overview's board cards: thumbnails the server renders, who is on each board, and the
// facilitator's lock, present and share buttons, updated in place by each poll.
import type { BoardSummary } from '../../generated/protocol';
import { t } from '../../i18n';
import { api, boardThumbnailUrl } from '../../api/client';
import { canManage } from '../../access/roles';
import { boardPath, wallPath } from '../../access/links';
import { confirmDialog } from '../common';
import { h, icon, ICONS } from '../dom';
import type { WorkshopContext } from './context';

export class BoardCards {
  grid: HTMLElement = h('ul', { class: 'k-board-grid', id: 'k-board-grid' });
  private readonly cards = new Map<string, HTMLElement>();
  private thumbVersion = 0;

  constructor(private readonly ctx: WorkshopContext) {}

  build(): HTMLElement {
    this.cards.clear();
    this.grid = h('ul', { class: 'k-board-grid', id: 'k-board-grid', 'aria-label': t('workshop.boards', { count: this.ctx.workshop().boards.length }) });
    return this.grid;
  }

  /** Updates the board cards in place, so focus and images survive a poll. */
  update(): void {
    const seen = new Set<string>();
    for (const board of this.ctx.workshop().boards) {
      seen.add(board.id);
      let card = this.cards.get(board.id);
      if (!card) {
        card = this.card(board);
        this.cards.set(board.id, card);
      }
      this.fillCard(card, board);
      this.grid.append(card);
    }
    for (const [id, card] of this.cards) {
      if (!seen.has(id)) {
        card.remove();
        this.cards.delete(id);
      }
    }
  }

  /** Loads each new thumbnail off screen and swaps it in when ready, so the overview does not flicker. */
  refreshThumbnails(): void {
    if (document.visibilityState !== 'visible') return;
    this.thumbVersion++;
    this.ctx.root.querySelectorAll<HTMLImageElement>('img[data-thumb]').forEach((img) => {
      const next = new Image();
      const url = this.thumbUrl(img.dataset.thumb!);
      next.onload = () => {
        if (img.isConnected) img.src = url;
        img.classList.remove('k-thumb-missing');
      };
      next.src = url;
    });
  }

  private card(board: BoardSummary): HTMLElement {
    const { navigate } = this.ctx;
    const manage = canManage(this.ctx.role);
    const path = boardPath(board.id);
    // A card opened large is the wall with this one board: live, read-only, fitted to the screen.
    const large = wallPath(this.ctx.workshop().id, [board.id]);
    const titleId = `k-board-title-${board.id}`;
    const thumb = h('img', { class: 'k-thumb', alt: '', 'data-thumb': board.id, src: this.thumbUrl(board.id), loading: 'lazy', width: 320, height: 200, onerror: (e: Event) => (e.target as HTMLElement).classList.add('k-thumb-missing') });
    return h('li', { class: 'k-board-card', 'data-board': board.id, 'aria-labelledby': titleId }, [
      h('a', { class: 'k-thumb-link', href: path, tabindex: '-1', 'aria-hidden': 'true', onclick: (e: Event) => { e.preventDefault(); navigate(path); } }, [thumb]),
      h('h3', { class: 'k-board-title' }, [h('a', { id: titleId, href: path, 'data-open': board.id, onclick: (e: Event) => { e.preventDefault(); navigate(path); } }, [''])]),
      h('a', { class: 'k-small-text k-open-large', href: large, 'data-large': board.id, 'aria-describedby': titleId, onclick: (e: Event) => { e.preventDefault(); navigate(large); } }, [icon(ICONS.enlarge, 16), t('workshop.openLarge')]),
      h('p', { class: 'k-muted k-small-text k-board-meta' }),
      h('p', { class: 'k-small-text k-board-people', 'data-people': board.id }),
      h('p', { class: 'k-badge k-presented-badge', 'data-presented': board.id, hidden: true }, [t('workshop.presenting')]),
      manage ? h('div', { class: 'k-row k-wrap k-card-actions' }, [
        h('button', { type: 'button', class: 'k-small', 'data-lock': board.id, 'aria-describedby': titleId, onclick: () => void this.toggleLock(board.id) }, []),
        h('button', { type: 'button', class: 'k-small', 'data-present': board.id, 'aria-describedby': titleId, onclick: () => navigate(path, { present: true }) }, [icon(ICONS.present, 16), t('workshop.present')]),
        h('button', { type: 'button', class: 'k-small', 'data-stop-present': board.id, 'aria-describedby': titleId, hidden: true, onclick: () => void this.stopPresenting() }, [t('present.stop')]),
        board.owned ? h('button', { type: 'button', class: 'k-small k-toggle', 'data-share': board.id, 'aria-describedby': titleId, onclick: () => void this.toggleShared(board.id) }, []) : null,
        h('button', { type: 'button', class: 'k-small', 'data-rename': board.id, 'aria-describedby': titleId, onclick: () => this.rename(board.id) }, [icon(ICONS.pencil, 16), t('workshop.renameBoard')]),
        h('button', { type: 'button', class: 'k-small k-danger', 'data-delete': board.id, 'aria-describedby': titleId, onclick: () => void this.deleteBoard(board.id) }, [icon(ICONS.trash, 16), t('workshop.deleteBoard')]),
      ]) : null,
    ]);
  }

  private fillCard(card: HTMLElement, board: BoardSummary): void {
    const title = board.title || t('board.untitled');
    const link = card.querySelector<HTMLElement>('[data-open]')!;
    if (link.textContent !== title) link.textContent = title;
    const sharing = board.owned ? (board.shared ? t('workshop.shared') : t('workshop.private')) : '';
    const meta = [t(`boardKind.${board.kind}`), sharing, t('workshop.people', { count: board.connections }), t('workshop.snapshots', { count: board.snapshots }), board.locked ? t('board.locked') : ''].filter(Boolean).join(' · ');
    const metaEl = card.querySelector('.k-board-meta')!;
    if (metaEl.textContent !== meta) metaEl.textContent = meta;
    // Who is here, by the names they gave (live presence; a board with people but no names shows the count only).
    const people = board.people.length > 0 ? t('workshop.names', { names: board.people.join(', ') }) : '';
    const peopleEl = card.querySelector<HTMLElement>('.k-board-people')!;
    if (peopleEl.textContent !== people) peopleEl.textContent = people;
    peopleEl.hidden = people === '';
    const presented = this.ctx.workshop().presenting === board.id;
    card.classList.toggle('k-presented', presented);
    card.querySelector<HTMLElement>('[data-presented]')!.hidden = !presented;
    const stop = card.querySelector<HTMLElement>('[data-stop-present]');
    if (stop) stop.hidden = !presented;
    card.classList.toggle('k-locked', board.locked);
    const lock = card.querySelector<HTMLButtonElement>('[data-lock]');
    if (lock) {
      // The label says what a press does now: lock an open board, open a locked one.
      lock.replaceChildren(icon(board.locked ? ICONS.lock : ICONS.unlock, 16), board.locked ? t('workshop.unlockBoard') : t('board.lock'));
    }
    const share = card.querySelector<HTMLButtonElement>('[data-share]');
    if (share) {
      share.setAttribute('aria-pressed', String(board.shared));
      const label = board.shared ? t('workshop.unshare') : t('workshop.share');
      if (share.textContent !== label) share.textContent = label;
    }
    const img = card.querySelector<HTMLImageElement>('img[data-thumb]');
    if (img) img.alt = t('workshop.thumbnail', { title });
  }

  private thumbUrl(boardId: string): string {
    return boardThumbnailUrl(boardId, this.ctx.token, { v: String(this.thumbVersion) });
  }

  private toggleLock(boardId: string): Promise<void> {
    const board = this.ctx.workshop().boards.find((b) => b.id === boardId);
    if (!board) return Promise.resolve();
    return this.ctx.act(async () => {
      await api.updateBoard(boardId, this.ctx.token, { locked: !board.locked });
    });
  }

  private toggleShared(boardId: string): Promise<void> {
    const board = this.ctx.workshop().boards.find((b) => b.id === boardId);
    if (!board) return Promise.resolve();
    return this.ctx.act(async () => {
      await api.updateBoard(boardId, this.ctx.token, { shared: !board.shared });
    });
  }

  /** Asks for the new name in a small dialog; the server refuses a blank or overlong one and says why. */
  private rename(boardId: string): void {
    const board = this.ctx.workshop().boards.find((b) => b.id === boardId);
    if (!board) return;
    const returnFocus = document.activeElement as HTMLElement | null;
    const input = h('input', { id: 'k-rename-input', type: 'text', value: board.title, maxlength: 200, required: true, autocomplete: 'off' });
    const form = h('form', { method: 'dialog', class: 'k-dialog-form' }, [
      h('label', { for: 'k-rename-input', id: 'k-rename-label' }, [t('workshop.renameBoardLabel', { title: board.title || t('board.untitled') })]),
      input,
      h('div', { class: 'k-row k-dialog-buttons' }, [
        h('button', { type: 'button', id: 'k-rename-cancel', onclick: () => dialog.close() }, [t('common.cancel')]),
        h('button', { type: 'submit', id: 'k-rename-ok', class: 'k-primary' }, [t('workshop.renameBoard')]),
      ]),
    ]);
    const dialog = h('dialog', { class: 'k-dialog', id: 'k-rename-dialog', 'aria-labelledby': 'k-rename-label' }, [form]);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const title = input.value.trim();
      if (!title) {
        input.focus();
        return;
      }
      dialog.close();
      void this.ctx.act(async () => {
        await api.updateBoard(boardId, this.ctx.token, { title });
        return t('workshop.boardRenamed', { title });
      });
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (returnFocus?.isConnected) returnFocus.focus();
    });
    document.body.append(dialog);
    dialog.showModal();
    input.select();
  }

  private async deleteBoard(boardId: string): Promise<void> {
    const board = this.ctx.workshop().boards.find((b) => b.id === boardId);
    if (!board) return;
    const title = board.title || t('board.untitled');
    if (!(await confirmDialog(t('workshop.deleteBoardConfirm', { title }), t('workshop.deleteBoard'), true))) return;
    await this.ctx.act(async () => {
      await api.deleteBoard(boardId, this.ctx.token);
      return t('workshop.boardDeleted', { title });
    });
  }

  private stopPresenting(): Promise<void> {
    return this.ctx.act(async () => {
      await api.setPresenting(this.ctx.workshop().id, this.ctx.token, null);
    });
  }
}
