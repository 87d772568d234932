// The board view: wires the Y.Doc, the websocket provider, the model, editor, renderer and panels together.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { BoardModel } from '../model/board';
import { Presence } from '../model/presence';
import { Viewport } from '../render/viewport';
import { SceneRenderer } from '../render/scene';
import { Editor } from '../tools/editor';
import { locale, onLocaleChange, t } from '../i18n';
import type { MessageKey } from '../i18n';
import { CLOSE_CODE, TEMPLATE_CODES } from '../generated/protocol';
import type { Template } from '../generated/protocol';
import { h, icon, ICONS } from './dom';
import { attachCanvasInput } from './input';
import { Inspector } from './inspector';
import { Outline } from './outline';
import { FiguresPanel } from './figures';
import { BoardVote } from './vote';
import { LiveFigures } from '../figures/live';
import { Legend } from './legend';
import { helpDialog } from './help';
import { InlineEditor } from './inline';
import { Toolbar } from './toolbar';
import { languageSelect } from './language';
import { cursorColor, displayName, setDisplayName } from './identity';
import { download, exportFilename, sceneSvg, svgToPngBlob } from './export';
import { Awareness } from 'y-protocols/awareness';
import type { BoardAccess, Role, Snapshot } from '../generated/protocol';
import { api, boardExportUrl, csvSheet, EXPORT_FORMATS, snapshotExportUrl, workshopZipUrl } from '../api/client';
import { canEdit, canExport, canFork, canImport, canManage, canRestore, readOnlyReason } from '../access/roles';
import { compareBoards, nothingChanged } from '../model/compare';
import type { BoardChanges } from '../model/compare';
import { boardLink, boardPath, workshopPath, joinLink } from '../access/links';
import { accessStore } from '../access/store';
import { resolveBoard, sharedTokensOf } from '../access/resolve';
import { accessMessage, copyField, errorText, formatDateTime, formatRemaining, messagePage } from './common';
import { EXPORT_LABELS, SnapshotsPanel, confirmRestore, exportDownloadName, forkSnapshot } from './snapshots';
import { SincePanel } from './since';
import { SupportPanel } from './support';
import type { PresentedView } from '../model/presence';
import { READ_ONLY_TOOLS } from '../tools/editor';

type Tab = 'details' | 'outline' | 'legend' | 'snapshots';

/**
 * What the board page was opened with (history state): the creator sees the share links at once, a presenter
 * presents, and whoever came to the presented board from another one follows the presenter's view.
 */
export interface BoardOpenState { share?: boolean; present?: boolean; follow?: boolean; notice?: string }
/** Everything a board view needs to know about who opens it; `snapshot` makes it a read-only view of one. */
interface BoardContext { boardId: string; token: string; access: BoardAccess; snapshot: { id: string; meta: Snapshot | null; state: Uint8Array } | null; open: BoardOpenState }

const OUTLINE_IMMEDIATE_LIMIT = 300;
const OUTLINE_COALESCE_MS = 400;
const TERMINAL_CLOSE_CODES = new Set<number>([CLOSE_CODE.invalidBoard, CLOSE_CODE.boardTooLarge, CLOSE_CODE.accessWithdrawn]);
const CLOSE_MESSAGES: Record<number, MessageKey> = {
  [CLOSE_CODE.boardFull]: 'conn.boardFull',
  [CLOSE_CODE.boardTooLarge]: 'conn.boardTooLarge',
  [CLOSE_CODE.invalidBoard]: 'conn.invalidBoard',
  // A personal board stopped being shared: reconnecting would only be refused.
  [CLOSE_CODE.accessWithdrawn]: 'conn.accessWithdrawn',
  [CLOSE_CODE.tooSlow]: 'conn.slow',
  [CLOSE_CODE.tooManyPending]: 'conn.slow',
  // The server refused an update that relies on content it lacks; y-websocket reconnects and resyncs.
  [CLOSE_CODE.missingDependencies]: 'conn.resync',
};
/** Closes after which the reconnect is routine: shown as "connecting", not as an error. */
const ROUTINE_CLOSE_MESSAGES = new Set<MessageKey>(['conn.resync', 'conn.slow']);
type Connection = 'connecting' | 'connected' | 'disconnected';
/** Session storage: the presented board a viewer chose not to follow. */
const DECLINED_PRESENTATION_KEY = 'kartta.declinedPresentation';
/** People shown as avatars in the header before the rest become "+N". */
const MAX_AVATARS = 5;
const MAX_AVATARS_PHONE = 2;
/** Below this width of the title field, the header's actions drop their labels. */
const MIN_TITLE_PX = 150;

/** Exposed on window for the end-to-end tests and the benchmark (read-only use). */
export interface KarttaDebug { model: BoardModel; editor: Editor; viewport: Viewport; presence: Presence; renderer: SceneRenderer; provider: WebsocketProvider | null; role: Role; figures: LiveFigures }

type Navigate = (path: string, state?: unknown) => void;

/**
 * Opens a board (or, with `snapshotId`, one of its snapshots read-only): asks for a name, finds a
 * token the server accepts (the link's, or one kept on this device), then shows the board.
 */
export function mountBoard(root: HTMLElement, boardId: string, navigate: Navigate, linkToken: string | null, open: BoardOpenState = {}, snapshotId: string | null = null): () => void {
  let destroy: () => void = () => {};
  let cancelled = false;
  const start = async () => {
    const name = displayName();
    if (!name) {
      askName(root, () => void start());
      return;
    }
    messagePage(root, navigate, 'access.loading', '');
    const resolved = await resolveBoard(api, accessStore, boardId, linkToken);
    if (cancelled) return;
    if (!resolved.ok) {
      const { title, text } = accessMessage(resolved.reason, resolved.message);
      messagePage(root, navigate, title, text, resolved.reason === 'network' ? () => void start() : undefined);
      return;
    }
    let snapshot: BoardContext['snapshot'] = null;
    if (snapshotId) {
      try {
        const [state, list] = await Promise.all([api.snapshotState(snapshotId, resolved.token), api.snapshots(boardId, resolved.token).catch(() => [])]);
        snapshot = { id: snapshotId, state, meta: list.find((s) => s.id === snapshotId) ?? null };
      } catch (error) {
        if (!cancelled) messagePage(root, navigate, 'access.notFound', errorText(error));
        return;
      }
      if (cancelled) return;
    }
    destroy = new BoardView(root, { boardId, token: resolved.token, access: resolved.value, snapshot, open }, navigate, name).destroy;
  };
  void start();
  return () => {
    cancelled = true;
    destroy();
  };
}

