// The workshop page (/w/{id}) itself: fetches the workshop every few seconds and lays out its parts
// (join panel, controls, who goes where, board cards, comparing and merging) for the role that looks at it.
import type { Role, Workshop } from '../../generated/protocol';
import { t, onLocaleChange } from '../../i18n';
import { api } from '../../api/client';
import { accessStore } from '../../access/store';
import { canManage } from '../../access/roles';
import { boardPath } from '../../access/links';
import { compareAndWallSection } from '../compare-picker';
import { languageSelect } from '../language';
import { MergePanel } from '../merge';
import { errorText, formatDate } from '../common';
import { h, icon, ICONS } from '../dom';
import { AssignPanel } from './assign';
import { BoardCards } from './cards';
import { WorkshopControls } from './controls';
import { joinSection } from './join';
import type { Navigate, WorkshopContext } from './context';

/** How often the overview asks who is on which board, and how often thumbnails are re-rendered. */
const POLL_MS = 3000;
const THUMBNAIL_MS = 5000;

export class WorkshopPage implements WorkshopContext {
  readonly role: Role;
  private readonly cleanups: (() => void)[] = [];
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private thumbTimer: ReturnType<typeof setInterval> | null = null;
  private clockTimer: ReturnType<typeof setInterval> | null = null;
  private status = '';
  private error = '';
  private busy = false;
  /** "Merge maps" (facilitator): keeps its choices and match table across re-renders. */
  private readonly mergePanel: MergePanel;
  private readonly cards: BoardCards;
  private readonly assignPanel: AssignPanel;
  private readonly controls: WorkshopControls;

