// The board page's header: title, template, timer, connection, people and the board's actions
// (a "More" sheet on phones), with the export and import menu.
import { locale, t } from '../../i18n';
import { ACTOR_STYLE, RELATION_COLOR, TEMPLATE_CODES } from '../../generated/protocol';
import type { Template } from '../../generated/protocol';
import { api, boardExportUrl, csvSheet, snapshotExportUrl, workshopZipUrl } from '../../api/client';
import { canChangeBackground, canExport, canImport, canManage } from '../../access/roles';
import { workshopPath } from '../../access/links';
import { errorText, formatRemaining } from '../common';
import { exportDownloadName } from '../snapshots';
import { download, downloadName, pictureArea, sceneSvg, svgToPngBlob, type PictureCaption } from '../export';
import { languageSelect } from '../language';
import { boardAction } from '../../actions/board-actions';
import { actionTitle } from '../../actions/action';
import { EXPORT_MENU, pageAction } from '../../actions/page-actions';
import type { BoardPageCommands, ExportTarget, MenuAction } from '../../actions/page-actions';
import { h, icon, ICONS } from '../dom';
import { textWidthInFont } from '../../render/measure';
import type { BoardPage } from './page';
import type { Rect } from '../../render/viewport';

/** People shown as avatars in the header before the rest become "+N". */
const MAX_AVATARS = 5;
const MAX_AVATARS_PHONE = 2;
/** Below this width of the title field, the header's actions drop their labels. */
const MIN_TITLE_PX = 150;
/** Room a select's drop-down arrow takes beside its text (Chromium and Firefox draw about 20 px). */
const SELECT_ARROW_PX = 24;

/** What the header's buttons ask of the rest of the page. */
export interface HeaderCommands {
  presenting(): boolean;
  togglePresent(): void;
  openShare(): void;
  sideOpen(): boolean;
  toggleSide(): void;
  /** The query of a merged board's "k of n" slider, for the export links. */
  exportParams(): Record<string, string>;
}

export class BoardHeader {
  element: HTMLElement = h('header', { class: 'k-header' });
  /** Whether the phone's "More" sheet of header actions is open. */
  private moreOpen = false;
  private moreCleanup: () => void = () => {};

  constructor(private readonly page: BoardPage, private readonly commands: HeaderCommands) {}

