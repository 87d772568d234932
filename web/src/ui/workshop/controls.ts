// The facilitator's controls on the workshop page: the timer, a snapshot of every board, the vote,
// personal boards at join and sharing them, locking all, the export and deleting the workshop.
import { t } from '../../i18n';
import { api, workshopZipUrl } from '../../api/client';
import { accessStore } from '../../access/store';
import { VoteControls } from '../vote';
import { confirmDialog, errorText, formatClock, formatRemaining } from '../common';
import { h } from '../dom';
import type { WorkshopContext } from './context';

export class WorkshopControls {
  /** The server remembers the timer, so a reloaded facilitator page still shows it running. */
  private timerEndsAt: number | null;

  constructor(private readonly ctx: WorkshopContext) {
    this.timerEndsAt = ctx.workshop().timerEndsAt;
  }

  section(): HTMLElement {
    const w = this.ctx.workshop();
    const minutes = h('input', { id: 'k-timer-minutes', type: 'number', min: 1, max: 240, value: 10, inputmode: 'numeric' });
    const snapshotName = h('input', { id: 'k-snapshot-all-name', type: 'text', maxlength: 120, value: t('workshop.snapshotDefault') });
    const allLocked = w.boards.length > 0 && w.boards.every((b) => b.locked);
    const atJoin = h('input', { id: 'k-personal-at-join', type: 'checkbox', 'aria-describedby': 'k-personal-at-join-help' });
    atJoin.checked = w.personalBoardsAtJoin;
    atJoin.addEventListener('change', () => void this.setPersonalAtJoin(atJoin.checked));
    return h('section', { class: 'k-card k-controls', 'aria-labelledby': 'k-controls-heading' }, [
      h('h2', { id: 'k-controls-heading' }, [t('workshop.manage')]),
      h('form', { class: 'k-control-row', onsubmit: (e: Event) => { e.preventDefault(); void this.startTimer(Number(minutes.value)); } }, [
        h('label', { for: 'k-timer-minutes' }, [`${t('workshop.timer')} (${t('workshop.minutes')})`]),
        h('div', { class: 'k-row' }, [
          minutes,
          h('button', { type: 'submit', id: 'k-timer-start' }, [t('workshop.startTimer')]),
          h('button', { type: 'button', id: 'k-timer-stop', onclick: () => void this.stopTimer() }, [t('workshop.stopTimer')]),
        ]),
        h('p', { class: 'k-timer-status', id: 'k-timer-status', role: 'timer', 'aria-live': 'off' }, [this.timerText()]),
      ]),
      h('form', { class: 'k-control-row', onsubmit: (e: Event) => { e.preventDefault(); void this.snapshotAll(snapshotName.value); } }, [
        h('label', { for: 'k-snapshot-all-name' }, [t('workshop.snapshotName')]),
        h('div', { class: 'k-row' }, [snapshotName, h('button', { type: 'submit', id: 'k-snapshot-all' }, [t('workshop.snapshotAll')])]),
      ]),
      // Built anew with each render (a language switch), asking the server which vote runs.
      new VoteControls(w.id, this.ctx.token).element,
      h('div', { class: 'k-control-row' }, [
        h('div', { class: 'k-field k-check' }, [atJoin, h('label', { for: 'k-personal-at-join' }, [t('workshopForm.personalAtJoin')])]),
        h('p', { class: 'k-muted k-small-text', id: 'k-personal-at-join-help' }, [t('workshopForm.personalAtJoinHelp')]),
        h('div', { class: 'k-row' }, [h('button', { type: 'button', id: 'k-share-all', onclick: () => void this.shareAll(!this.allShared()) }, [this.allShared() ? t('workshop.unshareAll') : t('workshop.shareAll')])]),
      ]),
      h('div', { class: 'k-row k-wrap' }, [
        h('button', { type: 'button', id: 'k-lock-all', onclick: () => void this.lockAll(!allLocked) }, [allLocked ? t('workshop.unlockAll') : t('workshop.lockAll')]),
        h('a', { class: 'k-button', id: 'k-export-zip', href: workshopZipUrl(w.id, this.ctx.token), download: '' }, [t('workshop.export')]),
        h('button', { type: 'button', class: 'k-danger', id: 'k-delete-workshop', onclick: () => void this.deleteWorkshop() }, [t('workshop.delete')]),
      ]),
    ]);
  }