function askName(root: HTMLElement, done: () => void): void {
  const input = h('input', { id: 'k-ask-name', type: 'text', autocomplete: 'nickname', maxlength: 40, required: true });
  const form = h('form', { method: 'dialog', class: 'k-name-form' }, [
    h('h1', { id: 'k-ask-title' }, [t('name.title')]),
    h('p', {}, [t('name.help')]),
    h('label', { for: 'k-ask-name' }, [t('field.name')]),
    input,
    h('button', { type: 'submit', class: 'k-primary' }, [t('name.continue')]),
  ]);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!input.value.trim()) return;
    setDisplayName(input.value);
    done();
  });
  root.replaceChildren(h('main', { class: 'k-landing' }, [h('div', { class: 'k-card' }, [form])]));
  input.focus();
}

class BoardView {
  private readonly doc = new Y.Doc();
  private readonly model = new BoardModel(this.doc);
  private readonly viewport = new Viewport();
  private readonly provider: WebsocketProvider | null;
  private readonly presence: Presence;
  private readonly boardId: string;
  private readonly role: Role;
  private readonly snapshots: SnapshotsPanel | null;
  /** "What changed since last time", on a live board for everyone but viewers (a projector follows the presenter). */
  private readonly since: SincePanel | null;
  /** On a merged board: the "at least k of n maps" slider and each element's sources. */
  private readonly support: SupportPanel;
  /** Whether the first sync has arrived; until then the lock comes from what the API said. */
  private synced = false;
  private readOnlyShown: string | null = null;
  private presenting = false;
  /** Whether the workshop has shown this board as presented since presenting began. */
  private presentingConfirmed = false;
  /** The presenter being followed (their awareness client id), or null. */
  private following: number | null = null;
  /** A viewer follows a presenter by default, until they choose not to. */
  private declinedFollow = false;
  /** Titles of boards presented elsewhere in the workshop, looked up once each. */
  private readonly presentedTitles = new Map<string, string>();
  /** On a snapshot's page: what changed on the board since, while that comparison is shown. */
  private comparison: BoardChanges | null = null;
  private lastApplied: { zoom: number; tx: number; ty: number } | null = null;
  private timerInterval: ReturnType<typeof setInterval> | null = null;
  private readonly editor: Editor;
  private readonly renderer: SceneRenderer;
  private readonly inspector: Inspector;
  private readonly outline: Outline;
  /** Network figures, off until someone turns them on (numbers shown while drawing steer the drawing). */
  private readonly liveFigures: LiveFigures;
  private readonly figuresPanel: FiguresPanel;
  /** The workshop's dot vote on this board; a snapshot shows only the totals it kept. */
  private readonly vote: BoardVote;
  private readonly legend: Legend;
  private readonly toolbar: Toolbar;
  private readonly inline: InlineEditor;
  private readonly stage = h('div', { class: 'k-stage' });
  private readonly inlineLayer = h('div', { class: 'k-inline-layer' });
  /** Tells screen-reader users what the canvas selection is when it changes (e.g. stepping with [ and ]). */
  private readonly announcer = h('p', { class: 'k-sr-only', role: 'status', id: 'k-announce' });
  private announced = '';
  private outlineTimer: ReturnType<typeof setTimeout> | null = null;
  private tab: Tab = 'details';
  private sideOpen = window.matchMedia('(min-width: 900px)').matches;
  private connection: Connection = 'connecting';
  /** Why the server closed the last connection, when it said (a close code from the protocol). */
  private closeReason: MessageKey | null = null;
  private frame = 0;
  private dirty = { scene: false, view: false, panels: false, presence: false };
  private readonly cleanups: (() => void)[] = [];
  private fitted = false;
  private contentShown = false;
  private header = h('header', { class: 'k-header' });
  /** Whether the phone's "More" sheet of header actions is open. */
  private moreOpen = false;
  private moreCleanup: () => void = () => {};
  private side = h('aside', { class: 'k-side' });

