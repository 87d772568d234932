// Presenting a board to the workshop and following a presenter: renders the state machine of
// `model/presenting.ts` (the follow bar, the present button) and carries out its effects.
import { t } from '../../i18n';
import { api } from '../../api/client';
import { canManage } from '../../access/roles';
import { boardPath, workshopPath } from '../../access/links';
import { accessStore } from '../../access/store';
import type { PresentedView } from '../../model/presence';
import { followBar, initialPresenting, step } from '../../model/presenting';
import type { PresentingEffect, PresentingEvent, PresentingMachine } from '../../model/presenting';
import { h } from '../dom';
import type { BoardPage } from './page';

/** Session storage: the presented board a viewer chose not to follow. */
const DECLINED_PRESENTATION_KEY = 'kartta.declinedPresentation';

interface Presenter { clientId: number; name: string; view: PresentedView }

export class Presentation {
  private machine: PresentingMachine;
  /** Who presents this board now, as awareness last said. */
  private presenterNow: Presenter | null = null;
  /** Titles of boards presented elsewhere in the workshop, looked up once each. */
  private readonly presentedTitles = new Map<string, string>();
  /** The view last applied from the presenter: a view that differs was moved by hand. */
  private lastApplied: { zoom: number; tx: number; ty: number } | null = null;
  private readonly cleanups: (() => void)[] = [];
  /** The page shows the projector's presentation layout, which fits the map to its own screen. */
  projecting: () => boolean = () => false;
  /** The document has shown this board as the presented one since the page opened. */
  private sawPresented = false;

  constructor(private readonly page: BoardPage) {
    this.machine = initialPresenting(page.role === 'viewer' || Boolean(page.ctx.open.follow));
    const pageHidden = () => this.leavePage();
    window.addEventListener('pagehide', pageHidden);
    this.cleanups.push(() => window.removeEventListener('pagehide', pageHidden));
  }

  get presenting(): boolean {
    return this.machine.state.id === 'presenting';
  }

  get following(): boolean {
    return this.machine.state.id === 'following';
  }

  /** Presents at once when the page was opened to present (by a facilitator, on a live board). */
  start(): void {
    const { ctx, role } = this.page;
    if (!ctx.snapshot && ctx.open.present && canManage(role)) this.dispatch({ type: 'present' });
  }

  destroy(): void {
    this.leavePage();
    this.cleanups.forEach((c) => c());
  }

  toggle(): void {
    this.dispatch({ type: this.presenting ? 'stopPresenting' : 'present' });
  }

  /** The document's presented board changed: presenting may have been stopped from elsewhere. */
  workshopChanged(): void {
    const presented = this.page.model.meta.presenting;
    if (presented === this.page.boardId) this.sawPresented = true;
    // The projector goes back to the workshop's waiting screen when the presentation ends (another
    // board presented is handled by the follow bar, which sends it there).
    if (this.projecting() && this.sawPresented && presented === null) {
      this.page.navigate(workshopPath(this.page.ctx.access.board.workshopId));
      return;
    }
    this.dispatch({ type: 'workshopPresents', boardId: presented, thisBoard: this.page.boardId });
  }

  /** Awareness changed: someone may have started, moved or stopped presenting. */
  update(): void {
    const presenter = this.page.ctx.snapshot ? null : this.presenter();
    this.presenterNow = presenter;
    this.dispatch({ type: 'presenter', clientId: presenter?.clientId ?? null });
  }

  viewChanged(): void {
    const viewport = this.page.viewport;
    if (this.presenting) this.shareView();
    // Panning or zooming by hand while following stops following. The projector refits itself, which is not by hand.
    const a = this.lastApplied;
    if (!this.projecting() && this.following && a && (Math.abs(viewport.zoom - a.zoom) > 1e-6 || Math.abs(viewport.tx - a.tx) > 0.5 || Math.abs(viewport.ty - a.ty) > 0.5)) {
      this.dispatch({ type: 'unfollow' });
    }
  }

  private dispatch(event: PresentingEvent): void {
    const next = step(this.machine, event);
    this.machine = next.machine;
    for (const effect of next.effects) this.perform(effect);
    this.render();
  }

  private perform(effect: PresentingEffect): void {
    const { presence, model } = this.page;
    switch (effect) {
      case 'shareView': return this.shareView();
      case 'clearView': return presence.set({ present: null });
      case 'announceStart': return this.announce(true, false);
      case 'announceStop': return this.announce(false, false);
      case 'applyPresenterView':
        // The projector shows the whole map at its own size, not the presenter's laptop view.
        if (this.presenterNow && !this.projecting()) this.applyView(this.presenterNow.view);
        return;
      case 'rememberDeclined': {
        this.lastApplied = null;
        // A viewer who stopped following is not sent back to this presentation from other boards.
        const presented = model.meta.presenting;
        if (presented) sessionStorage.setItem(DECLINED_PRESENTATION_KEY, presented);
        return;
      }
    }
  }

