// The workshop page (/w/{id}). The facilitator gets the join code, its QR code and links, the live
// overview of every board (thumbnails the server renders, who is on each), locks, snapshots of all
// boards, the timer, export and deletion, and shares the personal boards made at join; participants
// pick their board (or open their own personal board); viewers see the list.
import qrcode from 'qrcode-generator';
import type { Assignment, BoardSummary, Role, Workshop } from '../generated/protocol';
import { t, onLocaleChange } from '../i18n';
import { api, boardThumbnailUrl, workshopZipUrl } from '../api/client';
import { accessStore } from '../access/store';
import { resolveWorkshop } from '../access/resolve';
import { canManage } from '../access/roles';
import { compareAndWallSection } from './compare-picker';
import { assignmentRows, cleanAssignedName } from '../access/assign';
import { boardPath, joinLink, workshopLink } from '../access/links';
import { h, icon, ICONS } from './dom';
import { languageSelect } from './language';
import { VoteControls } from './vote';
import { MergePanel } from './merge';
import { accessMessage, confirmDialog, copyField, errorText, formatClock, formatDate, formatRemaining, messagePage } from './common';

type Navigate = (path: string, state?: unknown) => void;

/** How often the overview asks who is on which board, and how often thumbnails are re-rendered. */
const POLL_MS = 3000;
const THUMBNAIL_MS = 5000;

/** An SVG QR code of `text` (error correction M: readable from a projector across a room). */
export function qrSvg(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createSvgTag({ cellSize: 8, margin: 2, scalable: true });
}

export function mountWorkshop(root: HTMLElement, workshopId: string, navigate: Navigate, linkToken: string | null): () => void {
  let page: WorkshopPage | null = null;
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
    page = new WorkshopPage(root, resolved.value, resolved.token, navigate);
  };
  void start();
  return () => {
    cancelled = true;
    page?.destroy();
  };
}

class WorkshopPage {
  private role: Role;
  private readonly cards = new Map<string, HTMLElement>();
  private grid = h('ul', { class: 'k-board-grid', id: 'k-board-grid' });
  private readonly cleanups: (() => void)[] = [];
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private thumbTimer: ReturnType<typeof setInterval> | null = null;
  private clockTimer: ReturnType<typeof setInterval> | null = null;
  private thumbVersion = 0;
  private status = '';
  private error = '';
  private timerEndsAt: number | null = null;
  private busy = false;
  private assignments: Assignment[] = [];
  private boardOptions = '';
  /** "Merge maps" (facilitator): keeps its choices and match table across re-renders. */
  private readonly mergePanel: MergePanel;

  constructor(private readonly root: HTMLElement, private workshop: Workshop, private readonly token: string, private readonly navigate: Navigate) {
    this.role = workshop.role;
    this.mergePanel = new MergePanel({ workshopId: workshop.id, token, navigate, merged: () => void this.poll() });
    // The server remembers the timer, so a reloaded facilitator page still shows it running.
    this.timerEndsAt = workshop.timerEndsAt;
    accessStore.remember({ kind: 'workshop', id: workshop.id, title: workshop.title, role: this.role });
    this.render();
    if (canManage(this.role)) void this.loadAssignments();
    this.cleanups.push(onLocaleChange(() => this.render()));
    this.pollTimer = setInterval(() => void this.poll(), POLL_MS);
    this.thumbTimer = setInterval(() => this.refreshThumbnails(), THUMBNAIL_MS);
    this.clockTimer = setInterval(() => this.updateTimerStatus(), 1000);
    const visible = () => {
      if (document.visibilityState === 'visible') {
        void this.poll();
        this.refreshThumbnails();
      }
    };
    document.addEventListener('visibilitychange', visible);
    this.cleanups.push(() => document.removeEventListener('visibilitychange', visible));
  }

  destroy(): void {
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    if (this.thumbTimer !== null) clearInterval(this.thumbTimer);
    if (this.clockTimer !== null) clearInterval(this.clockTimer);
    this.cleanups.forEach((c) => c());
  }

