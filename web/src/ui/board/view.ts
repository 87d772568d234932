// The board page: the Y.Doc, model, editor, renderer and canvas wired together, with the page's parts
// (connection, header, banner, presenting, side panels) and one animation frame that redraws them.
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import { BoardModel } from '../../model/board';
import { Presence } from '../../model/presence';
import { NO_INSETS, Viewport, clamp, type Insets } from '../../render/viewport';
import { SceneRenderer } from '../../render/scene';
import { Editor, READ_ONLY_TOOLS } from '../../tools/editor';
import { locale, onLocaleChange, t } from '../../i18n';
import type { Role } from '../../generated/protocol';
import { canEdit } from '../../access/roles';
import { accessStore } from '../../access/store';
import type { LiveFigures } from '../../figures/live';
import { h } from '../dom';
import { attachCanvasInput } from '../input';
import { helpDialog } from '../help';
import { InlineEditor } from '../inline';
import { Toolbar } from '../toolbar';
import { cursorColor } from '../identity';
import { BoardConnection } from './connection';
import { BoardHeader } from './header';
import { BoardBanner } from './banner';
import { Presentation } from './presenting';
import { ProjectorLayout } from './projector';
import { SidePanels } from './side';
import { openShare } from './share';
import { SelectionAnnouncer } from './announcer';
import { BoardNotices, type BoardNotice } from './notices';
import { BoardPanels } from './panels';
import { BoardClipboard } from '../clipboard';
import { FindBar } from '../find';
import { ContextMenu } from '../context-menu';
import type { BoardContext, BoardPage, DirtyPart, Navigate } from './page';

/** Exposed on window for the end-to-end tests and the benchmark (read-only use). */
export interface KarttaDebug { model: BoardModel; editor: Editor; viewport: Viewport; presence: Presence; renderer: SceneRenderer; provider: WebsocketProvider | null; role: Role; figures: LiveFigures }


export class BoardView implements BoardPage {
  private readonly doc = new Y.Doc();
  readonly model = new BoardModel(this.doc);
  readonly viewport = new Viewport();
  private readonly connection: BoardConnection | null;
  readonly presence: Presence;
  readonly boardId: string;
  readonly role: Role;
  readonly editor: Editor;
  readonly renderer: SceneRenderer;
  /** The inspector, outline, figures, vote, snapshots, "since" and support panels, linked to each other. */
  private readonly panels: BoardPanels;
  /** Whether the first sync has arrived; until then the lock comes from what the API said. */
  private synced = false;
  private readOnlyShown: string | null = null;
  private timerInterval: ReturnType<typeof setInterval> | null = null;
  private readonly toolbar: Toolbar;
  private readonly inline: InlineEditor;
  private readonly header: BoardHeader;
  private readonly banner: BoardBanner;
  private readonly presentation: Presentation;
  private readonly projector: ProjectorLayout;
  private readonly side: SidePanels;
  private readonly stage = h('div', { class: 'k-stage' });
  private readonly inlineLayer = h('div', { class: 'k-inline-layer' });
  private readonly announcer: SelectionAnnouncer;
  private frame = 0;
  private dirty: Record<DirtyPart, boolean> = { scene: false, view: false, panels: false, presence: false };
  private readonly cleanups: (() => void)[] = [];
  /** The notice under the banner, kept so that rebuilding the chrome (a language switch, a lock) shows it again. */
  private readonly notices: BoardNotices;
  private fitted = false;
  private contentShown = false;