  constructor(private readonly root: HTMLElement, private readonly ctx: BoardContext, private readonly navigate: Navigate, name: string) {
    const boardId = ctx.boardId;
    this.boardId = boardId;
    this.role = ctx.access.role;
    if (ctx.snapshot) {
      // A snapshot is shown from its stored state alone: no connection, nothing can change it.
      Y.applyUpdate(this.doc, ctx.snapshot.state);
      this.model.canWrite = () => false;
      this.provider = null;
      this.synced = true;
    } else {
      this.model.canWrite = () => canEdit(this.role, this.isLocked());
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
      this.provider = new WebsocketProvider(url, boardId, this.doc, {
        params: { token: ctx.token },
        // Reconnecting cannot help with a bad board id or a board at its size limit; everything else retries.
        shouldReconnect: (event: CloseEvent) => !TERMINAL_CLOSE_CODES.has(event.code),
      });
    }
    this.presence = new Presence(this.provider?.awareness ?? new Awareness(this.doc), { name, color: cursorColor() });
    this.snapshots = ctx.snapshot ? null : new SnapshotsPanel({
      boardId, token: ctx.token, role: this.role, author: () => displayName(),
      canRestore: () => canEdit(this.role, this.isLocked()), navigate, workshopId: ctx.access.board.workshopId,
    });
    this.editor = new Editor(this.model, this.viewport, this.presence);
    this.renderer = new SceneRenderer(this.model, this.editor, this.viewport, () => this.presence.peers(), (k) => t(k));
    this.inspector = new Inspector(this.model, this.editor);
    this.outline = new Outline(this.model, this.editor);
    this.liveFigures = new LiveFigures(this.model, boardId);
    this.figuresPanel = new FiguresPanel(this.model, this.liveFigures, () => this.toggleFigures(), (id) => this.outline.show(id));
    this.outline.figures = this.figuresPanel;
    this.vote = new BoardVote(boardId, ctx.token, ctx.snapshot ? 'viewer' : this.role, this.model, () => this.voteChanged());
    this.outline.vote = this.vote;
    this.inspector.vote = this.vote;
    this.cleanups.push(this.liveFigures.onUpdate(() => this.showFigures()), () => this.liveFigures.stop());
    this.legend = new Legend(this.model, this.editor);
    this.toolbar = new Toolbar(this.editor, this.viewport);
    const canvas = this.renderer.root;
    canvas.setAttribute('tabindex', '0');
    canvas.setAttribute('role', 'application');
    canvas.setAttribute('id', 'k-canvas');
    this.since = ctx.snapshot || this.role === 'viewer' ? null : new SincePanel({
      boardId, token: ctx.token, role: this.role, model: this.model, editor: this.editor, viewport: this.viewport,
      setGhosts: (ghosts) => {
        this.renderer.ghosts = ghosts;
        this.schedule('scene');
      },
      focusCanvas: () => canvas.focus({ preventScroll: true }),
    });
    this.support = new SupportPanel({
      model: this.model, workshopId: ctx.access.board.workshopId, token: ctx.token,
      apply: (hidden) => {
        this.renderer.hideBySupport(hidden);
        this.outline.hidden = hidden;
        this.editor.hiddenIds = hidden;
        // What is no longer shown is no longer selected (a Delete would otherwise reach it unseen).
        const shown = [...this.editor.selection].filter((id) => !hidden.has(id));
        if (shown.length !== this.editor.selection.size) this.editor.select(shown);
        this.updateExportLinks();
        this.schedule('scene', 'panels');
      },
    });
    this.inspector.provenance = (id) => this.support.details(id);
    this.outline.support = (id) => this.support.outlineText(id);
    this.inline = new InlineEditor(this.inlineLayer, this.model, this.viewport, () => canvas.focus({ preventScroll: true }));
    this.editor.host = { editActorName: (id) => this.inline.editActorName(id), editNote: (id) => this.inline.editNote(id) };
    this.stage.append(canvas, this.inlineLayer, this.toolbar.zoomControls);

    this.cleanups.push(
      this.model.onChange((change) => {
        this.schedule('scene', 'panels');
        this.since?.modelChanged();
        this.support.modelChanged();
        if (change.meta) this.metaChanged();
      }),
      this.editor.onChange(() => this.schedule('scene', 'panels')),
      this.viewport.onChange(() => {
        this.schedule('view');
        this.viewChanged();
      }),
      this.presence.onChange(() => {
        this.schedule('presence');
        this.updateFollow();
      }),
      onLocaleChange(() => this.layout()),
      attachCanvasInput(canvas, this.editor, (e) => this.uiKey(e)),
    );
    this.provider?.on('status', ({ status }: { status: Connection }) => {
      this.connection = status;
      if (status === 'connected') this.closeReason = null;
      this.updateConnection();
    });
    // y-websocket reports the close before the status change: the socket is gone either way.
    this.provider?.on('connection-close', (event: CloseEvent | null) => {
      this.connection = 'disconnected';
      this.closeReason = event ? CLOSE_MESSAGES[event.code] ?? null : null;
      this.updateConnection();
    });
    this.provider?.on('sync', (synced: boolean) => {
      if (synced && !this.fitted) {
        this.fitted = true;
        // Someone already following a presenter keeps the presenter's view rather than the whole board.
        if (this.following === null) this.fit();
        void this.since?.start();
      }
      if (synced) {
        this.synced = true;
        this.metaChanged();
        this.remember();
      }
    });
    const resize = new ResizeObserver(() => {
      const rect = this.stage.getBoundingClientRect();
      const first = this.viewport.width === 800 && this.viewport.height === 600 && !this.fitted;
      this.viewport.setSize(rect.width, rect.height);
      this.updatePeople();
      this.fitHeader();
      if (first) this.viewport.fit(null);
    });
    resize.observe(this.stage);
    this.cleanups.push(() => resize.disconnect());
    const pageHidden = () => { if (this.presenting) this.announcePresenting(false, true); };
    window.addEventListener('pagehide', pageHidden);
    this.cleanups.push(() => window.removeEventListener('pagehide', pageHidden));
    // A handle on the board's internals for tests and the console: it is not part of the product,
    // so a production page only has it when a test asked for it before the page loaded.
    const debugWindow = window as unknown as { kartta?: KarttaDebug; karttaDebug?: boolean };
    if (import.meta.env.DEV || debugWindow.karttaDebug === true) {
      debugWindow.kartta = { model: this.model, editor: this.editor, viewport: this.viewport, presence: this.presence, renderer: this.renderer, provider: this.provider, role: this.role, figures: this.liveFigures };
    }
    this.timerInterval = setInterval(() => this.updateTimer(), 1000);
    this.presenting = !ctx.snapshot && Boolean(ctx.open.present) && canManage(this.role);
    this.layout();
    if (ctx.snapshot) {
      this.fitted = true;
      requestAnimationFrame(() => this.fit());
    } else {
      this.remember();
    }
    if (this.presenting) {
      this.viewChanged();
      this.announcePresenting(true);
    }
    if (ctx.open.share) requestAnimationFrame(() => this.openShare(true));
    if (ctx.open.notice) {
      this.showNotice(ctx.open.notice, false);
      // Shown once: a reload or going back here later does not repeat it.
      history.replaceState({ ...(history.state ?? {}), notice: undefined }, '');
    }
  }

  readonly destroy = (): void => {
    // Leaving the presented board ends the presentation: nobody should follow a view that is gone.
    if (this.presenting) this.announcePresenting(false, true);
    cancelAnimationFrame(this.frame);
    this.since?.destroy();
    if (this.outlineTimer !== null) clearTimeout(this.outlineTimer);
    if (this.timerInterval !== null) clearInterval(this.timerInterval);
    this.cleanups.forEach((c) => c());
    this.moreCleanup();
    this.root.querySelector<HTMLDialogElement>('#k-share-dialog')?.close();
    this.provider?.destroy();
    this.doc.destroy();
  };

  private remember(): void {
    const title = this.model.meta.title || this.ctx.access.board.title;
    accessStore.remember({ kind: 'board', id: this.boardId, title, role: this.role });
  }

  private isLocked(): boolean {
    return this.model.meta.locked || (!this.synced && this.ctx.access.board.locked);
  }

  private canEditNow(): boolean {
    return this.model.canWrite();
  }

  /** The lock or the timer changed (or the first sync arrived): rebuild the chrome when read-only changed. */
  private metaChanged(): void {
    const key = this.readOnlyKey();
    if (key !== this.readOnlyShown) {
      if (this.editor.locked && !READ_ONLY_TOOLS.includes(this.editor.tool)) this.editor.setTool('select');
      this.inline.close();
      this.layout();
    }
    this.updateTimer();
    this.vote.metaChanged();
    this.followWorkshopPresenting();
    this.updateFollow();
  }

  /** Presenting stopped from elsewhere (the overview, or another board presented): stop here too. */
  private followWorkshopPresenting(): void {
    if (!this.presenting) return;
    const presented = this.model.meta.presenting;
    if (presented === this.boardId) this.presentingConfirmed = true;
    else if (this.presentingConfirmed) {
      this.presenting = false;
      this.presentingConfirmed = false;
      this.root.querySelector('#k-present')?.setAttribute('aria-pressed', 'false');
      this.presence.set({ present: null });
    }
  }

  private readOnlyKey(): string {
    return `${this.canEditNow()}|${this.isLocked()}`;
  }

  private fit(): void {
    this.editor.zoomToFit();
  }