  /** A poll brought the workshop's timer as the server has it. */
  polled(): void {
    this.timerEndsAt = this.ctx.workshop().timerEndsAt;
    this.updateTimerStatus();
  }

  /** The buttons that act on all boards say what they would do now. */
  update(): void {
    const root = this.ctx.root;
    const w = this.ctx.workshop();
    const lockAll = root.querySelector<HTMLButtonElement>('#k-lock-all');
    if (lockAll) {
      const all = w.boards.length > 0 && w.boards.every((b) => b.locked);
      lockAll.textContent = all ? t('workshop.unlockAll') : t('workshop.lockAll');
      lockAll.onclick = () => void this.lockAll(!all);
    }
    const shareAll = root.querySelector<HTMLButtonElement>('#k-share-all');
    if (shareAll) {
      const all = this.allShared();
      shareAll.textContent = all ? t('workshop.unshareAll') : t('workshop.shareAll');
      shareAll.disabled = !w.boards.some((b) => b.owned);
    }
    const atJoin = root.querySelector<HTMLInputElement>('#k-personal-at-join');
    if (atJoin && document.activeElement !== atJoin) atJoin.checked = w.personalBoardsAtJoin;
  }

  updateTimerStatus(): void {
    const el = this.ctx.root.querySelector<HTMLElement>('#k-timer-status');
    if (!el) return;
    const text = this.timerText();
    if (el.textContent !== text) el.textContent = text;
    el.classList.toggle('k-timer-done', this.timerEndsAt !== null && this.timerEndsAt <= Date.now());
  }

  /** "Ends at 14:05 · 4:32 left", ticking every second; "Time is up" once it has run out. */
  private timerText(): string {
    const endsAt = this.timerEndsAt;
    if (endsAt === null) return '';
    const left = endsAt - Date.now();
    if (left <= 0) return t('timer.done');
    return t('workshop.timerRunning', { time: formatClock(endsAt), left: formatRemaining(left) });
  }

  /** Every personal board made at join is shared (and there is at least one). */
  private allShared(): boolean {
    const owned = this.ctx.workshop().boards.filter((b) => b.owned);
    return owned.length > 0 && owned.every((b) => b.shared);
  }

  private shareAll(shared: boolean): Promise<void> {
    return this.ctx.act(async () => {
      await api.sharePersonalBoards(this.ctx.workshop().id, this.ctx.token, shared);
      return shared ? t('workshop.sharedAll') : t('workshop.unsharedAll');
    });
  }

  private setPersonalAtJoin(on: boolean): Promise<void> {
    return this.ctx.act(async () => {
      await api.updateWorkshop(this.ctx.workshop().id, this.ctx.token, { personalBoardsAtJoin: on });
    });
  }

  private lockAll(locked: boolean): Promise<void> {
    return this.ctx.act(async () => {
      await api.lockWorkshop(this.ctx.workshop().id, this.ctx.token, locked);
    });
  }

  private startTimer(minutes: number): Promise<void> {
    if (!Number.isFinite(minutes) || minutes <= 0) return Promise.resolve();
    const endsAt = Date.now() + Math.round(minutes * 60_000);
    return this.ctx.act(async () => {
      await api.setTimer(this.ctx.workshop().id, this.ctx.token, endsAt);
      this.timerEndsAt = endsAt;
      this.updateTimerStatus();
    });
  }

  private stopTimer(): Promise<void> {
    return this.ctx.act(async () => {
      await api.setTimer(this.ctx.workshop().id, this.ctx.token, null);
      this.timerEndsAt = null;
      this.updateTimerStatus();
    });
  }

  private snapshotAll(rawName: string): Promise<void> {
    const name = rawName.trim();
    if (!name) return Promise.resolve();
    return this.ctx.act(async () => {
      const taken = await api.snapshotWorkshop(this.ctx.workshop().id, this.ctx.token, name);
      return t('workshop.snapshotted', { name, count: taken.length });
    });
  }

  private async deleteWorkshop(): Promise<void> {
    const w = this.ctx.workshop();
    if (!(await confirmDialog(t('workshop.deleteConfirm', { title: w.title }), t('workshop.delete'), true))) return;
    try {
      await api.deleteWorkshop(w.id, this.ctx.token);
      accessStore.forgetWorkshop(w.id);
      this.ctx.navigate('/');
    } catch (error) {
      this.ctx.showError(t('workshop.failed', { message: errorText(error) }));
    }
  }
}