  constructor(readonly root: HTMLElement, readonly ctx: BoardContext, readonly navigate: Navigate, name: string) {
    const boardId = ctx.boardId;
    this.boardId = boardId;
    this.role = ctx.access.role;
    this.notices = new BoardNotices({
      root, ctx, role: this.role, model: this.model,
      synced: () => this.synced,
      refreshSnapshots: () => void this.panels.snapshots?.refresh(),
    });
    if (ctx.snapshot) {
      // A snapshot is shown from its stored state alone: no connection, nothing can change it.
      Y.applyUpdate(this.doc, ctx.snapshot.state);
      this.model.canWrite = () => false;
      this.connection = null;
      this.synced = true;
    } else {
      this.model.canWrite = () => canEdit(this.role, this.isLocked());
      this.connection = new BoardConnection(root, boardId, this.doc, ctx.token, (synced) => this.syncChanged(synced));
    }
    const provider = this.connection?.provider ?? null;
    // A viewer publishes no awareness state: nobody sees the projector as a person on the board.
    this.presence = new Presence(provider?.awareness ?? new Awareness(this.doc), this.role === 'viewer' ? null : { name, color: cursorColor() });
    this.editor = new Editor(this.model, this.viewport, this.presence);
    this.renderer = new SceneRenderer(this.model, this.editor, this.viewport, () => this.presence.peers(), (k) => t(k));
    this.editor.farNameAt = (x, y) => this.renderer.farNameAt(x, y);
    this.panels = new BoardPanels({
      ctx, boardId, role: this.role, navigate, model: this.model, editor: this.editor, viewport: this.viewport,
      renderer: this.renderer, schedule: (...parts) => this.schedule(...parts),
      exportLinksChanged: () => this.header.updateExportLinks(),
      outlineShown: () => this.side.tab === 'outline',
    });
    this.announcer = new SelectionAnnouncer(this.model, this.editor);
    this.toolbar = new Toolbar(this.editor, this.viewport);
    this.presentation = new Presentation(this);
    this.projector = new ProjectorLayout(this, this.role === 'viewer' && Boolean(ctx.open.projector) && !ctx.snapshot, () => this.layout());
    this.presentation.projecting = () => this.projector.active;
    const { inspector, outline, legend, snapshots } = this.panels;
    this.side = new SidePanels({ root, model: this.model, inspector, outline, legend, snapshots, updatePanels: () => this.updatePanels() });
    this.banner = new BoardBanner(this);
    this.header = new BoardHeader(this, {
      presenting: () => this.presentation.presenting,
      togglePresent: () => this.presentation.toggle(),
      openShare: () => openShare(this, false),
      sideOpen: () => this.side.open,
      toggleSide: () => this.side.toggle(),
      exportParams: () => this.panels.support.exportParams(),
    });
    const canvas = this.renderer.root;
    canvas.setAttribute('tabindex', '0');
    canvas.setAttribute('role', 'application');
    canvas.setAttribute('id', 'k-canvas');
    this.inline = new InlineEditor(this.inlineLayer, this.model, this.viewport, () => canvas.focus({ preventScroll: true }));
    this.editor.host = {
      editActorName: (id, placed) => this.inline.editActorName(id, placed),
      editNote: (id) => this.inline.editNote(id),
      showOutline: () => this.showOutline(),
      openHelp: () => this.openHelp(),
      clipboard: new BoardClipboard(this.editor),
      openFind: () => findBar.show(),
      notify: (text, isError) => this.showNotice(text, isError),
    };
    // Copy and paste, find and the context menu (issue 11, item 14): parts of the stage that survive `layout`.
    const findBar = new FindBar(this.editor, () => canvas.focus({ preventScroll: true }));
    const contextMenu = new ContextMenu(canvas, this.editor, this.stage);
    this.cleanups.push(contextMenu.attach());
    this.stage.append(canvas, this.inlineLayer, this.toolbar.zoomControls, findBar.element, contextMenu.element);

    this.cleanups.push(
      this.model.onChange((change) => {
        this.schedule('scene', 'panels');
        this.projector.refitSoon();
        this.panels.modelChanged();
        if (change.meta) this.metaChanged();
      }),
      this.editor.onChange(() => this.schedule('scene', 'panels')),
      this.viewport.onChange(() => {
        this.schedule('view');
        this.presentation.viewChanged();
      }),
      this.presence.onChange(() => {
        this.schedule('presence');
        this.presentation.update();
      }),
      onLocaleChange(() => {
        this.notices.localeChanged();
        this.layout();
      }),
      attachCanvasInput(canvas, this.editor, () => this.inline.open),
    );
    this.viewport.covered = () => coveredBy(this.toolbar.element, this.stage);
    const resize = new ResizeObserver(() => {
      const rect = this.stage.getBoundingClientRect();
      const first = this.viewport.width === 800 && this.viewport.height === 600;
      this.viewport.setSize(rect.width, rect.height);
      this.header.updatePeople();
      this.header.fit();
      // The opening view depends on the screen's size: before the first sync it shows the empty
      // board's centre, and a sync that came before the first measurement is shown again.
      if (first && !this.presentation.following) this.fit();
      this.projector.refitSoon();
    });
    resize.observe(this.stage);
    this.cleanups.push(() => resize.disconnect());
    // A handle on the board's internals for tests and the console: it is not part of the product,
    // so a production page only has it when a test asked for it before the page loaded.
    const debugWindow = window as unknown as { kartta?: KarttaDebug; karttaDebug?: boolean };
    if (import.meta.env.DEV || debugWindow.karttaDebug === true) {
      debugWindow.kartta = { model: this.model, editor: this.editor, viewport: this.viewport, presence: this.presence, renderer: this.renderer, provider, role: this.role, figures: this.panels.liveFigures };
    }
    this.timerInterval = setInterval(() => this.header.updateTimer(), 1000);
    this.presentation.start();
    this.layout();
    if (ctx.snapshot) {
      this.fitted = true;
      requestAnimationFrame(() => this.fit());
    } else {
      this.remember();
    }
    if (ctx.open.share) requestAnimationFrame(() => openShare(this, true));
    if (ctx.open.notice) {
      this.showNotice(ctx.open.notice, false);
      // Shown once: a reload or going back here later does not repeat it.
      history.replaceState({ ...(history.state ?? {}), notice: undefined }, '');
    }
  }

