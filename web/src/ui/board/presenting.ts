// Presenting a board to the workshop and following a presenter's view: the follow bar and the view it applies.
import { t } from '../../i18n';
import { api } from '../../api/client';
import { canManage } from '../../access/roles';
import { boardPath } from '../../access/links';
import { accessStore } from '../../access/store';
import type { PresentedView } from '../../model/presence';
import { h } from '../dom';
import type { BoardPage } from './page';

/** Session storage: the presented board a viewer chose not to follow. */
const DECLINED_PRESENTATION_KEY = 'kartta.declinedPresentation';

export class Presentation {
  presenting = false;
  /** Whether the workshop has shown this board as presented since presenting began. */
  private presentingConfirmed = false;
  /** The presenter being followed (their awareness client id), or null. */
  following: number | null = null;
  /** A viewer follows a presenter by default, until they choose not to. */
  private declinedFollow = false;
  /** Titles of boards presented elsewhere in the workshop, looked up once each. */
  private readonly presentedTitles = new Map<string, string>();
  private lastApplied: { zoom: number; tx: number; ty: number } | null = null;
  private readonly cleanups: (() => void)[] = [];

  constructor(private readonly page: BoardPage) {
    const pageHidden = () => { if (this.presenting) this.announcePresenting(false, true); };
    window.addEventListener('pagehide', pageHidden);
    this.cleanups.push(() => window.removeEventListener('pagehide', pageHidden));
  }

  /** Starts presenting when the page was opened to present (by a facilitator, on a live board). */
  start(): void {
    const { ctx, role } = this.page;
    this.presenting = !ctx.snapshot && Boolean(ctx.open.present) && canManage(role);
  }

  /** Announces a presentation the page was opened with, once the chrome exists. */
  announceOpened(): void {
    if (!this.presenting) return;
    this.viewChanged();
    this.announcePresenting(true);
  }

  destroy(): void {
    // Leaving the presented board ends the presentation: nobody should follow a view that is gone.
    if (this.presenting) this.announcePresenting(false, true);
    this.cleanups.forEach((c) => c());
  }

  toggle(): void {
    this.presenting = !this.presenting;
    this.presentingConfirmed = false;
    this.page.root.querySelector('#k-present')?.setAttribute('aria-pressed', String(this.presenting));
    if (this.presenting) this.viewChanged();
    else this.page.presence.set({ present: null });
    this.announcePresenting(this.presenting);
    this.update();
  }

  /** A workshop board presented (or no longer) to everyone in the workshop, on every board of it. */
  private announcePresenting(on: boolean, leavingPage = false): void {
    const { ctx, role, boardId } = this.page;
    const board = ctx.access.board;
    if (ctx.access.workshopKind === 'quick' || !canManage(role)) return;
    api.setPresenting(board.workshopId, ctx.token, on ? boardId : null, leavingPage).catch(() => {
      if (!leavingPage) this.page.showNotice(t('present.failed'), true);
    });
  }

  /** Presenting stopped from elsewhere (the overview, or another board presented): stop here too. */
  followWorkshopPresenting(): void {
    if (!this.presenting) return;
    const presented = this.page.model.meta.presenting;
    if (presented === this.page.boardId) this.presentingConfirmed = true;
    else if (this.presentingConfirmed) {
      this.presenting = false;
      this.presentingConfirmed = false;
      this.page.root.querySelector('#k-present')?.setAttribute('aria-pressed', 'false');
      this.page.presence.set({ present: null });
    }
  }

  /** The board another one of the workshop presents, when it is not this one. */
  private presentedElsewhere(): string | null {
    const { model, boardId, ctx } = this.page;
    const presented = model.meta.presenting;
    return presented && presented !== boardId && !ctx.snapshot && ctx.access.workshopKind !== 'quick' ? presented : null;
  }

  private presentedTitle(boardId: string): string | null {
    if (!this.presentedTitles.has(boardId)) {
      this.presentedTitles.set(boardId, '');
      // On one's own personal board the token is its capability, which opens no other board.
      const ctx = this.page.ctx;
      const token = accessStore.best(ctx.access.board.workshopId)?.token ?? ctx.token;
      api.board(boardId, token).then((access) => {
        this.presentedTitles.set(boardId, access.board.title || t('board.untitled'));
        this.update();
      }).catch(() => {});
    }
    return this.presentedTitles.get(boardId) || null;
  }