  private async poll(): Promise<void> {
    if (document.visibilityState !== 'visible' || this.busy) return;
    try {
      this.workshop = await api.workshop(this.workshop.id, this.token);
      this.timerEndsAt = this.workshop.timerEndsAt;
      this.updateTimerStatus();
      for (const board of this.workshop.boards) accessStore.mapBoard(board.id, this.workshop.id);
      this.updateBoards();
    } catch {
      // The next poll tries again; an action's own error is what the user is shown.
    }
  }

  private render(): void {
    const focusedId = document.activeElement?.id;
    this.root.classList.add('k-column');
    const w = this.workshop;
    const manage = canManage(this.role);
    this.cards.clear();
    this.grid = h('ul', { class: 'k-board-grid', id: 'k-board-grid', 'aria-label': t('workshop.boards', { count: w.boards.length }) });
    this.root.replaceChildren(
      h('header', { class: 'k-header k-workshop-header' }, [
        h('a', { href: '/', class: 'k-home', 'aria-label': t('board.home'), onclick: (e: Event) => { e.preventDefault(); this.navigate('/'); } }, [h('span', { class: 'k-logo', 'aria-hidden': 'true' }), h('span', { class: 'k-hide-narrow' }, [t('app.name')])]),
        h('span', { class: 'k-badge k-role-badge' }, [t(`role.${this.role}`)]),
        h('div', { class: 'k-spacer' }),
        languageSelect(),
      ]),
      h('main', { class: 'k-workshop' }, [
        h('h1', { id: 'k-workshop-title' }, [w.title || t('board.untitled')]),
        h('p', { class: 'k-status', role: 'status', id: 'k-workshop-status' }, [this.status]),
        h('p', { class: 'k-error', role: 'alert', id: 'k-workshop-error' }, [this.error]),
        manage ? h('div', { class: 'k-workshop-top' }, [this.joinSection(), this.controlSection()]) : null,
        manage ? this.assignSection() : null,
        manage ? null : this.myBoardSection(),
        manage ? compareAndWallSection(w, this.token, this.navigate) : null,
        h('section', { class: 'k-overview', 'aria-labelledby': 'k-boards-heading' }, [
          h('h2', { id: 'k-boards-heading' }, [manage ? t('workshop.boards', { count: w.boards.length }) : this.role === 'participant' ? t('workshop.pick') : t('workshop.viewerHelp')]),
          this.grid,
        ]),
        manage ? this.mergePanel.element : null,
        manage ? h('p', { class: 'k-fineprint' }, [t('workshop.retention', { date: formatDate(w.retentionUntil) })]) : null,
      ]),
    );
    this.boardOptions = '';
    if (manage) this.mergePanel.render();
    this.updateBoards();
    document.title = `${w.title} · ${t('app.name')}`;
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  /** A participant's own personal board, kept on this device since they joined (others are not listed). */
  private myBoardSection(): HTMLElement | null {
    const personal = accessStore.personal(this.workshop.id);
    if (!personal) return null;
    const path = boardPath(personal.boardId);
    return h('section', { class: 'k-card k-my-board', 'aria-labelledby': 'k-my-board-heading' }, [
      h('h2', { id: 'k-my-board-heading' }, [t('workshop.myBoard')]),
      h('p', { class: 'k-muted' }, [t('workshop.myBoardHelp')]),
      h('a', { class: 'k-button k-primary', id: 'k-my-board', href: path, onclick: (e: Event) => { e.preventDefault(); this.navigate(path); } }, [t('workshop.myBoard')]),
    ]);
  }

  private joinSection(): HTMLElement {
    const w = this.workshop;
    const origin = location.origin;
    const tokens = accessStore.tokens(w.id);
    const code = w.joinCode;
    const link = code ? joinLink(origin, code) : null;
    const qr = h('div', { class: 'k-qr', role: 'img', 'aria-label': t('workshop.qr', { link: link ?? '' }) });
    if (link) qr.innerHTML = qrSvg(link);
    qr.querySelector('svg')?.setAttribute('aria-hidden', 'true');
    return h('section', { class: 'k-card k-join-panel', 'aria-labelledby': 'k-join-heading' }, [
      h('h2', { id: 'k-join-heading' }, [t('workshop.joinHeading')]),
      h('div', { class: 'k-join-layout' }, [
        h('div', { class: 'k-join-text' }, [
          code ? h('p', { class: 'k-join-code', id: 'k-join-code-display' }, [code]) : null,
          h('p', {}, [t('workshop.joinHelp', { address: `${location.host}/join` })]),
          code && link ? h('button', { type: 'button', class: 'k-primary', id: 'k-show-code', 'aria-haspopup': 'dialog', onclick: () => this.showCode(code, link) }, [t('workshop.showCode')]) : null,
          link ? copyField(t('workshop.participantLink'), link) : null,
          tokens.viewer ? copyField(t('workshop.viewerLink'), workshopLink(origin, w.id, tokens.viewer)) : null,
          copyField(t('workshop.facilitatorLink'), workshopLink(origin, w.id, this.token), 'k-copy-secret'),
        ]),
        link ? qr : null,
      ]),
    ]);
  }

  /**
   * The code and its QR code, large, for the projector: the page itself also shows the secret
   * facilitator link, which the room should not see.
   */
  private showCode(code: string, link: string): void {
    const qr = h('div', { class: 'k-qr k-qr-large', role: 'img', 'aria-label': t('workshop.qr', { link }) });
    qr.innerHTML = qrSvg(link);
    qr.querySelector('svg')?.setAttribute('aria-hidden', 'true');
    const dialog = h('dialog', { class: 'k-dialog k-code-dialog', id: 'k-code-dialog', 'aria-labelledby': 'k-code-dialog-title' }, [
      h('h2', { id: 'k-code-dialog-title' }, [t('workshop.joinHeading')]),
      h('div', { class: 'k-code-dialog-body' }, [
        h('div', {}, [
          h('p', { class: 'k-join-code k-join-code-large' }, [code]),
          h('p', { class: 'k-code-address' }, [t('workshop.joinHelp', { address: `${location.host}/join` })]),
        ]),
        qr,
      ]),
      h('div', { class: 'k-row k-dialog-buttons' }, [h('button', { type: 'button', id: 'k-code-close', onclick: () => dialog.close() }, [t('action.close')])]),
    ]);
    dialog.addEventListener('close', () => {
      dialog.remove();
      this.root.querySelector<HTMLElement>('#k-show-code')?.focus();
    });
    this.root.append(dialog);
    dialog.showModal();
  }

  private controlSection(): HTMLElement {
    const w = this.workshop;
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
      new VoteControls(w.id, this.token).element,
      h('div', { class: 'k-control-row' }, [
        h('div', { class: 'k-field k-check' }, [atJoin, h('label', { for: 'k-personal-at-join' }, [t('workshopForm.personalAtJoin')])]),
        h('p', { class: 'k-muted k-small-text', id: 'k-personal-at-join-help' }, [t('workshopForm.personalAtJoinHelp')]),
        h('div', { class: 'k-row' }, [h('button', { type: 'button', id: 'k-share-all', onclick: () => void this.shareAll(!this.allShared()) }, [this.allShared() ? t('workshop.unshareAll') : t('workshop.shareAll')])]),
      ]),
      h('div', { class: 'k-row k-wrap' }, [
        h('button', { type: 'button', id: 'k-lock-all', onclick: () => void this.lockAll(!allLocked) }, [allLocked ? t('workshop.unlockAll') : t('workshop.lockAll')]),
        h('a', { class: 'k-button', id: 'k-export-zip', href: workshopZipUrl(w.id, this.token), download: '' }, [t('workshop.export')]),
        h('button', { type: 'button', class: 'k-danger', id: 'k-delete-workshop', onclick: () => void this.deleteWorkshop() }, [t('workshop.delete')]),
      ]),
    ]);
  }

  /** Updates the board cards in place, so focus and images survive a poll. */
  private updateBoards(): void {
    const seen = new Set<string>();
    for (const board of this.workshop.boards) {
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
    const lockAll = this.root.querySelector<HTMLButtonElement>('#k-lock-all');
    if (lockAll) {
      const all = this.workshop.boards.length > 0 && this.workshop.boards.every((b) => b.locked);
      lockAll.textContent = all ? t('workshop.unlockAll') : t('workshop.lockAll');
      lockAll.onclick = () => void this.lockAll(!all);
    }
    const shareAll = this.root.querySelector<HTMLButtonElement>('#k-share-all');
    if (shareAll) {
      const all = this.allShared();
      shareAll.textContent = all ? t('workshop.unshareAll') : t('workshop.shareAll');
      shareAll.disabled = !this.workshop.boards.some((b) => b.owned);
    }
    const atJoin = this.root.querySelector<HTMLInputElement>('#k-personal-at-join');
    if (atJoin && document.activeElement !== atJoin) atJoin.checked = this.workshop.personalBoardsAtJoin;
    this.updateAssignments();
    if (canManage(this.role)) this.mergePanel.updateBoards(this.workshop.boards);
    const heading = this.root.querySelector('#k-boards-heading');
    if (heading && canManage(this.role)) heading.textContent = t('workshop.boards', { count: this.workshop.boards.length });
  }

  /** "Who goes where": a name and a board; a participant joining with that name lands on that board. */
  private assignSection(): HTMLElement {
    const name = h('input', { id: 'k-assign-name', type: 'text', maxlength: 40, autocomplete: 'off', required: true, 'aria-describedby': 'k-assign-help' });
    const board = h('select', { id: 'k-assign-board', required: true });
    const submit = (e: Event) => {
      e.preventDefault();
      const clean = cleanAssignedName(name.value);
      if (!clean) {
        name.focus();
        return;
      }
      void this.assign(clean, board.value || null).then(() => {
        name.value = '';
        name.focus();
      });
    };
    return h('section', { class: 'k-card k-assign', 'aria-labelledby': 'k-assign-heading' }, [
      h('h2', { id: 'k-assign-heading' }, [t('workshop.assignHeading')]),
      h('p', { class: 'k-muted', id: 'k-assign-help' }, [t('workshop.assignHelp')]),
      h('form', { class: 'k-row k-wrap k-assign-form', id: 'k-assign-form', onsubmit: submit }, [
        h('div', { class: 'k-control-row' }, [h('label', { for: 'k-assign-name' }, [t('workshop.assignName')]), name]),
        h('div', { class: 'k-control-row' }, [h('label', { for: 'k-assign-board' }, [t('workshop.assignBoard')]), board]),
        h('button', { type: 'submit', id: 'k-assign-submit' }, [t('workshop.assign')]),
      ]),
      h('ul', { class: 'k-assign-list', id: 'k-assign-list', 'aria-label': t('workshop.assignList') }),
    ]);
  }

  /** Refreshes the board choices (only when the boards changed, so an open select is left alone) and the list. */
  private updateAssignments(): void {
    const select = this.root.querySelector<HTMLSelectElement>('#k-assign-board');
    const list = this.root.querySelector<HTMLElement>('#k-assign-list');
    if (!select || !list) return;
    const boards = this.workshop.boards;
    const options = boards.map((b) => `${b.id}\u0000${b.title}`).join('\u0001');
    if (options !== this.boardOptions) {
      this.boardOptions = options;
      const selected = select.value;
      select.replaceChildren(...boards.map((b) => h('option', { value: b.id }, [b.title || t('board.untitled')])));
      if (boards.some((b) => b.id === selected)) select.value = selected;
    }
    const rows = assignmentRows(this.assignments, boards, t('board.untitled'));
    const signature = JSON.stringify(rows);
    if (list.dataset.signature === signature) return;
    list.dataset.signature = signature;
    if (rows.length === 0) {
      list.replaceChildren(h('li', { class: 'k-muted' }, [t('workshop.assignNone')]));
      return;
    }
    list.replaceChildren(...rows.map((row) => h('li', { class: 'k-assign-item', 'data-assigned': row.name }, [
      h('span', {}, [h('strong', {}, [row.name]), ' → ', row.boardTitle]),
      h('button', { type: 'button', class: 'k-small', 'data-unassign': row.name, 'aria-label': t('workshop.assignRemove', { name: row.name }), onclick: () => void this.unassign(row.name) }, [t('workshop.unassign')]),
    ])));
  }

  private async loadAssignments(): Promise<void> {
    try {
      this.assignments = await api.assignments(this.workshop.id, this.token);
      this.updateAssignments();
    } catch {
      // The list stays as it was; assigning still works and reloads it.
    }
  }

  private assign(name: string, boardId: string | null): Promise<void> {
    if (!boardId) return Promise.resolve();
    const title = this.workshop.boards.find((b) => b.id === boardId)?.title || t('board.untitled');
    return this.act(async () => {
      await api.assign(this.workshop.id, this.token, { name, boardId });
      await this.loadAssignments();
      return t('workshop.assigned', { name, board: title });
    });
  }

  private unassign(name: string): Promise<void> {
    return this.act(async () => {
      await api.assign(this.workshop.id, this.token, { name, boardId: null });
      await this.loadAssignments();
      this.root.querySelector<HTMLElement>('#k-assign-name')?.focus();
      return t('workshop.unassigned', { name });
    });
  }

  private card(board: BoardSummary): HTMLElement {
    const manage = canManage(this.role);
    const path = boardPath(board.id);
    const titleId = `k-board-title-${board.id}`;
    const thumb = h('img', { class: 'k-thumb', alt: '', 'data-thumb': board.id, src: this.thumbUrl(board.id), loading: 'lazy', width: 320, height: 200, onerror: (e: Event) => (e.target as HTMLElement).classList.add('k-thumb-missing') });
    return h('li', { class: 'k-board-card', 'data-board': board.id, 'aria-labelledby': titleId }, [
      h('a', { class: 'k-thumb-link', href: path, tabindex: '-1', 'aria-hidden': 'true', onclick: (e: Event) => { e.preventDefault(); this.navigate(path); } }, [thumb]),
      h('h3', { class: 'k-board-title' }, [h('a', { id: titleId, href: path, 'data-open': board.id, onclick: (e: Event) => { e.preventDefault(); this.navigate(path); } }, [''])]),
      h('p', { class: 'k-muted k-small-text k-board-meta' }),
      h('p', { class: 'k-small-text k-board-people', 'data-people': board.id }),
      h('p', { class: 'k-badge k-presented-badge', 'data-presented': board.id, hidden: true }, [t('workshop.presenting')]),
      manage ? h('div', { class: 'k-row k-wrap k-card-actions' }, [
        h('button', { type: 'button', class: 'k-small k-toggle', 'data-lock': board.id, 'aria-describedby': titleId, onclick: () => void this.toggleLock(board.id) }, []),
        h('button', { type: 'button', class: 'k-small', 'data-present': board.id, 'aria-describedby': titleId, onclick: () => this.navigate(path, { present: true }) }, [icon(ICONS.present, 16), t('workshop.present')]),
        h('button', { type: 'button', class: 'k-small', 'data-stop-present': board.id, 'aria-describedby': titleId, hidden: true, onclick: () => void this.stopPresenting() }, [t('present.stop')]),
        board.owned ? h('button', { type: 'button', class: 'k-small k-toggle', 'data-share': board.id, 'aria-describedby': titleId, onclick: () => void this.toggleShared(board.id) }, []) : null,
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
    const presented = this.workshop.presenting === board.id;
    card.classList.toggle('k-presented', presented);
    card.querySelector<HTMLElement>('[data-presented]')!.hidden = !presented;
    const stop = card.querySelector<HTMLElement>('[data-stop-present]');
    if (stop) stop.hidden = !presented;
    card.classList.toggle('k-locked', board.locked);
    const lock = card.querySelector<HTMLButtonElement>('[data-lock]');
    if (lock) {
      lock.setAttribute('aria-pressed', String(board.locked));
      lock.replaceChildren(icon(board.locked ? ICONS.lock : ICONS.unlock, 16), t('board.lock'));
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
    return boardThumbnailUrl(boardId, this.token, { v: String(this.thumbVersion) });
  }

  /** Loads each new thumbnail off screen and swaps it in when ready, so the overview does not flicker. */
  private refreshThumbnails(): void {
    if (document.visibilityState !== 'visible') return;
    this.thumbVersion++;
    this.root.querySelectorAll<HTMLImageElement>('img[data-thumb]').forEach((img) => {
      const next = new Image();
      const url = this.thumbUrl(img.dataset.thumb!);
      next.onload = () => {
        if (img.isConnected) img.src = url;
        img.classList.remove('k-thumb-missing');
      };
      next.src = url;
    });
  }

  private async act(action: () => Promise<string | void>): Promise<void> {
    this.busy = true;
    this.error = '';
    this.setText('#k-workshop-error', '');
    try {
      const message = await action();
      if (message) {
        this.status = message;
        this.setText('#k-workshop-status', message);
      }
    } catch (error) {
      this.error = t('workshop.failed', { message: errorText(error) });
      this.setText('#k-workshop-error', this.error);
    } finally {
      this.busy = false;
    }
    await this.poll();
  }

  private setText(selector: string, text: string): void {
    const el = this.root.querySelector(selector);
    if (el) el.textContent = text;
  }

  private toggleLock(boardId: string): Promise<void> {
    const board = this.workshop.boards.find((b) => b.id === boardId);
    if (!board) return Promise.resolve();
    return this.act(async () => {
      await api.updateBoard(boardId, this.token, { locked: !board.locked });
    });
  }

  /** Every personal board made at join is shared (and there is at least one). */
  private allShared(): boolean {
    const owned = this.workshop.boards.filter((b) => b.owned);
    return owned.length > 0 && owned.every((b) => b.shared);
  }

  private toggleShared(boardId: string): Promise<void> {
    const board = this.workshop.boards.find((b) => b.id === boardId);
    if (!board) return Promise.resolve();
    return this.act(async () => {
      await api.updateBoard(boardId, this.token, { shared: !board.shared });
    });
  }

  private shareAll(shared: boolean): Promise<void> {
    return this.act(async () => {
      await api.sharePersonalBoards(this.workshop.id, this.token, shared);
      return shared ? t('workshop.sharedAll') : t('workshop.unsharedAll');
    });
  }

  private setPersonalAtJoin(on: boolean): Promise<void> {
    return this.act(async () => {
      await api.updateWorkshop(this.workshop.id, this.token, { personalBoardsAtJoin: on });
    });
  }

  private lockAll(locked: boolean): Promise<void> {
    return this.act(async () => {
      await api.lockWorkshop(this.workshop.id, this.token, locked);
    });
  }

  private stopPresenting(): Promise<void> {
    return this.act(async () => {
      await api.setPresenting(this.workshop.id, this.token, null);
    });
  }

  private startTimer(minutes: number): Promise<void> {
    if (!Number.isFinite(minutes) || minutes <= 0) return Promise.resolve();
    const endsAt = Date.now() + Math.round(minutes * 60_000);
    return this.act(async () => {
      await api.setTimer(this.workshop.id, this.token, endsAt);
      this.timerEndsAt = endsAt;
      this.updateTimerStatus();
    });
  }

  private stopTimer(): Promise<void> {
    return this.act(async () => {
      await api.setTimer(this.workshop.id, this.token, null);
      this.timerEndsAt = null;
      this.updateTimerStatus();
    });
  }

  /** "Ends at 14:05 · 4:32 left", ticking every second; "Time is up" once it has run out. */
  private timerText(): string {
    const endsAt = this.timerEndsAt;
    if (endsAt === null) return '';
    const left = endsAt - Date.now();
    if (left <= 0) return t('timer.done');
    return t('workshop.timerRunning', { time: formatClock(endsAt), left: formatRemaining(left) });
  }

  private updateTimerStatus(): void {
    const el = this.root.querySelector<HTMLElement>('#k-timer-status');
    if (!el) return;
    const text = this.timerText();
    if (el.textContent !== text) el.textContent = text;
    el.classList.toggle('k-timer-done', this.timerEndsAt !== null && this.timerEndsAt <= Date.now());
  }

  private snapshotAll(rawName: string): Promise<void> {
    const name = rawName.trim();
    if (!name) return Promise.resolve();
    return this.act(async () => {
      const taken = await api.snapshotWorkshop(this.workshop.id, this.token, name);
      return t('workshop.snapshotted', { name, count: taken.length });
    });
  }

  private async deleteWorkshop(): Promise<void> {
    const w = this.workshop;
    if (!(await confirmDialog(t('workshop.deleteConfirm', { title: w.title }), t('workshop.delete'), true))) return;
    try {
      await api.deleteWorkshop(w.id, this.token);
      accessStore.forgetWorkshop(w.id);
      this.navigate('/');
    } catch (error) {
      this.error = t('workshop.failed', { message: errorText(error) });
      this.setText('#k-workshop-error', this.error);
    }
  }
}