  readonly destroy = (): void => {
    this.presentation.destroy();
    this.projector.destroy();
    cancelAnimationFrame(this.frame);
    this.panels.destroy();
    this.side.destroy();
    if (this.timerInterval !== null) clearInterval(this.timerInterval);
    this.cleanups.forEach((c) => c());
    this.header.destroy();
    this.root.querySelector<HTMLDialogElement>('#k-share-dialog')?.close();
    this.connection?.destroy();
    this.doc.destroy();
  };

  private syncChanged(synced: boolean): void {
    if (synced && !this.fitted) {
      this.fitted = true;
      // Someone already following a presenter keeps the presenter's view rather than the opening one.
      if (this.projector.active) this.projector.fit();
      else if (!this.presentation.following) this.fit();
      void this.panels.since?.start();
    }
    if (synced) {
      this.synced = true;
      this.metaChanged();
      this.remember();
    }
  }

  private remember(): void {
    const title = this.model.meta.title || this.ctx.access.board.title;
    accessStore.remember({ kind: 'board', id: this.boardId, title, role: this.role });
  }

  isLocked(): boolean {
    return this.model.meta.locked || (!this.synced && this.ctx.access.board.locked);
  }

  canEditNow(): boolean {
    return this.model.canWrite();
  }

  /** The lock or the timer changed (or the first sync arrived): rebuild the chrome when read-only changed. */
  private metaChanged(): void {
    this.notices.restoreChanged();
    const key = this.readOnlyKey();
    if (key !== this.readOnlyShown) {
      if (this.editor.locked && !READ_ONLY_TOOLS.includes(this.editor.tool)) this.editor.setTool('select');
      this.inline.close();
      this.layout();
    }
    this.header.updateTimer();
    this.panels.vote.metaChanged();
    this.presentation.workshopChanged();
    this.presentation.update();
  }

  private readOnlyKey(): string {
    return `${this.canEditNow()}|${this.isLocked()}`;
  }

  /** The first view of the board: its content, readable (the fit button still shows all of it). */
  private fit(): void {
    this.editor.showOpeningView();
  }