  private goToPresented(boardId: string): void {
    // The presented board is of this workshop, though this device may never have listed it (an
    // unshared personal board is listed to others only while it is presented).
    accessStore.mapBoard(boardId, this.page.ctx.access.board.workshopId);
    this.page.navigate(boardPath(boardId), { follow: true });
  }

  viewChanged(): void {
    const { viewport, presence } = this.page;
    if (this.presenting) {
      const c = viewport.center();
      presence.set({ present: { x: Math.round(c.x), y: Math.round(c.y), zoom: Math.round(viewport.zoom * 1000) / 1000 } });
    }
    // Panning or zooming by hand while following stops following.
    if (this.following !== null && this.lastApplied) {
      const v = viewport;
      const a = this.lastApplied;
      if (Math.abs(v.zoom - a.zoom) > 1e-6 || Math.abs(v.tx - a.tx) > 0.5 || Math.abs(v.ty - a.ty) > 0.5) this.stopFollowing(true);
    }
  }

  private presenter(): { clientId: number; name: string; view: PresentedView } | null {
    const peer = this.page.presence.peers().find((p) => p.present);
    return peer && peer.present ? { clientId: peer.clientId, name: peer.user.name, view: peer.present } : null;
  }

  /** The follow bar (`#k-follow`): presenting, following, an offer to follow, or the board presented elsewhere. */
  update(): void {
    const { root, ctx, role } = this.page;
    const bar = root.querySelector<HTMLElement>('#k-follow');
    if (!bar) return;
    const presenter = ctx.snapshot ? null : this.presenter();
    if (!presenter && this.following !== null) this.following = null;
    const followsByDefault = role === 'viewer' || Boolean(ctx.open.follow);
    if (presenter && this.following === null && followsByDefault && !this.declinedFollow) this.following = presenter.clientId;
    if (presenter && this.following !== null) this.applyView(presenter.view);
    let content: (Node | string)[] = [];
    if (this.presenting) content = [t('present.on'), h('button', { type: 'button', class: 'k-small', id: 'k-present-stop', onclick: () => this.toggle() }, [t('present.stop')])];
    else if (presenter && this.following !== null) content = [t('follow.following', { name: presenter.name }), h('button', { type: 'button', class: 'k-small', id: 'k-follow-stop', onclick: () => this.stopFollowing(true) }, [t('follow.stop')])];
    else if (presenter) content = [t('follow.offer', { name: presenter.name }), h('button', { type: 'button', class: 'k-small k-primary', id: 'k-follow-start', onclick: () => this.startFollowing() }, [t('follow.start')])];
    else {
      const elsewhere = this.presentedElsewhere();
      if (elsewhere && role === 'viewer' && sessionStorage.getItem(DECLINED_PRESENTATION_KEY) !== elsewhere) {
        // A projector or an observer goes where the facilitator presents.
        this.goToPresented(elsewhere);
        return;
      }
      if (elsewhere) {
        const title = this.presentedTitle(elsewhere);
        content = [
          title ? t('present.elsewhere', { title }) : t('present.elsewhereUntitled'),
          h('button', { type: 'button', class: 'k-small k-primary', id: 'k-presented-go', 'data-board': elsewhere, onclick: () => this.goToPresented(elsewhere) }, [t('present.go')]),
        ];
      }
    }
    const signature = content.map((c) => (typeof c === 'string' ? c : (c as HTMLElement).id)).join('|');
    if (bar.dataset.shown === signature) return;
    bar.dataset.shown = signature;
    bar.hidden = content.length === 0;
    bar.replaceChildren(...content.map((c) => (typeof c === 'string' ? h('span', {}, [c]) : c)));
  }

  private startFollowing(): void {
    const presenter = this.presenter();
    if (!presenter) return;
    this.following = presenter.clientId;
    this.declinedFollow = false;
    this.applyView(presenter.view);
    this.update();
    this.page.root.querySelector<HTMLElement>('#k-follow-stop')?.focus();
  }

  private stopFollowing(byUser: boolean): void {
    this.following = null;
    this.lastApplied = null;
    if (byUser) {
      this.declinedFollow = true;
      // A viewer who stopped following is not sent back to this presentation from other boards.
      const presented = this.page.model.meta.presenting;
      if (presented) sessionStorage.setItem(DECLINED_PRESENTATION_KEY, presented);
    }
    this.update();
  }

  private applyView(view: PresentedView): void {
    const v = this.page.viewport;
    this.lastApplied = null;
    v.zoom = Math.min(4, Math.max(0.05, view.zoom));
    v.centerOn(view.x, view.y);
    this.lastApplied = { zoom: v.zoom, tx: v.tx, ty: v.ty };
  }
}