  constructor(readonly root: HTMLElement, private current: Workshop, readonly token: string, readonly navigate: Navigate) {
    this.role = current.role;
    this.mergePanel = new MergePanel({ workshopId: current.id, token, navigate, merged: () => void this.poll() });
    this.cards = new BoardCards(this);
    this.assignPanel = new AssignPanel(this);
    this.controls = new WorkshopControls(this);
    accessStore.remember({ kind: 'workshop', id: current.id, title: current.title, role: this.role });
    this.render();
    if (this.openPresented()) return;
    if (canManage(this.role)) void this.assignPanel.load();
    // A status or error was written in the language of its moment: cleared rather than left in the old one.
    this.cleanups.push(onLocaleChange(() => {
      this.status = '';
      this.error = '';
      this.render();
    }));
    this.pollTimer = setInterval(() => void this.poll(), POLL_MS);
    this.thumbTimer = setInterval(() => this.cards.refreshThumbnails(), THUMBNAIL_MS);
    this.clockTimer = setInterval(() => this.controls.updateTimerStatus(), 1000);
    const visible = () => {
      if (document.visibilityState === 'visible') {
        void this.poll();
        this.cards.refreshThumbnails();
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

  workshop(): Workshop {
    return this.current;
  }

  async poll(): Promise<void> {
    if (document.visibilityState !== 'visible' || this.busy) return;
    try {
      this.current = await api.workshop(this.current.id, this.token);
      if (this.openPresented()) return;
      this.controls.polled();
      for (const board of this.current.boards) accessStore.mapBoard(board.id, this.current.id);
      this.updateBoards();
    } catch {
      // The next poll tries again; an action's own error is what the user is shown.
    }
  }

  /**
   * A viewer (the projector) opens the presented board by itself, in the presentation layout; it comes
   * back here, to the waiting screen, when the presentation ends. True when it left the page.
   */
  private openPresented(): boolean {
    const presented = this.current.presenting;
    if (this.role !== 'viewer' || !presented) return false;
    accessStore.mapBoard(presented, this.current.id);
    this.navigate(boardPath(presented), { follow: true, projector: true });
    return true;
  }

  async act(action: () => Promise<string | void>): Promise<void> {
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

  showError(text: string): void {
    this.error = text;
    this.setText('#k-workshop-error', text);
  }

  private render(): void {
    const focusedId = document.activeElement?.id;
    this.root.classList.add('k-column');
    const w = this.current;
    const manage = canManage(this.role);
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
        this.role === 'viewer' ? h('section', { class: 'k-projector-waiting', id: 'k-projector-waiting', 'aria-labelledby': 'k-waiting-heading' }, [
          h('h2', { id: 'k-waiting-heading' }, [t('projector.waiting')]),
          h('p', {}, [t('projector.waitingHelp')]),
        ]) : null,
        manage ? null : this.myBoardSection(),
        // The live overview comes first: it is what the facilitator watches all day.
        h('section', { class: 'k-overview', 'aria-labelledby': 'k-boards-heading' }, [
          h('h2', { id: 'k-boards-heading' }, [manage ? t('workshop.boards', { count: w.boards.length }) : this.role === 'participant' ? t('workshop.pick') : t('workshop.viewerHelp')]),
          this.cards.build(),
          manage ? this.addBoardForm() : null,
        ]),
        manage ? h('div', { class: 'k-workshop-top' }, [joinSection(this), this.controls.section()]) : null,
        manage ? this.assignPanel.section() : null,
        manage ? compareAndWallSection(w, this.token, this.navigate) : null,
        manage ? this.mergePanel.element : null,
        manage ? h('p', { class: 'k-fineprint' }, [t('workshop.retention', { date: formatDate(w.retentionUntil) })]) : null,
      ]),
    );
    if (manage) this.mergePanel.render();
    this.updateBoards();
    document.title = `${w.title} · ${t('app.name')}`;
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  /** Adds a group board to the workshop; the name is required (the server says so too). */
  private addBoardForm(): HTMLElement {
    const name = h('input', { id: 'k-add-board-name', type: 'text', maxlength: 200, required: true, autocomplete: 'off' });
    const submit = (e: Event) => {
      e.preventDefault();
      const title = name.value.trim();
      if (!title) {
        name.focus();
        return;
      }
      void this.act(async () => {
        const board = await api.addBoard(this.current.id, this.token, { title });
        accessStore.mapBoard(board.id, this.current.id);
        name.value = '';
        return t('workshop.boardAdded', { title: board.title });
      });
    };
    return h('form', { class: 'k-row k-wrap k-add-board', id: 'k-add-board', onsubmit: submit }, [
      h('div', { class: 'k-control-row' }, [h('label', { for: 'k-add-board-name' }, [t('workshop.addBoardName')]), name]),
      h('button', { type: 'submit', id: 'k-add-board-submit' }, [icon(ICONS.plus, 16), t('workshop.addBoard')]),
    ]);
  }

  /** A participant's own personal board, kept on this device since they joined (others are not listed). */
  private myBoardSection(): HTMLElement | null {
    const personal = accessStore.personal(this.current.id);
    if (!personal) return null;
    const path = boardPath(personal.boardId);
    return h('section', { class: 'k-card k-my-board', 'aria-labelledby': 'k-my-board-heading' }, [
      h('h2', { id: 'k-my-board-heading' }, [t('workshop.myBoard')]),
      h('p', { class: 'k-muted' }, [t('workshop.myBoardHelp')]),
      h('a', { class: 'k-button k-primary', id: 'k-my-board', href: path, onclick: (e: Event) => { e.preventDefault(); this.navigate(path); } }, [t('workshop.myBoard')]),
    ]);
  }

  /** Everything that shows the boards, after a poll or a render. */
  private updateBoards(): void {
    this.cards.update();
    this.controls.update();
    this.assignPanel.update();
    if (canManage(this.role)) this.mergePanel.updateBoards(this.current.boards);
    const heading = this.root.querySelector('#k-boards-heading');
    if (heading && canManage(this.role)) heading.textContent = t('workshop.boards', { count: this.current.boards.length });
  }

  private setText(selector: string, text: string): void {
    const el = this.root.querySelector(selector);
    if (el) el.textContent = text;
  }
}