  /** Leaving the presented board ends the presentation: nobody should follow a view that is gone. */
  private leavePage(): void {
    if (this.presenting) this.announce(false, true);
  }

  private shareView(): void {
    const { viewport, presence } = this.page;
    const c = viewport.center();
    presence.set({ present: { x: Math.round(c.x), y: Math.round(c.y), zoom: Math.round(viewport.zoom * 1000) / 1000 } });
  }

  /** A workshop board presented (or no longer) to everyone in the workshop, on every board of it. */
  private announce(on: boolean, leavingPage: boolean): void {
    const { ctx, role, boardId } = this.page;
    if (ctx.access.workshopKind === 'quick' || !canManage(role)) return;
    api.setPresenting(ctx.access.board.workshopId, ctx.token, on ? boardId : null, leavingPage).catch(() => {
      if (!leavingPage) this.page.showNotice(t('present.failed'), true);
    });
  }

  private presenter(): Presenter | null {
    const peer = this.page.presence.peers().find((p) => p.present);
    return peer && peer.present ? { clientId: peer.clientId, name: peer.user.name, view: peer.present } : null;
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
        this.render();
      }).catch(() => {});
    }
    return this.presentedTitles.get(boardId) || null;
  }

  private goToPresented(boardId: string): void {
    // The presented board is of this workshop, though this device may never have listed it (an
    // unshared personal board is listed to others only while it is presented).
    accessStore.mapBoard(boardId, this.page.ctx.access.board.workshopId);
    this.page.navigate(boardPath(boardId), { follow: true, projector: this.projecting() });
  }

  /** The present button's state and the follow bar (`#k-follow`). */
  private render(): void {
    const root = this.page.root;
    root.querySelector('#k-present')?.setAttribute('aria-pressed', String(this.presenting));
    const bar = root.querySelector<HTMLElement>('#k-follow');
    if (!bar) return;
    const elsewhere = this.presentedElsewhere();
    const shown = followBar(this.machine, elsewhere === null ? null : {
      boardId: elsewhere, viewer: this.page.role === 'viewer', declined: sessionStorage.getItem(DECLINED_PRESENTATION_KEY) === elsewhere,
    });
    const name = this.presenterNow?.name ?? '';
    let content: (Node | string)[] = [];
    switch (shown.kind) {
      case 'presenting':
        content = [t('present.on'), h('button', { type: 'button', class: 'k-small', id: 'k-present-stop', onclick: () => this.toggle() }, [t('present.stop')])];
        break;
      case 'following':
        content = [t('follow.following', { name }), h('button', { type: 'button', class: 'k-small', id: 'k-follow-stop', onclick: () => this.dispatch({ type: 'unfollow' }) }, [t('follow.stop')])];
        break;
      case 'offer':
        content = [t('follow.offer', { name }), h('button', { type: 'button', class: 'k-small k-primary', id: 'k-follow-start', onclick: () => this.startFollowing() }, [t('follow.start')])];
        break;
      case 'goToPresented':
        // A projector or an observer goes where the facilitator presents.
        this.goToPresented(shown.boardId);
        return;
      case 'elsewhere': {
        const title = this.presentedTitle(shown.boardId);
        content = [
          title ? t('present.elsewhere', { title }) : t('present.elsewhereUntitled'),
          h('button', { type: 'button', class: 'k-small k-primary', id: 'k-presented-go', 'data-board': shown.boardId, onclick: () => this.goToPresented(shown.boardId) }, [t('present.go')]),
        ];
        break;
      }
      case 'none':
        break;
    }
    const signature = content.map((c) => (typeof c === 'string' ? c : (c as HTMLElement).id)).join('|');
    if (bar.dataset.shown === signature) return;
    bar.dataset.shown = signature;
    bar.hidden = content.length === 0;
    bar.replaceChildren(...content.map((c) => (typeof c === 'string' ? h('span', {}, [c]) : c)));
  }

  private startFollowing(): void {
    this.dispatch({ type: 'follow' });
    this.page.root.querySelector<HTMLElement>('#k-follow-stop')?.focus();
  }

  private applyView(view: PresentedView): void {
    const v = this.page.viewport;
    this.lastApplied = null;
    v.zoom = Math.min(4, Math.max(0.05, view.zoom));
    v.centerOn(view.x, view.y);
    this.lastApplied = { zoom: v.zoom, tx: v.tx, ty: v.ty };
  }
}