  build(): HTMLElement {
    const { ctx, role, boardId, model, editor, navigate } = this.page;
    this.closeMore(false);
    const editable = this.page.canEditNow();
    const snapshot = ctx.snapshot;
    // The title and the background change the board for the whole group, and the overview lists the
    // title too: the facilitator changes them through the server, which writes the board and the list
    // (a personal board's owner chooses its background as well: no group shares it).
    const manage = canManage(role);
    const title = h('input', { id: 'k-title', class: 'k-title', type: 'text', value: model.meta.title, placeholder: t('board.untitled'), 'aria-label': t('board.titleLabel'), maxlength: 120, readonly: !editable || !manage, title: manage ? null : t('board.titleFacilitatorOnly') });
    title.addEventListener('change', () => {
      api.updateBoard(boardId, ctx.token, { title: title.value.trim() }).catch((error) => this.page.showNotice(errorText(error), true));
    });
    const background = canChangeBackground(role, ctx.access.board.owned);
    const template = h('select', { id: 'k-template', 'aria-label': t('board.template'), disabled: !editable || !background, title: background ? null : t('board.templateFacilitatorOnly') },
      TEMPLATE_CODES.map((c) => h('option', { value: c }, [t(`template.${c}`)])));
    template.value = model.meta.template;
    template.addEventListener('change', () => {
      api.updateBoard(boardId, ctx.token, { template: template.value as Template })
        .then(() => editor.zoomToFit())
        .catch((error) => this.page.showNotice(errorText(error), true));
      this.fit();
    });
    const workshop = ctx.access.workshopKind === 'workshop' && !snapshot
      ? h('a', { class: 'k-button k-ghost', id: 'k-workshop-link', href: workshopPath(ctx.access.board.workshopId), 'aria-label': t('board.workshop'), title: t('board.workshop'), onclick: (e: Event) => { e.preventDefault(); navigate(workshopPath(ctx.access.board.workshopId)); } }, [icon(ICONS.workshop, 18), h('span', { class: 'k-hide-narrow' }, [t('board.workshop')])])
      : null;
    const help = boardAction('help');
    // The board's actions: in the header on wide screens (labels dropping to icons as it narrows),
    // behind a "More" button on phones, as one list (the same elements, so ids and focus stay put).
    const actions = h('div', { class: 'k-header-actions', id: 'k-header-actions' }, [
      workshop,
      this.pageButton('lock'),
      this.pageButton('present'),
      snapshot ? null : template,
      this.pageButton('share'),
      this.buildExportMenu(),
      languageSelect(),
      h('button', { type: 'button', class: 'k-icon-button', id: 'k-help-button', 'aria-label': t(help.label), title: actionTitle(t(help.label), help), 'data-action': help.id, onclick: () => { this.closeMore(false); if (help.enabled(editor)) help.perform(editor); } }, [icon(ICONS.help), h('span', { class: 'k-more-only' }, [t(help.label)])]),
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
    this.element = h('header', { class: 'k-header' }, [
      h('a', { href: '/', class: 'k-home', 'aria-label': t('board.home'), onclick: (e: Event) => { e.preventDefault(); navigate('/'); } }, [h('span', { class: 'k-logo', 'aria-hidden': 'true' }), h('span', { class: 'k-wordmark' }, [t('app.name')])]),
      title,
      h('span', { class: 'k-timer', id: 'k-timer', role: 'timer', 'aria-live': 'off', hidden: true }),
      h('div', { class: 'k-spacer' }),
      snapshot ? null : h('span', { class: 'k-conn', id: 'k-conn', role: 'status' }),
      snapshot ? null : h('ul', { class: 'k-people', id: 'k-people', 'aria-label': t('people.title') }),
      actions,
      h('button', { type: 'button', class: 'k-icon-button', id: 'k-more-button', 'aria-label': t('header.more'), title: t('header.more'), 'aria-expanded': 'false', 'aria-controls': 'k-header-actions', onclick: () => (this.moreOpen ? this.closeMore(true) : this.openMore()) }, [icon(ICONS.more)]),
      h('button', { type: 'button', class: 'k-icon-button', id: 'k-panel-button', 'aria-label': t('inspector.title'), 'aria-expanded': String(this.commands.sideOpen()), 'aria-controls': 'k-side', onclick: () => this.commands.toggleSide() }, [icon(ICONS.panel)]),
    ]);
    return this.element;
  }

  destroy(): void {
    this.moreCleanup();
  }

  /** A header button for one of the page's actions, or nothing where it does not apply (a role, a snapshot). */
  private pageButton(id: string): HTMLElement | null {
    const action = pageAction(id);
    const page = this.pageCommands();
    if (!action.enabled(page)) return null;
    const label = t(action.currentLabel?.(page) ?? action.label);
    return h('button', {
      type: 'button', class: action.pressed ? 'k-ghost k-toggle' : 'k-ghost', id: action.elementId, 'data-action': action.id,
      'aria-label': label, title: actionTitle(label, action), 'aria-pressed': action.pressed ? String(action.pressed(page)) : null,
      'aria-haspopup': action.opensDialog ? 'dialog' : null,
      onclick: () => { if (action.enabled(page)) action.perform(page); },
    }, [icon(ICONS[action.icon(page)], 18), h('span', { class: 'k-hide-narrow' }, [label])]);
  }

  private pageCommands(): BoardPageCommands {
    const { ctx, role } = this.page;
    return {
      manages: canManage(role) && !ctx.snapshot,
      live: !ctx.snapshot,
      presenting: () => this.commands.presenting(),
      togglePresent: () => this.commands.togglePresent(),
      locked: () => this.page.isLocked(),
      toggleLock: () => void this.toggleLock(),
      openShare: () => this.commands.openShare(),
      exports: canExport(role),
      snapshot: Boolean(ctx.snapshot),
      workshopArchive: !ctx.snapshot && canManage(role) && ctx.access.workshopKind === 'workshop',
      exportView: (format) => void this.exportView(format),
      exportLink: (target) => this.exportLink(target),
      canImport: () => canImport(role, this.page.isLocked()),
      chooseImportFile: () => this.page.root.querySelector<HTMLInputElement>('#k-import-file')?.click(),
    };
  }

  /**
   * The media queries fit English at the usual widths; longer labels (Swedish, Finnish), a long
   * title, a timer or many people can still crowd the header. Then the actions drop their labels
   * (icons and tooltips stay), so the map's title keeps room to be read.
   */
  fit(): void {
    const header = this.element;
    const title = header.querySelector<HTMLElement>('#k-title');
    if (!header.isConnected || !title) return;
    // First the timer drops its words, then the actions their labels, then the background selector its width.
    header.classList.remove('k-snug', 'k-compact', 'k-tight');
    this.sizeTemplateSelect();
    const crowded = () => header.scrollWidth > header.clientWidth + 1 || title.getBoundingClientRect().width < MIN_TITLE_PX;
    for (const level of ['k-snug', 'k-compact', 'k-tight']) {
      if (!crowded()) return;
      header.classList.add(level);
    }
  }

  /**
   * Sizes the background selector to the chosen background's name. A select is as wide as its
   * longest option, so a width cap cut the chosen one ("Närhetsrir…" in Swedish at 1280 px); sized
   * to its choice it shows that in full and takes no more room than it needs.
   */
  private sizeTemplateSelect(): void {
    const select = this.element.querySelector<HTMLSelectElement>('#k-template');
    if (!select?.isConnected) return;
    const style = getComputedStyle(select);
    const text = textWidthInFont(select.selectedOptions[0]?.textContent ?? '', style.font);
    const frame = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + parseFloat(style.borderLeftWidth) + parseFloat(style.borderRightWidth);
    if (text > 0) select.style.setProperty('--k-template-width', `${Math.ceil(text + frame + SELECT_ARROW_PX)}px`);
  }

  /** Phones: the header's actions open as a sheet under the header. */
  private openMore(): void {
    const root = this.page.root;
    this.moreOpen = true;
    root.querySelector('#k-header-actions')?.classList.add('k-open');
    root.querySelector('#k-more-button')?.setAttribute('aria-expanded', 'true');
    root.querySelector<HTMLElement>('#k-header-actions a, #k-header-actions button, #k-header-actions select, #k-header-actions summary')?.focus();
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
    this.page.root.querySelector('#k-header-actions')?.classList.remove('k-open');
    const button = this.page.root.querySelector<HTMLElement>('#k-more-button');
    button?.setAttribute('aria-expanded', 'false');
    if (returnFocus) button?.focus();
  }

  updatePeople(): void {
    const { root, presence } = this.page;
    const list = root.querySelector('#k-people');
    if (!list) return;
    // A viewer has no state of its own (it is never present), so the list is everyone else.
    const me = (presence.awareness.getLocalState() as { user: { name: string; color: string } } | null)?.user;
    const people = [...(me ? [{ name: t('people.you', { name: me.name }), color: me.color }] : []), ...presence.peers().map((p) => p.user)];
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
    this.fit();
  }

  updateTimer(): void {
    const el = this.page.root.querySelector<HTMLElement>('#k-timer');
    if (!el) return;
    const endsAt = this.page.model.meta.timerEndsAt;
    if (endsAt === null || this.page.ctx.snapshot) {
      if (!el.hidden) {
        el.hidden = true;
        this.fit();
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
    if (appeared) this.fit();
  }

  /** The export and import menu, drawn from the registry's `EXPORT_MENU`: a section per group, only what applies. */
  private buildExportMenu(): HTMLElement {
    const page = this.pageCommands();
    const items: (HTMLElement | null)[] = [];
    for (const section of EXPORT_MENU) {
      const actions = section.actions.filter((action) => action.enabled(page));
      if (actions.length === 0) continue;
      const heading = typeof section.heading === 'function' ? section.heading(page) : section.heading;
      items.push(heading ? h('p', { class: 'k-menu-heading' }, [t(heading)]) : h('span', { class: 'k-menu-sep', 'aria-hidden': 'true' }));
      for (const action of actions) items.push(...this.menuItem(action, page));
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

  /** A download as a link (so it can also be saved with a right-click), anything else as a button; import brings its hidden file field. */
  private menuItem(action: MenuAction, page: BoardPageCommands): HTMLElement[] {
    const target = action.exportTarget;
    if (action.link && target) {
      const { href, download } = action.link(page);
      const format = target === 'zip' ? 'zip' : target.format;
      const separator = target === 'zip' ? null : target.separator ?? null;
      return [h('a', { href, download, 'data-export': format, 'data-separator': separator, 'data-action': action.id }, [t(action.label)])];
    }
    const button = h('button', { type: 'button', id: action.id === 'import' ? 'k-import' : null, 'data-action': action.id, onclick: () => { if (action.enabled(page)) action.perform(page); } }, [t(action.label)]);
    if (action.id !== 'import') return [button];
    const file = h('input', { type: 'file', id: 'k-import-file', accept: '.json,.csv,application/json,text/csv', class: 'k-sr-only', tabindex: '-1', 'aria-hidden': 'true' });
    file.addEventListener('change', () => {
      const chosen = file.files?.[0];
      if (chosen) void this.importFile(chosen);
      file.value = '';
    });
    return [button, file];
  }

  /** Where a file export downloads from: the snapshot's stored state, or the live board with a merged board's "k of n". */
  private exportLink(target: ExportTarget): { href: string; download: string } {
    const { ctx, boardId } = this.page;
    if (target === 'zip') {
      return { href: workshopZipUrl(ctx.access.board.workshopId, ctx.token), download: downloadName([ctx.access.workshopTitle], 'zip') };
    }
    const snapshot = ctx.snapshot;
    const extra: Record<string, string> = target.separator ? { separator: target.separator } : {};
    const href = snapshot ? snapshotExportUrl(snapshot.id, target.format, ctx.token, extra) : boardExportUrl(boardId, target.format, ctx.token, { ...this.commands.exportParams(), ...extra });
    return { href, download: exportDownloadName(this.boardTitle(), snapshot?.meta?.name ?? '', target.format) };
  }

  /** The board's title as its files are named: the live one, else the workshop's list's. */
  private boardTitle(): string {
    return this.page.model.meta.title || this.page.ctx.access.board.title || t('board.untitled');
  }

  /** A merged board's exports take what the "k of n" slider shows. */
  updateExportLinks(): void {
    const { ctx, root } = this.page;
    if (ctx.snapshot) return;
    const actions = EXPORT_MENU.flatMap((section) => section.actions);
    root.querySelectorAll<HTMLAnchorElement>('#k-export-menu a[data-action]').forEach((link) => {
      const target = actions.find((action) => action.id === link.dataset.action)?.exportTarget;
      if (target && target !== 'zip') link.href = this.exportLink(target).href;
    });
  }

  private async importFile(file: File): Promise<void> {
    const { root, boardId, ctx } = this.page;
    root.querySelector('#k-export-menu')?.removeAttribute('open');
    const text = await file.text();
    const isJson = /\.json$/i.test(file.name) || file.type === 'application/json' || /^\s*\{/.test(text);
    try {
      const result = isJson ? await api.importJson(boardId, ctx.token, text) : await api.importCsv(boardId, ctx.token, csvSheet(text), text);
      this.page.showNotice(t('import.done', { actors: result.actors, relations: result.relations, notes: result.notes, strokes: result.strokes }), false);
    } catch (error) {
      this.page.showNotice(t('import.failed', { message: errorText(error) }), true);
    }
  }

  /** The current view, rendered by the browser (the whole map comes from the server's export). */
  private async exportView(format: 'png' | 'svg'): Promise<void> {
    const { root, viewport, renderer } = this.page;
    root.querySelector('#k-export-menu')?.removeAttribute('open');
    const bounds = viewport.visibleWorld();
    const caption = this.viewCaption(bounds, 1 / viewport.zoom);
    const text = sceneSvg(renderer, bounds, caption);
    const area = pictureArea(bounds, caption);
    const name = downloadName([this.boardTitle(), this.page.ctx.snapshot?.meta?.name ?? ''], format);
    if (format === 'svg') download(new Blob([text], { type: 'image/svg+xml' }), name);
    else download(await svgToPngBlob(text, area.w, area.h, viewport.zoom * 2), name);
  }

  /** The view's picture names itself: the board (and snapshot), the workshop, today; a legend of the kinds in view. */
  private viewCaption(bounds: Rect, unit: number): PictureCaption {
    const { ctx, model } = this.page;
    const inView = (x: number, y: number) => x >= bounds.x && x <= bounds.x + bounds.w && y >= bounds.y && y <= bounds.y + bounds.h;
    const actors = [...model.actors.values()].filter((actor) => inView(actor.x, actor.y));
    const shown = new Set(actors.map((actor) => actor.id));
    const kinds = [...new Set(actors.map((actor) => actor.kind))].sort();
    const relationKinds = [...new Set(model.liveRelations().filter((r) => shown.has(r.from) || shown.has(r.to)).map((r) => r.kind))].sort();
    const date = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'numeric', year: 'numeric' }).format(new Date());
    return {
      title: [this.boardTitle(), ctx.snapshot?.meta?.name ?? ''].filter(Boolean).join(' – '),
      subtitle: [ctx.access.workshopKind === 'workshop' ? ctx.access.workshopTitle : '', date].filter(Boolean).join(' · '),
      kinds: kinds.map((kind) => ({ label: t(`actorKind.${kind}`), color: ACTOR_STYLE[kind].color, shape: ACTOR_STYLE[kind].shape })),
      relations: relationKinds.map((kind) => ({ label: t(`relationKind.${kind}`), color: RELATION_COLOR[kind] })),
      unit,
    };
  }

  private async toggleLock(): Promise<void> {
    const locked = !this.page.isLocked();
    try {
      await api.updateBoard(this.page.boardId, this.page.ctx.token, { locked });
    } catch (error) {
      this.page.showNotice(errorText(error), true);
    }
  }
}
