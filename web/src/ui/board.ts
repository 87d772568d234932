// The board view: wires the Y.Doc, the websocket provider, the model, editor, renderer and panels together.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { BoardModel } from '../model/board';
import { Presence } from '../model/presence';
import { Viewport } from '../render/viewport';
import { SceneRenderer } from '../render/scene';
import { Editor } from '../tools/editor';
import { boardBounds } from '../tools/hit';
import { locale, onLocaleChange, t } from '../i18n';
import type { MessageKey } from '../i18n';
import { CLOSE_CODE, TEMPLATE_CODES } from '../generated/protocol';
import type { Template } from '../generated/protocol';
import { h, icon, ICONS } from './dom';
import { attachCanvasInput } from './input';
import { Inspector } from './inspector';
import { Outline } from './outline';
import { Legend } from './legend';
import { helpDialog } from './help';
import { InlineEditor } from './inline';
import { Toolbar } from './toolbar';
import { languageSelect } from './language';
import { cursorColor, displayName, rememberBoard, setDisplayName } from './identity';
import { download, exportFilename, sceneSvg, svgToPngBlob } from './export';

type Tab = 'details' | 'outline' | 'legend';

const OUTLINE_IMMEDIATE_LIMIT = 300;
const OUTLINE_COALESCE_MS = 400;
const TERMINAL_CLOSE_CODES = new Set<number>([CLOSE_CODE.invalidBoard, CLOSE_CODE.boardTooLarge]);
const CLOSE_MESSAGES: Record<number, MessageKey> = {
  [CLOSE_CODE.boardFull]: 'conn.boardFull',
  [CLOSE_CODE.boardTooLarge]: 'conn.boardTooLarge',
  [CLOSE_CODE.invalidBoard]: 'conn.invalidBoard',
  [CLOSE_CODE.tooSlow]: 'conn.slow',
  [CLOSE_CODE.tooManyPending]: 'conn.slow',
};
type Connection = 'connecting' | 'connected' | 'disconnected';

/** Exposed on window for the end-to-end tests and the benchmark (read-only use). */
export interface KarttaDebug { model: BoardModel; editor: Editor; viewport: Viewport; presence: Presence; renderer: SceneRenderer; provider: WebsocketProvider }