  schedule(...parts: DirtyPart[]): void {
    for (const part of parts) this.dirty[part] = true;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  private draw(): void {
    this.frame = 0;
    const d = this.dirty;
    this.dirty = { scene: false, view: false, panels: false, presence: false };
    if (d.scene) {
      this.renderer.render(locale());
      // The benchmark measures load time up to the first frame that shows the board's content.
      if (!this.contentShown && this.model.actors.size > 0) {
        this.contentShown = true;
        performance.mark('kartta:first-content');
      }
    }
    else if (d.presence) this.renderer.renderPresence();
    else if (d.view) this.renderer.renderViewport();
    if (d.panels) {
      this.updatePanels();
      this.announcer.update();
    }
    if (d.presence) this.header.updatePeople();
  }

  private layout(): void {
    // After a language switch the chrome is rebuilt; focus returns to the control that had it.
    const focusedId = document.activeElement?.id;
    this.root.classList.add('k-column');
    document.documentElement.lang = locale();
    this.renderer.root.setAttribute('aria-label', t('board.canvas'));
    const header = this.header.build();
    this.toolbar.build();
    const side = this.side.build();
    this.readOnlyShown = this.readOnlyKey();
    const title = this.model.meta.title || t('board.untitled');
    this.root.classList.toggle('k-projector', this.projector.active);
    if (this.projector.active) {
      // The presentation layout: the map alone; the follow bar stays (hidden) since it moves the
      // projector to the next presented board.
      this.root.replaceChildren(
        this.projector.buildStrip(title),
        h('div', { class: 'k-follow-bar', id: 'k-follow', role: 'status' }),
        h('main', { class: 'k-main k-projector-main', 'aria-label': title }, [h('h1', { class: 'k-sr-only', id: 'k-board-heading' }, [title]), this.stage]),
        this.announcer.element,
      );
      this.presentation.update();
      this.updatePanels();
      this.schedule('scene');
      this.projector.refitSoon();
      return;
    }
    this.root.replaceChildren(
      h('a', { class: 'k-skip', href: '#k-side' }, [t('action.outline')]),
      header,
      this.banner.build(),
      this.panels.since?.element ?? '',
      this.panels.support.element,
      this.banner.buildComparison(),
      h('div', { class: 'k-follow-bar', id: 'k-follow', role: 'status' }),
      h('div', { class: `k-body${this.side.open ? ' k-side-open' : ''}` }, [
        h('main', { class: 'k-main', 'aria-label': title }, [h('h1', { class: 'k-sr-only', id: 'k-board-heading' }, [title]), this.toolbar.element, this.toolbar.palette, this.stage]),
        side,
      ]),
      helpDialog(),
      this.announcer.element,
    );
    this.notices.render();
    this.connection?.render();
    this.header.updatePeople();
    this.presentation.update();
    this.header.updateTimer();
    this.panels.render();
    this.updatePanels();
    this.schedule('scene');
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  private updatePanels(): void {
    this.side.update();
    this.toolbar.update();
    const title = this.root.querySelector<HTMLInputElement>('#k-title');
    if (title && document.activeElement !== title) title.value = this.model.meta.title;
    const template = this.root.querySelector<HTMLSelectElement>('#k-template');
    if (template && template.value !== this.model.meta.template) {
      template.value = this.model.meta.template;
      // Another background has another name: the selector takes its width.
      this.header.fit();
    }
    document.title = `${this.model.meta.title || t('board.untitled')} · ${t('app.name')}`;
    const heading = this.root.querySelector('#k-board-heading');
    if (heading) heading.textContent = this.model.meta.title || t('board.untitled');
  }

  /** The outline, with focus in its new-actor field (the keyboard's way to add actors). */
  private showOutline(): void {
    this.side.showTab('outline');
    this.root.querySelector<HTMLInputElement>('#k-outline-new')?.focus();
  }

  private openHelp(): void {
    this.root.querySelector<HTMLDialogElement>('#k-help')?.showModal();
  }

  showNotice(text: string | (() => string), isError: boolean, extra?: BoardNotice['extra']): void {
    this.notices.show(text, isError, extra);
  }
}

/**
 * What a bar floating over the stage covers of it: a bar standing along the left side (a laptop's
 * tool bar) covers that side, one lying along the bottom (a phone's) the bottom; a hidden one nothing.
 */
function coveredBy(bar: HTMLElement, stage: HTMLElement): Insets {
  const r = bar.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return NO_INSETS;
  const s = stage.getBoundingClientRect();
  if (r.height >= r.width) return { ...NO_INSETS, left: clamp(r.right - s.left, 0, s.width / 2) };
  return { ...NO_INSETS, bottom: clamp(s.bottom - r.top, 0, s.height / 2) };
}