  private schedule(...parts: (keyof BoardView['dirty'])[]): void {
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
      this.announceSelection();
    }
    if (d.presence) this.updatePeople();
  }

  // ---- chrome -----------------------------------------------------------------------------

  private layout(): void {
    // After a language switch the chrome is rebuilt; focus returns to the control that had it.
    const focusedId = document.activeElement?.id;
    this.root.classList.add('k-column');
    document.documentElement.lang = locale();
    this.renderer.root.setAttribute('aria-label', t('board.canvas'));
    this.closeMore(false);
    this.header = this.buildHeader();
    this.toolbar.build();
    this.side = this.buildSide();
    this.readOnlyShown = this.readOnlyKey();
    this.root.replaceChildren(
      h('a', { class: 'k-skip', href: '#k-side' }, [t('action.outline')]),
      this.header,
      this.buildBanner(),
      this.since?.element ?? '',
      this.support.element,
      this.buildComparison(),
      h('div', { class: 'k-follow-bar', id: 'k-follow', role: 'status' }),
      h('div', { class: `k-body${this.sideOpen ? ' k-side-open' : ''}` }, [
        h('main', { class: 'k-main', 'aria-label': this.model.meta.title || t('board.untitled') }, [h('h1', { class: 'k-sr-only', id: 'k-board-heading' }, [this.model.meta.title || t('board.untitled')]), this.toolbar.element, this.toolbar.palette, this.stage]),
        this.side,
      ]),
      helpDialog(),
      this.announcer,
    );
    this.updateConnection();
    this.updatePeople();
    this.updateFollow();
    this.updateTimer();
    this.inspector.update(true);
    this.since?.render();
    this.support.render();
    this.updatePanels();
    this.schedule('scene');
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  private buildHeader(): HTMLElement {
    const editable = this.canEditNow();
    const snapshot = this.ctx.snapshot;
    const title = h('input', { id: 'k-title', class: 'k-title', type: 'text', value: this.model.meta.title, placeholder: t('board.untitled'), 'aria-label': t('board.titleLabel'), maxlength: 120, readonly: !editable });
    title.addEventListener('change', () => {
      const value = title.value.trim();
      this.model.setMeta({ title: value });
      // The facilitator's rename also reaches the workshop overview's list.
      if (canManage(this.role)) api.updateBoard(this.boardId, this.ctx.token, { title: value }).catch(() => {});
    });
    const template = h('select', { id: 'k-template', 'aria-label': t('board.template'), disabled: !editable },
      TEMPLATE_CODES.map((c) => h('option', { value: c }, [t(`template.${c}`)])));
    template.value = this.model.meta.template;
    template.addEventListener('change', () => {
      this.model.setMeta({ template: template.value as Template });
      this.editor.zoomToFit();
    });
    const workshop = this.ctx.access.workshopKind === 'workshop' && !snapshot
      ? h('a', { class: 'k-button k-ghost', id: 'k-workshop-link', href: workshopPath(this.ctx.access.board.workshopId), 'aria-label': t('board.workshop'), title: t('board.workshop'), onclick: (e: Event) => { e.preventDefault(); this.navigate(workshopPath(this.ctx.access.board.workshopId)); } }, [icon(ICONS.workshop, 18), h('span', { class: 'k-hide-narrow' }, [t('board.workshop')])])
      : null;
    const lock = canManage(this.role) && !snapshot
      ? h('button', { type: 'button', class: 'k-ghost k-toggle', id: 'k-lock', 'aria-label': t('board.lock'), title: t('board.lock'), 'aria-pressed': String(this.isLocked()), onclick: () => void this.toggleLock() }, [icon(this.isLocked() ? ICONS.lock : ICONS.unlock, 18), h('span', { class: 'k-hide-narrow' }, [t('board.lock')])])
      : null;
    const present = canManage(this.role) && !snapshot
      ? h('button', { type: 'button', class: 'k-ghost k-toggle', id: 'k-present', 'aria-label': t('present.start'), title: t('present.start'), 'aria-pressed': String(this.presenting), onclick: () => this.togglePresent() }, [icon(ICONS.present, 18), h('span', { class: 'k-hide-narrow' }, [t('present.start')])])
      : null;
    const share = snapshot ? null : h('button', { type: 'button', class: 'k-ghost', id: 'k-share', 'aria-label': t('share.button'), title: t('share.button'), 'aria-haspopup': 'dialog', onclick: () => this.openShare(false) }, [icon(ICONS.link, 18), h('span', { class: 'k-hide-narrow' }, [t('share.button')])]);
    // The board's actions: in the header on wide screens (labels dropping to icons as it narrows),
    // behind a "More" button on phones, as one list (the same elements, so ids and focus stay put).
    const actions = h('div', { class: 'k-header-actions', id: 'k-header-actions' }, [
      workshop,
      lock,
      present,
      snapshot ? null : template,
      share,
      this.buildExportMenu(),
      languageSelect(),
      h('button', { type: 'button', class: 'k-icon-button', id: 'k-help-button', 'aria-label': t('action.help'), title: `${t('action.help')} (?)`, onclick: () => { this.closeMore(false); this.openHelp(); } }, [icon(ICONS.help), h('span', { class: 'k-more-only' }, [t('action.help')])]),
    ]);
    actions.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.moreOpen && !(e.target as HTMLElement).closest('details[open]')) {
        e.stopPropagation();
        this.closeMore(true);
      }
    });
    actions.addEventListener('click', (e) => {
      // A chosen action closes the sheet; opening the export menu inside it does not.
      const target = e.target as HTMLElement;
      if (target.closest('a, button') && !target.closest('summary')) this.closeMore(false);
    });
    actions.addEventListener('change', () => this.closeMore(false));
    return h('header', { class: 'k-header' }, [
      h('a', { href: '/', class: 'k-home', 'aria-label': t('board.home'), onclick: (e: Event) => { e.preventDefault(); this.navigate('/'); } }, [h('span', { class: 'k-logo', 'aria-hidden': 'true' }), h('span', { class: 'k-wordmark' }, [t('app.name')])]),
      title,
      h('span', { class: 'k-timer', id: 'k-timer', role: 'timer', 'aria-live': 'off', hidden: true }),
      h('div', { class: 'k-spacer' }),
      snapshot ? null : h('span', { class: 'k-conn', id: 'k-conn', role: 'status' }),
      snapshot ? null : h('ul', { class: 'k-people', id: 'k-people', 'aria-label': t('people.title') }),
      actions,
      h('button', { type: 'button', class: 'k-icon-button', id: 'k-more-button', 'aria-label': t('header.more'), title: t('header.more'), 'aria-expanded': 'false', 'aria-controls': 'k-header-actions', onclick: () => (this.moreOpen ? this.closeMore(true) : this.openMore()) }, [icon(ICONS.more)]),
      h('button', { type: 'button', class: 'k-icon-button', id: 'k-panel-button', 'aria-label': t('inspector.title'), 'aria-expanded': String(this.sideOpen), 'aria-controls': 'k-side', onclick: () => this.toggleSide() }, [icon(ICONS.panel)]),
    ]);
  }

  /**
   * The media queries fit English at the usual widths; longer labels (Swedish, Finnish), a long
   * title, a timer or many people can still crowd the header. Then the actions drop their labels
   * (icons and tooltips stay), so the map's title keeps room to be read.
   */
  private fitHeader(): void {
    const header = this.header;
    const title = header.querySelector<HTMLElement>('#k-title');
    if (!header.isConnected || !title) return;
    // First the timer drops its words, then the actions their labels.
    header.classList.remove('k-snug', 'k-compact');
    const crowded = () => header.scrollWidth > header.clientWidth + 1 || title.getBoundingClientRect().width < MIN_TITLE_PX;
    for (const level of ['k-snug', 'k-compact']) {
      if (!crowded()) return;
      header.classList.add(level);
    }
  }

  /** Phones: the header's actions open as a sheet under the header. */
  private openMore(): void {
    this.moreOpen = true;
    this.root.querySelector('#k-header-actions')?.classList.add('k-open');
    this.root.querySelector('#k-more-button')?.setAttribute('aria-expanded', 'true');
    this.root.querySelector<HTMLElement>('#k-header-actions a, #k-header-actions button, #k-header-actions select, #k-header-actions summary')?.focus();
    const outside = (e: PointerEvent) => {
      if (!(e.target as HTMLElement).closest('#k-header-actions, #k-more-button')) this.closeMore(false);
    };
    document.addEventListener('pointerdown', outside, true);
    this.moreCleanup = () => document.removeEventListener('pointerdown', outside, true);
  }

  private closeMore(returnFocus: boolean): void {
    if (!this.moreOpen) return;
    this.moreOpen = false;
    this.moreCleanup();
    this.moreCleanup = () => {};
    this.root.querySelector('#k-header-actions')?.classList.remove('k-open');
    const button = this.root.querySelector<HTMLElement>('#k-more-button');
    button?.setAttribute('aria-expanded', 'false');
    if (returnFocus) button?.focus();
  }

  /** Why the board cannot be changed, or the snapshot being viewed, as a strip under the header. */
  private buildBanner(): HTMLElement {
    const snapshot = this.ctx.snapshot;
    if (snapshot) {
      const meta = snapshot.meta;
      const text = t('snapshots.viewing', { name: meta?.name ?? '', date: meta ? formatDateTime(meta.createdAt) : '' });
      const access = this.ctx.access;
      return h('section', { class: 'k-banner k-banner-snapshot', id: 'k-banner', 'aria-labelledby': 'k-snapshot-label' }, [
        h('span', { role: 'status', id: 'k-snapshot-label' }, [text]),
        h('p', { class: 'k-error', role: 'alert', id: 'k-snapshot-error' }),
        canRestore(this.role, access.board.locked) ? h('button', { type: 'button', class: 'k-small', id: 'k-snapshot-restore', onclick: () => void this.restoreShown() }, [t('snapshots.restoreHere')]) : null,
        canExport(this.role) ? h('button', { type: 'button', class: 'k-small k-toggle', id: 'k-snapshot-compare', 'aria-pressed': String(this.comparison !== null), 'aria-controls': 'k-compare', onclick: () => void this.toggleComparison() }, [t('compare.start')]) : null,
        canFork(this.role) ? h('button', { type: 'button', class: 'k-small', id: 'k-snapshot-fork', onclick: () => void this.snapshotAction(() => forkSnapshot(snapshot.id, this.ctx.token, this.navigate)) }, [t('snapshots.fork')]) : null,
        h('a', { class: 'k-button k-small', href: boardPath(this.boardId), id: 'k-snapshot-back', onclick: (e: Event) => { e.preventDefault(); this.navigate(boardPath(this.boardId)); } }, [t('snapshots.back')]),
      ]);
    }
    const why = readOnlyReason(this.role, this.isLocked());
    const key = why === 'viewer' ? 'board.readOnlyViewer' : why === 'locked' ? 'board.readOnlyLocked' : this.isLocked() ? 'board.lockedFacilitator' : null;
    return h('div', { class: `k-banner${why ? ' k-banner-readonly' : ' k-banner-info'}`, id: 'k-banner', role: 'status', hidden: !key }, key ? [t(key)] : []);
  }

  /** What changed on the board since the snapshot being viewed, while the comparison is shown. */
  private buildComparison(): HTMLElement {
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
    if (this.comparison) {
      this.comparison = null;
    } else {
      try {
        const now = await api.boardExport(this.boardId, this.ctx.token);
        const m = this.model;
        this.comparison = compareBoards({ actors: m.actors.values(), relations: m.relations.values(), notes: m.notes.values(), strokes: m.strokes.values() }, now);
      } catch (error) {
        const el = this.root.querySelector('#k-snapshot-error');
        if (el) el.textContent = t('compare.failed', { message: errorText(error) });
        return;
      }
    }
    this.renderer.comparison = this.comparison;
    this.root.querySelector('#k-snapshot-compare')?.setAttribute('aria-pressed', String(this.comparison !== null));
    const section = this.buildComparison();
    this.root.querySelector('#k-compare')?.replaceWith(section);
    this.schedule('scene');
  }

  /** Restores the snapshot being viewed into the live board (after asking), then opens the board. */
  private async restoreShown(): Promise<void> {
    const snapshot = this.ctx.snapshot;
    if (!snapshot) return;
    const name = snapshot.meta?.name ?? '';
    if (!(await confirmRestore(name))) return;
    await this.snapshotAction(async () => {
      const restored = await api.restoreSnapshot(snapshot.id, this.ctx.token);
      this.navigate(boardPath(this.boardId), { notice: t('snapshots.restored', { name, saved: restored.saved.name }) });
    });
  }

  private async snapshotAction(action: () => Promise<void>): Promise<void> {
    const buttons = this.root.querySelectorAll<HTMLButtonElement>('#k-snapshot-restore, #k-snapshot-fork');
    buttons.forEach((b) => (b.disabled = true));
    const error = this.root.querySelector('#k-snapshot-error');
    if (error) error.textContent = '';
    try {
      await action();
    } catch (e) {
      if (error) error.textContent = errorText(e);
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  private buildExportMenu(): HTMLElement {
    const snapshot = this.ctx.snapshot;
    const items: (HTMLElement | null)[] = [
      h('p', { class: 'k-menu-heading' }, [t('export.view')]),
      h('button', { type: 'button', onclick: () => this.export('png') }, [t('action.exportViewPng')]),
      h('button', { type: 'button', onclick: () => this.export('svg') }, [t('action.exportViewSvg')]),
    ];
    if (canExport(this.role)) {
      // A snapshot exports itself (rendered by the server from the stored state), a board its live state.
      const title = snapshot ? snapshot.meta?.name || this.model.meta.title || t('board.untitled') : this.model.meta.title || t('board.untitled');
      items.push(h('p', { class: 'k-menu-heading' }, [t(snapshot ? 'export.snapshot' : 'export.board')]));
      for (const format of EXPORT_FORMATS) {
        const href = snapshot ? snapshotExportUrl(snapshot.id, format, this.ctx.token) : boardExportUrl(this.boardId, format, this.ctx.token, this.support.exportParams());
        items.push(h('a', { href, download: exportDownloadName(title, format), 'data-export': format }, [t(EXPORT_LABELS[format])]));
      }
      if (!snapshot && canManage(this.role) && this.ctx.access.workshopKind === 'workshop') {
        items.push(h('a', { href: workshopZipUrl(this.ctx.access.board.workshopId, this.ctx.token), download: '', 'data-export': 'zip' }, [t('export.zip')]));
      }
    }
    if (!snapshot && canImport(this.role, this.isLocked())) {
      const file = h('input', { type: 'file', id: 'k-import-file', accept: '.json,.csv,application/json,text/csv', class: 'k-sr-only', tabindex: '-1', 'aria-hidden': 'true' });
      file.addEventListener('change', () => {
        const chosen = file.files?.[0];
        if (chosen) void this.importFile(chosen);
        file.value = '';
      });
      items.push(h('span', { class: 'k-menu-sep', 'aria-hidden': 'true' }), h('button', { type: 'button', id: 'k-import', onclick: () => file.click() }, [t('import.button')]), file);
    }
    const menu = h('details', { class: 'k-menu', id: 'k-export-menu' }, [
      h('summary', { 'aria-label': t('action.export'), title: t('action.export') }, [icon(ICONS.download, 18), h('span', { class: 'k-hide-narrow' }, [t('action.export')])]),
      h('div', { class: 'k-menu-items' }, items),
    ]);
    // A chosen download closes the menu, as a button in it does.
    menu.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).closest('a')) menu.removeAttribute('open');
    });
    return menu;
  }

  /** A merged board's exports take what the "k of n" slider shows. */
  private updateExportLinks(): void {
    if (this.ctx.snapshot) return;
    this.root.querySelectorAll<HTMLAnchorElement>('#k-export-menu a[data-export]').forEach((link) => {
      const format = link.dataset.export as (typeof EXPORT_FORMATS)[number];
      if (EXPORT_FORMATS.includes(format)) link.href = boardExportUrl(this.boardId, format, this.ctx.token, this.support.exportParams());
    });
  }

  private async importFile(file: File): Promise<void> {
    this.root.querySelector('#k-export-menu')?.removeAttribute('open');
    const text = await file.text();
    const isJson = /\.json$/i.test(file.name) || file.type === 'application/json' || /^\s*\{/.test(text);
    try {
      const result = isJson ? await api.importJson(this.boardId, this.ctx.token, text) : await api.importCsv(this.boardId, this.ctx.token, csvSheet(text), text);
      this.showNotice(t('import.done', { actors: result.actors, relations: result.relations, notes: result.notes, strokes: result.strokes }), false);
    } catch (error) {
      this.showNotice(t('import.failed', { message: errorText(error) }), true);
    }
  }

  /** A dismissable message under the header (import results and errors). */
  private showNotice(text: string, isError: boolean): void {
    this.root.querySelector('#k-notice')?.remove();
    const notice = h('div', { class: `k-banner ${isError ? 'k-banner-error' : 'k-banner-info'}`, id: 'k-notice', role: isError ? 'alert' : 'status' }, [
      h('span', {}, [text]),
      h('button', { type: 'button', class: 'k-small', onclick: () => notice.remove() }, [t('action.close')]),
    ]);
    this.root.querySelector('#k-banner')?.after(notice);
  }

  private toggleFigures(): void {
    if (this.liveFigures.running) this.liveFigures.stop();
    else this.liveFigures.start();
    this.showFigures();
  }

  /** Dots placed or taken back, or the vote started, revealed or ended: the cards and the panels. */
  private voteChanged(): void {
    this.renderer.showVotes(this.vote.badges());
    this.inspector.update(true);
    this.schedule('scene', 'panels');
  }

  /** New figures (or none): the map and the figures' part of the outline, not the whole outline. */
  private showFigures(): void {
    this.renderer.showFigures(this.liveFigures.running ? this.liveFigures.figures : null);
    this.schedule('scene');
    if (this.tab === 'outline') this.figuresPanel.refresh();
  }

  private async toggleLock(): Promise<void> {
    const locked = !this.isLocked();
    try {
      await api.updateBoard(this.boardId, this.ctx.token, { locked });
    } catch (error) {
      this.showNotice(errorText(error), true);
    }
  }

  // ---- share --------------------------------------------------------------------------------

  private openShare(justCreated: boolean): void {
    this.root.querySelector('#k-share-dialog')?.remove();
    const tokens = accessStore.tokens(this.ctx.access.board.workshopId);
    tokens[this.role] ??= this.ctx.token;
    const origin = location.origin;
    const fields: HTMLElement[] = [];
    if (tokens.participant) fields.push(copyField(t('share.edit'), boardLink(origin, this.boardId, tokens.participant)));
    if (tokens.viewer) fields.push(copyField(t('share.view'), boardLink(origin, this.boardId, tokens.viewer)));
    if (tokens.facilitator) fields.push(copyField(t('share.admin'), boardLink(origin, this.boardId, tokens.facilitator), 'k-copy-secret'));
    const complete = Boolean(tokens.participant && tokens.viewer && tokens.facilitator);
    const dialog = h('dialog', { class: 'k-dialog k-share-dialog', id: 'k-share-dialog', 'aria-labelledby': 'k-share-title' }, [
      h('h2', { id: 'k-share-title' }, [t('share.title')]),
      justCreated ? h('p', {}, [t('share.created')]) : null,
      ...fields,
      complete ? null : h('p', { class: 'k-muted' }, [t('share.unknown')]),
      h('div', { class: 'k-row k-dialog-buttons' }, [h('button', { type: 'button', class: 'k-primary', id: 'k-share-close', onclick: () => dialog.close() }, [t('action.close')])]),
    ]);
    dialog.addEventListener('close', () => {
      dialog.remove();
      this.root.querySelector<HTMLElement>('#k-share')?.focus();
    });
    this.root.append(dialog);
    dialog.showModal();
    if (!justCreated && (this.ctx.access.workshopKind === 'workshop' || (canManage(this.role) && !complete))) {
      // The facilitator gets the other links back from the server; participants get the join code.
      api.workshop(this.ctx.access.board.workshopId, this.ctx.token).then((w) => {
        if (!dialog.isConnected) return;
        const shared = sharedTokensOf(w);
        if (shared && !complete) {
          accessStore.saveToken(w.id, 'participant', shared.participant);
          accessStore.saveToken(w.id, 'viewer', shared.viewer);
          dialog.close();
          this.openShare(false);
          return;
        }
        if (w.joinCode) dialog.querySelector('.k-dialog-buttons')!.before(copyField(t('share.joinCode'), joinLink(origin, w.joinCode)));
      }).catch(() => {});
    }
  }

  // ---- timer, present and follow ----------------------------------------------------------------

  private updateTimer(): void {
    const el = this.root.querySelector<HTMLElement>('#k-timer');
    if (!el) return;
    const endsAt = this.model.meta.timerEndsAt;
    if (endsAt === null || this.ctx.snapshot) {
      if (!el.hidden) {
        el.hidden = true;
        this.fitHeader();
      }
      return;
    }
    const left = endsAt - Date.now();
    const appeared = el.hidden;
    el.hidden = false;
    el.classList.toggle('k-timer-done', left <= 0);
    // Narrow headers show only the clock; the whole sentence stays for screen readers.
    const full = left > 0 ? t('timer.label', { time: formatRemaining(left) }) : t('timer.done');
    const short = left > 0 ? formatRemaining(left) : full;
    if (el.dataset.shown === full) return;
    el.dataset.shown = full;
    el.title = full;
    el.replaceChildren(h('span', { class: 'k-timer-full' }, [full]), h('span', { class: 'k-timer-short', 'aria-hidden': 'true' }, [short]));
    if (appeared) this.fitHeader();
  }

  private togglePresent(): void {
    this.presenting = !this.presenting;
    this.presentingConfirmed = false;
    this.root.querySelector('#k-present')?.setAttribute('aria-pressed', String(this.presenting));
    if (this.presenting) this.viewChanged();
    else this.presence.set({ present: null });
    this.announcePresenting(this.presenting);
    this.updateFollow();
  }

  /** A workshop board presented (or no longer) to everyone in the workshop, on every board of it. */
  private announcePresenting(on: boolean, leavingPage = false): void {
    const board = this.ctx.access.board;
    if (this.ctx.access.workshopKind === 'quick' || !canManage(this.role)) return;
    api.setPresenting(board.workshopId, this.ctx.token, on ? this.boardId : null, leavingPage).catch(() => {
      if (!leavingPage) this.showNotice(t('present.failed'), true);
    });
  }

  /** The board another one of the workshop presents, when it is not this one. */
  private presentedElsewhere(): string | null {
    const presented = this.model.meta.presenting;
    return presented && presented !== this.boardId && !this.ctx.snapshot && this.ctx.access.workshopKind !== 'quick' ? presented : null;
  }

  private presentedTitle(boardId: string): string | null {
    if (!this.presentedTitles.has(boardId)) {
      this.presentedTitles.set(boardId, '');
      // On one's own personal board the token is its capability, which opens no other board.
      const token = accessStore.best(this.ctx.access.board.workshopId)?.token ?? this.ctx.token;
      api.board(boardId, token).then((access) => {
        this.presentedTitles.set(boardId, access.board.title || t('board.untitled'));
        this.updateFollow();
      }).catch(() => {});
    }
    return this.presentedTitles.get(boardId) || null;
  }

  private goToPresented(boardId: string): void {
    // The presented board is of this workshop, though this device may never have listed it (an
    // unshared personal board is listed to others only while it is presented).
    accessStore.mapBoard(boardId, this.ctx.access.board.workshopId);
    this.navigate(boardPath(boardId), { follow: true });
  }

  private viewChanged(): void {
    if (this.presenting) {
      const c = this.viewport.center();
      this.presence.set({ present: { x: Math.round(c.x), y: Math.round(c.y), zoom: Math.round(this.viewport.zoom * 1000) / 1000 } });
    }
    // Panning or zooming by hand while following stops following.
    if (this.following !== null && this.lastApplied) {
      const v = this.viewport;
      const a = this.lastApplied;
      if (Math.abs(v.zoom - a.zoom) > 1e-6 || Math.abs(v.tx - a.tx) > 0.5 || Math.abs(v.ty - a.ty) > 0.5) this.stopFollowing(true);
    }
  }

  private presenter(): { clientId: number; name: string; view: PresentedView } | null {
    const peer = this.presence.peers().find((p) => p.present);
    return peer && peer.present ? { clientId: peer.clientId, name: peer.user.name, view: peer.present } : null;
  }

  private updateFollow(): void {
    const bar = this.root.querySelector<HTMLElement>('#k-follow');
    if (!bar) return;
    const presenter = this.ctx.snapshot ? null : this.presenter();
    if (!presenter && this.following !== null) this.following = null;
    const followsByDefault = this.role === 'viewer' || Boolean(this.ctx.open.follow);
    if (presenter && this.following === null && followsByDefault && !this.declinedFollow) this.following = presenter.clientId;
    if (presenter && this.following !== null) this.applyView(presenter.view);
    let content: (Node | string)[] = [];
    if (this.presenting) content = [t('present.on'), h('button', { type: 'button', class: 'k-small', id: 'k-present-stop', onclick: () => this.togglePresent() }, [t('present.stop')])];
    else if (presenter && this.following !== null) content = [t('follow.following', { name: presenter.name }), h('button', { type: 'button', class: 'k-small', id: 'k-follow-stop', onclick: () => this.stopFollowing(true) }, [t('follow.stop')])];
    else if (presenter) content = [t('follow.offer', { name: presenter.name }), h('button', { type: 'button', class: 'k-small k-primary', id: 'k-follow-start', onclick: () => this.startFollowing() }, [t('follow.start')])];
    else {
      const elsewhere = this.presentedElsewhere();
      if (elsewhere && this.role === 'viewer' && sessionStorage.getItem(DECLINED_PRESENTATION_KEY) !== elsewhere) {
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
    this.updateFollow();
    this.root.querySelector<HTMLElement>('#k-follow-stop')?.focus();
  }

  private stopFollowing(byUser: boolean): void {
    this.following = null;
    this.lastApplied = null;
    if (byUser) {
      this.declinedFollow = true;
      // A viewer who stopped following is not sent back to this presentation from other boards.
      const presented = this.model.meta.presenting;
      if (presented) sessionStorage.setItem(DECLINED_PRESENTATION_KEY, presented);
    }
    this.updateFollow();
  }

  private applyView(view: PresentedView): void {
    const v = this.viewport;
    this.lastApplied = null;
    v.zoom = Math.min(4, Math.max(0.05, view.zoom));
    v.centerOn(view.x, view.y);
    this.lastApplied = { zoom: v.zoom, tx: v.tx, ty: v.ty };
  }

  private buildSide(): HTMLElement {
    const tabs: [Tab, string][] = [['details', t('inspector.title')], ['outline', t('action.outline')], ['legend', t('action.legend')]];
    if (this.snapshots) tabs.push(['snapshots', t('snapshots.title')]);
    const content = this.tab === 'details' ? this.inspector.element : this.tab === 'outline' ? this.outline.element : this.tab === 'snapshots' && this.snapshots ? this.snapshots.element : this.legend.element;
    if (this.tab === 'snapshots') this.snapshots?.render();
    return h('aside', { class: 'k-side', id: 'k-side', 'aria-label': tabs.find((x) => x[0] === this.tab)![1], tabindex: '-1' }, [
      h('div', { class: 'k-tabs', role: 'tablist' }, tabs.map(([id, label]) => h('button', {
        type: 'button', role: 'tab', id: `k-tab-${id}`, 'aria-selected': String(this.tab === id), 'aria-controls': 'k-tabpanel',
        onclick: () => this.showTab(id),
      }, [label]))),
      h('section', { class: 'k-tabpanel', id: 'k-tabpanel', role: 'tabpanel', 'aria-labelledby': `k-tab-${this.tab}` }, [
        h('h2', { class: 'k-sr-only' }, [tabs.find((x) => x[0] === this.tab)![1]]),
        content,
      ]),
    ]);
  }

  showTab(tab: Tab): void {
    this.tab = tab;
    if (!this.sideOpen) this.toggleSide();
    const side = this.buildSide();
    this.side.replaceWith(side);
    this.side = side;
    this.updatePanels();
    if (tab === 'snapshots') void this.snapshots?.refresh();
    (side.querySelector(`#k-tab-${tab}`) as HTMLElement | null)?.focus();
  }

  private toggleSide(): void {
    this.sideOpen = !this.sideOpen;
    this.root.querySelector('.k-body')?.classList.toggle('k-side-open', this.sideOpen);
    this.root.querySelector('#k-panel-button')?.setAttribute('aria-expanded', String(this.sideOpen));
  }

  private updatePanels(): void {
    this.inspector.update();
    if (this.tab === 'outline') this.updateOutline();
    if (this.tab === 'legend') this.legend.update();
    this.toolbar.update();
    const title = this.root.querySelector<HTMLInputElement>('#k-title');
    if (title && document.activeElement !== title) title.value = this.model.meta.title;
    const template = this.root.querySelector<HTMLSelectElement>('#k-template');
    if (template) template.value = this.model.meta.template;
    document.title = `${this.model.meta.title || t('board.untitled')} · ${t('app.name')}`;
    const heading = this.root.querySelector('#k-board-heading');
    if (heading) heading.textContent = this.model.meta.title || t('board.untitled');
  }

  /**
   * The outline is rebuilt from the model; on a large board that is thousands of form controls, so
   * bursts of changes (a busy room, a drag) are coalesced into one rebuild.
   */
  private updateOutline(): void {
    if (this.model.actors.size < OUTLINE_IMMEDIATE_LIMIT) return this.outline.update();
    if (this.outlineTimer !== null) return;
    this.outlineTimer = setTimeout(() => {
      this.outlineTimer = null;
      if (this.tab === 'outline') this.outline.update();
    }, OUTLINE_COALESCE_MS);
  }

  private announceSelection(): void {
    const key = [...this.editor.selection].join(',');
    if (key === this.announced) return;
    this.announced = key;
    const ids = [...this.editor.selection];
    const name = (id: string) => this.model.actors.get(id)?.name || t('outline.unnamed');
    let text = '';
    if (ids.length > 1) text = t('inspector.many', { count: ids.length });
    else if (ids.length === 1) {
      const id = ids[0]!;
      const actor = this.model.actors.get(id);
      const relation = this.model.relations.get(id);
      if (actor) text = t('announce.selected', { name: `${name(id)}, ${t(`actorKind.${actor.kind}`)}` });
      else if (relation) text = t('announce.selected', { name: t('outline.relation', { from: name(relation.from), to: name(relation.to), kind: t(`relationKind.${relation.kind}`) }) });
      else if (this.model.notes.has(id)) text = t('announce.selected', { name: t('inspector.note') });
    }
    this.announcer.textContent = text;
  }

  private updateConnection(): void {
    const el = this.root.querySelector('#k-conn');
    if (!el) return;
    const key = this.connection === 'connected' ? 'conn.connected' : this.closeReason ?? (this.connection === 'connecting' ? 'conn.connecting' : 'conn.offline');
    const routine = this.connection !== 'connected' && this.closeReason !== null && ROUTINE_CLOSE_MESSAGES.has(this.closeReason);
    el.className = `k-conn k-conn-${routine ? 'connecting' : this.connection}`;
    el.setAttribute('title', t(key));
    el.replaceChildren(h('span', { class: 'k-conn-text' }, [t(key)]));
  }

  private updatePeople(): void {
    const list = this.root.querySelector('#k-people');
    if (!list) return;
    const me = (this.presence.awareness.getLocalState() as { user: { name: string; color: string } }).user;
    const people = [{ name: t('people.you', { name: me.name }), color: me.color }, ...this.presence.peers().map((p) => p.user)];
    // A busy board shows avatars only (names stay for screen readers and as tooltips), and at most
    // MAX_AVATARS of them, the rest as "+N", so the header keeps its room.
    const max = window.matchMedia('(max-width: 899px)').matches ? MAX_AVATARS_PHONE : MAX_AVATARS;
    // Presence changes with every cursor move: rebuild (and re-measure the header) only when the people changed.
    const signature = `${max}|${t('people.title')}|${people.map((p) => `${p.name}:${p.color}`).join('|')}`;
    if (list.getAttribute('data-shown') === signature) return;
    list.setAttribute('data-shown', signature);
    const shown = people.length > max ? people.slice(0, max - 1) : people;
    const rest = people.slice(shown.length);
    list.classList.toggle('k-people-many', people.length > 2);
    list.replaceChildren(...shown.map((p) => h('li', { class: 'k-person', title: p.name }, [
      h('span', { class: 'k-avatar', style: `background:${p.color}`, 'aria-hidden': 'true' }, [p.name.trim().charAt(0).toUpperCase() || '?']),
      h('span', { class: 'k-person-name' }, [p.name]),
    ])), ...(rest.length ? [h('li', { class: 'k-person k-person-more', title: rest.map((p) => p.name).join(', ') }, [
      h('span', { class: 'k-avatar k-avatar-more', 'aria-hidden': 'true' }, [`+${rest.length}`]),
      h('span', { class: 'k-sr-only' }, [t('people.more', { count: rest.length, names: rest.map((p) => p.name).join(', ') })]),
    ])] : []));
    this.fitHeader();
  }

  private uiKey(e: KeyboardEvent): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key === '?') {
      this.openHelp();
      return true;
    }
    if (e.key === 'o' || e.key === 'O') {
      this.showTab('outline');
      this.root.querySelector<HTMLInputElement>('#k-outline-new')?.focus();
      return true;
    }
    return false;
  }

  private openHelp(): void {
    this.root.querySelector<HTMLDialogElement>('#k-help')?.showModal();
  }

  /** The current view, rendered by the browser (the whole map comes from the server's export). */
  private async export(format: 'png' | 'svg'): Promise<void> {
    this.root.querySelector('#k-export-menu')?.removeAttribute('open');
    const bounds = this.viewport.visibleWorld();
    const text = sceneSvg(this.renderer, bounds);
    const name = exportFilename(this.model.meta.title || t('board.untitled'), format);
    if (format === 'svg') download(new Blob([text], { type: 'image/svg+xml' }), name);
    else download(await svgToPngBlob(text, bounds.w, bounds.h, this.viewport.zoom * 2), name);
  }
}