export function mountBoard(root: HTMLElement, boardId: string, navigate: (path: string) => void): () => void {
  const name = displayName();
  if (!name) {
    askName(root, () => mountBoard(root, boardId, navigate));
    return () => {};
  }
  return new BoardView(root, boardId, navigate, name).destroy;
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
  private readonly provider: WebsocketProvider;
  private readonly presence: Presence;
  private readonly editor: Editor;
  private readonly renderer: SceneRenderer;
  private readonly inspector: Inspector;
  private readonly outline: Outline;
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
  private side = h('aside', { class: 'k-side' });

  constructor(private readonly root: HTMLElement, private readonly boardId: string, private readonly navigate: (path: string) => void, name: string) {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
    this.provider = new WebsocketProvider(url, boardId, this.doc, {
      // Reconnecting cannot help with a bad board id or a board at its size limit; everything else retries.
      shouldReconnect: (event: CloseEvent) => !TERMINAL_CLOSE_CODES.has(event.code),
    });
    this.presence = new Presence(this.provider.awareness, { name, color: cursorColor() });
    this.editor = new Editor(this.model, this.viewport, this.presence);
    this.renderer = new SceneRenderer(this.model, this.editor, this.viewport, () => this.presence.peers(), (k) => t(k));
    this.inspector = new Inspector(this.model, this.editor);
    this.outline = new Outline(this.model, this.editor);
    this.legend = new Legend(this.model, this.editor);
    this.toolbar = new Toolbar(this.editor, this.viewport);
    const canvas = this.renderer.root;
    canvas.setAttribute('tabindex', '0');
    canvas.setAttribute('role', 'application');
    canvas.setAttribute('id', 'k-canvas');
    this.inline = new InlineEditor(this.inlineLayer, this.model, this.viewport, () => canvas.focus({ preventScroll: true }));
    this.editor.host = { editActorName: (id) => this.inline.editActorName(id), editNote: (id) => this.inline.editNote(id) };
    this.stage.append(canvas, this.inlineLayer, this.toolbar.zoomControls);

    this.cleanups.push(
      this.model.onChange(() => this.schedule('scene', 'panels')),
      this.editor.onChange(() => this.schedule('scene', 'panels')),
      this.viewport.onChange(() => this.schedule('view')),
      this.presence.onChange(() => this.schedule('presence')),
      onLocaleChange(() => this.layout()),
      attachCanvasInput(canvas, this.editor, (e) => this.uiKey(e)),
    );
    this.provider.on('status', ({ status }: { status: Connection }) => {
      this.connection = status;
      this.updateConnection();
    });
    this.provider.on('connection-close', (event: CloseEvent | null) => {
      this.closeReason = event ? CLOSE_MESSAGES[event.code] ?? null : null;
      this.updateConnection();
    });
    this.provider.on('sync', (synced: boolean) => {
      if (synced && !this.fitted) {
        this.fitted = true;
        this.fit();
      }
      if (synced) rememberBoard(this.boardId, this.model.meta.title);
    });
    const resize = new ResizeObserver(() => {
      const rect = this.stage.getBoundingClientRect();
      const first = this.viewport.width === 800 && this.viewport.height === 600 && !this.fitted;
      this.viewport.setSize(rect.width, rect.height);
      if (first) this.viewport.fit(null);
    });
    resize.observe(this.stage);
    this.cleanups.push(() => resize.disconnect());
    (window as unknown as { kartta: KarttaDebug }).kartta = { model: this.model, editor: this.editor, viewport: this.viewport, presence: this.presence, renderer: this.renderer, provider: this.provider };
    this.layout();
    rememberBoard(boardId, '');
  }

  readonly destroy = (): void => {
    cancelAnimationFrame(this.frame);
    if (this.outlineTimer !== null) clearTimeout(this.outlineTimer);
    this.cleanups.forEach((c) => c());
    this.provider.destroy();
    this.doc.destroy();
  };

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
    document.documentElement.lang = locale();
    this.renderer.root.setAttribute('aria-label', t('board.canvas'));
    this.header = this.buildHeader();
    this.toolbar.build();
    this.side = this.buildSide();
    this.root.replaceChildren(
      h('a', { class: 'k-skip', href: '#k-side' }, [t('action.outline')]),
      this.header,
      h('div', { class: `k-body${this.sideOpen ? ' k-side-open' : ''}` }, [
        h('main', { class: 'k-main', 'aria-label': this.model.meta.title || t('board.untitled') }, [h('h1', { class: 'k-sr-only', id: 'k-board-heading' }, [this.model.meta.title || t('board.untitled')]), this.toolbar.element, this.toolbar.palette, this.stage]),
        this.side,
      ]),
      helpDialog(),
      this.announcer,
    );
    this.updateConnection();
    this.updatePeople();
    this.inspector.update(true);
    this.updatePanels();
    this.schedule('scene');
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  private buildHeader(): HTMLElement {
    const title = h('input', { id: 'k-title', class: 'k-title', type: 'text', value: this.model.meta.title, placeholder: t('board.untitled'), 'aria-label': t('board.titleLabel'), maxlength: 120 });
    title.addEventListener('change', () => this.model.setMeta({ title: title.value.trim() }));
    const template = h('select', { id: 'k-template', 'aria-label': t('board.template') },
      TEMPLATE_CODES.map((c) => h('option', { value: c }, [t(`template.${c}`)])));
    template.value = this.model.meta.template;
    template.addEventListener('change', () => {
      this.model.setMeta({ template: template.value as Template });
      this.editor.zoomToFit();
    });
    const exportMenu = h('details', { class: 'k-menu' }, [
      h('summary', { 'aria-label': t('action.export') }, [icon(ICONS.download, 18), h('span', { class: 'k-hide-narrow' }, [t('action.export')])]),
      h('div', { class: 'k-menu-items' }, [
        h('button', { type: 'button', onclick: () => this.export('view', 'png') }, [t('action.exportViewPng')]),
        h('button', { type: 'button', onclick: () => this.export('view', 'svg') }, [t('action.exportViewSvg')]),
        h('button', { type: 'button', onclick: () => this.export('board', 'png') }, [t('action.exportBoardPng')]),
        h('button', { type: 'button', onclick: () => this.export('board', 'svg') }, [t('action.exportBoardSvg')]),
      ]),
    ]);
    const share = h('button', { type: 'button', class: 'k-ghost', id: 'k-share', title: t('board.copyLink') }, [icon(ICONS.link, 18), h('span', { class: 'k-hide-narrow' }, [t('board.copyLink')])]);
    share.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(location.href);
        share.lastElementChild!.textContent = t('board.copied');
      } catch {
        prompt(t('board.copyLink'), location.href);
      }
    });
    return h('header', { class: 'k-header' }, [
      h('a', { href: '/', class: 'k-home', 'aria-label': t('board.home'), onclick: (e: Event) => { e.preventDefault(); this.navigate('/'); } }, [h('span', { class: 'k-logo', 'aria-hidden': 'true' }), h('span', { class: 'k-hide-narrow' }, [t('app.name')])]),
      title,
      this.model.meta.locked ? h('span', { class: 'k-badge' }, [t('board.locked')]) : null,
      h('div', { class: 'k-spacer' }),
      h('span', { class: 'k-conn', id: 'k-conn', role: 'status' }),
      h('ul', { class: 'k-people', id: 'k-people', 'aria-label': t('people.title') }),
      template,
      share,
      exportMenu,
      languageSelect(),
      h('button', { type: 'button', class: 'k-icon-button', id: 'k-help-button', 'aria-label': t('action.help'), title: `${t('action.help')} (?)`, onclick: () => this.openHelp() }, [icon(ICONS.help)]),
      h('button', { type: 'button', class: 'k-icon-button', id: 'k-panel-button', 'aria-label': t('inspector.title'), 'aria-expanded': String(this.sideOpen), 'aria-controls': 'k-side', onclick: () => this.toggleSide() }, [icon(ICONS.panel)]),
    ]);
  }

  private buildSide(): HTMLElement {
    const tabs: [Tab, string][] = [['details', t('inspector.title')], ['outline', t('action.outline')], ['legend', t('action.legend')]];
    const content = this.tab === 'details' ? this.inspector.element : this.tab === 'outline' ? this.outline.element : this.legend.element;
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
    if (this.connection === 'connected') this.closeReason = null;
    const key = this.connection === 'connected' ? 'conn.connected' : this.closeReason ?? (this.connection === 'connecting' ? 'conn.connecting' : 'conn.offline');
    el.className = `k-conn k-conn-${this.connection}`;
    el.setAttribute('title', t(key));
    el.replaceChildren(h('span', { class: 'k-conn-text' }, [t(key)]));
  }

  private updatePeople(): void {
    const list = this.root.querySelector('#k-people');
    if (!list) return;
    const me = (this.presence.awareness.getLocalState() as { user: { name: string; color: string } }).user;
    const people = [{ name: t('people.you', { name: me.name }), color: me.color }, ...this.presence.peers().map((p) => p.user)];
    list.replaceChildren(...people.map((p) => h('li', { class: 'k-person', title: p.name }, [
      h('span', { class: 'k-avatar', style: `background:${p.color}`, 'aria-hidden': 'true' }, [p.name.trim().charAt(0).toUpperCase() || '?']),
      h('span', { class: 'k-person-name' }, [p.name]),
    ])));
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

  private async export(what: 'view' | 'board', format: 'png' | 'svg'): Promise<void> {
    this.root.querySelector('details.k-menu')?.removeAttribute('open');
    const bounds = what === 'view' ? this.viewport.visibleWorld() : padRect(boardBounds(this.model) ?? this.viewport.visibleWorld(), 40);
    const text = sceneSvg(this.renderer, bounds);
    const name = exportFilename(this.model.meta.title || t('board.untitled'), format);
    if (format === 'svg') download(new Blob([text], { type: 'image/svg+xml' }), name);
    else download(await svgToPngBlob(text, bounds.w, bounds.h, what === 'view' ? this.viewport.zoom * 2 : 2), name);
  }
}

function padRect(r: { x: number; y: number; w: number; h: number }, pad: number) {
  return { x: r.x - pad, y: r.y - pad, w: r.w + 2 * pad, h: r.h + 2 * pad };
}
