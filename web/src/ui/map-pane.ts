//! A read-only drawing of one board or snapshot in a box of its own, for the compare page and the wall.
// It reuses the board's model, renderer and viewport; nothing here writes the document, and a live
// board's connection announces no presence (a wall or a comparison is not a participant).
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import { BoardModel } from '../model/board';
import type { BoardView } from '../generated/protocol';
import { Viewport } from '../render/viewport';
import { fitWithFarNames } from '../render/far-names';
import { SceneRenderer } from '../render/scene';
import { OVERVIEW_ZOOM, OverviewLayer } from '../render/overview';
import { svg } from '../render/svg';
import { Editor } from '../tools/editor';
import { actorRect, boardBounds, cardExit } from '../tools/hit';
import { READ_ONLY_FAR_NAME_ZOOM, actorCardHeight, actorCardWidth } from '../render/card';
import { locale, t } from '../i18n';
import { h } from './dom';

/** A mark drawn over one element: its colour, its outline's pattern, and a one-character badge. */
export interface ElementMark {
  id: string;
  color: string;
  /** The outline's dash pattern in board units, or null for a solid line. */
  dash: string | null;
  badge: string;
}

/**
 * Above this many marks, the outlines of one look are drawn as one path, the badges of one look as
 * one path of circles and one text of signs, and relations get no badge of their own (their line's
 * colour and dash pattern say the category): two 500-actor maps differ in over a thousand elements,
 * and four SVG nodes for each made drawing them take seconds.
 */
const MANY_MARKS = 300;

/** A live board of a pane: its id, the token it is read with, and optionally what was fetched of it. */
export interface LiveBoard {
  boardId: string;
  token: string;
  /** The board as the server read it (`GET /api/boards/{id}/view`): drawn at once, before connecting. */
  firstView?: BoardView;
  /**
   * Its stored state (`GET /api/boards/{id}/state`, v2 encoding), decoded when the pane goes live,
   * so the websocket brings only what changed since.
   */
  storedState?: Promise<Uint8Array>;
}

/** Screen pixels one arrow key press or wheel notch moves the view. */
const KEY_PAN_PX = 60;

export class MapPane {
  readonly doc = new Y.Doc();
  readonly model = new BoardModel(this.doc);
  readonly viewport = new Viewport();
  readonly renderer: SceneRenderer;
  /** The host element: the drawing fills it. */
  readonly root: HTMLDivElement;
  private readonly editor: Editor;
  private provider: WebsocketProvider | null = null;
  /** A board drawn from its fetched state, until `goLive` connects it. */
  private notYetLive: LiveBoard | null = null;
  private destroyed = false;
  private readonly marksLayer: SVGGElement;
  /** The cheap far-out drawing, shown instead of the cards below `OVERVIEW_ZOOM`. */
  private readonly overview: OverviewLayer;
  private overviewShown = false;
  /**
   * Nothing is drawn until the owner has placed the view (`startDrawing`): a frame at the default
   * zoom before the fit would build every card of a large board for nothing.
   */
  private placed = false;
  private marks: ElementMark[] = [];
  /** The zoom the marks were drawn for: they keep one size on screen, so a new zoom redraws them. */
  private marksZoom = 0;
  private marksDirty = false;
  private focused: string | null = null;
  private frame = 0;
  private sceneDirty = false;
  private readonly cleanups: (() => void)[] = [];
  private readonly syncedListeners: (() => void)[] = [];
  synced = false;

  /**
   * A snapshot's stored state (`state`), or a live board over the websocket (`live`). A live board
   * whose server-read view was fetched first (`firstView`) is drawn from it at once and connects
   * only when asked (`goLive`), decoding its fetched state then: a page showing two large boards
   * draws both sooner than decoding their states (or their websockets) would, and connects once
   * they are on screen.
   */
  constructor(source: { state: Uint8Array } | { live: LiveBoard }, label: string) {
    this.model.canWrite = () => false;
    if ('state' in source) {
      Y.applyUpdate(this.doc, source.state);
      this.synced = true;
    } else if (source.live.firstView) {
      // Drawn from plain data: decoding the Yjs state (most of a first look at two large boards,
      // in functions the page has not compiled yet) waits until the pane goes live.
      this.model.preload(source.live.firstView);
      this.synced = true;
      this.notYetLive = source.live;
    } else {
      this.connect(source.live);
    }
    this.editor = new Editor(this.model, this.viewport, null);
    this.renderer = new SceneRenderer(this.model, this.editor, this.viewport, () => [], (k) => t(k));
    this.renderer.farNamesBelow = READ_ONLY_FAR_NAME_ZOOM;
    this.marksLayer = svg('g', { class: 'k-layer-compare' });
    this.overview = new OverviewLayer(this.model);
    this.overview.group.style.display = 'none';
    // Over the background (the world's first layer), under everything else.
    this.renderer.world.insertBefore(this.overview.group, this.renderer.world.firstChild?.nextSibling ?? null);
    this.renderer.world.append(this.marksLayer);
    this.root = this.renderer.root;
    this.root.classList.add('k-map-pane');
    this.root.setAttribute('role', 'img');
    this.root.setAttribute('aria-label', label);
    this.cleanups.push(
      this.model.onChange(() => this.schedule(true)),
      this.viewport.onChange(() => this.schedule(false)),
    );
    const resize = new ResizeObserver(() => this.measure());
    resize.observe(this.root);
    this.cleanups.push(() => resize.disconnect());
    this.schedule(true);
  }

  /** Connects a board drawn from its fetched state; the websocket brings what changed since. */
  goLive(): void {
    const live = this.notYetLive;
    this.notYetLive = null;
    if (!live) return;
    if (!live.storedState) {
      this.connect(live);
      return;
    }
    // Without the stored state (a failed request), the websocket's sync brings the whole board.
    void live.storedState
      .then((state) => { if (!this.destroyed) Y.applyUpdateV2(this.doc, state); }, () => undefined)
      .then(() => { if (!this.destroyed) this.connect(live); });
  }

  private connect(live: LiveBoard): void {
    const awareness = new Awareness(this.doc);
    awareness.setLocalState(null);
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
    // No cross-tab channel: on connecting, y-websocket would encode the whole board to offer it to
    // the browser's other tabs (65-110 ms of script for the compare page's two 500-actor panes, just
    // after they are shown), and a pane that never edits has nothing to offer; it still gets every
    // change over its websocket.
    this.provider = new WebsocketProvider(url, live.boardId, this.doc, { params: { token: live.token }, awareness, disableBc: true });
    // A pane never edits, so the provider has nothing to send. Its update listener would cost a
    // lot even so: with any 'update' listener, Yjs encodes every applied update again, and for
    // the first state of a 500-actor board that took longer than applying it.
    this.doc.off('update', this.provider._updateHandler);
    this.provider.on('sync', (synced: boolean) => {
      if (!synced || this.synced) return;
      this.synced = true;
      this.syncedListeners.forEach((l) => l());
    });
  }

  /**
   * Gives the view the pane's size on screen now. The ResizeObserver reports it too, but only after
   * the next frame's animation callbacks, and a page that waits for that waits two frames.
   */
  measure(): void {
    const rect = this.root.getBoundingClientRect();
    if (rect.width > 0 && rect.height > 0) this.viewport.setSize(rect.width, rect.height);
  }

  /** Runs once the live board's first state arrived (at once for a snapshot). */
  whenSynced(listener: () => void): void {
    if (this.synced) listener();
    else this.syncedListeners.push(listener);
  }

  /** Lets the pane be panned with a pointer, zoomed with the wheel (or a pinch) and moved with keys. */
  enableNavigation(label: string): void {
    const host = this.root;
    host.setAttribute('tabindex', '0');
    host.setAttribute('role', 'group');
    host.setAttribute('aria-roledescription', t('compareMaps.paneRole'));
    host.setAttribute('aria-label', label);
    let drag: { id: number; x: number; y: number } | null = null;
    const down = (e: PointerEvent) => {
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
      host.setPointerCapture(e.pointerId);
    };
    const move = (e: PointerEvent) => {
      if (!drag || drag.id !== e.pointerId) return;
      this.viewport.panBy(e.clientX - drag.x, e.clientY - drag.y);
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
    };
    const up = (e: PointerEvent) => {
      if (drag?.id === e.pointerId) drag = null;
    };
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = host.getBoundingClientRect();
      const scale = e.deltaMode === 1 ? 16 : 1;
      if (e.ctrlKey || e.metaKey) this.viewport.zoomAt(e.clientX - rect.left, e.clientY - rect.top, Math.exp((-e.deltaY * scale) / 300));
      else this.viewport.panBy(-e.deltaX * scale, -e.deltaY * scale);
    };
    const key = (e: KeyboardEvent) => {
      const moves: Record<string, () => void> = {
        ArrowLeft: () => this.viewport.panBy(KEY_PAN_PX, 0),
        ArrowRight: () => this.viewport.panBy(-KEY_PAN_PX, 0),
        ArrowUp: () => this.viewport.panBy(0, KEY_PAN_PX),
        ArrowDown: () => this.viewport.panBy(0, -KEY_PAN_PX),
        '+': () => this.viewport.zoomBy(1.25),
        '=': () => this.viewport.zoomBy(1.25),
        '-': () => this.viewport.zoomBy(0.8),
      };
      const action = moves[e.key];
      if (!action || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      action();
    };
    host.addEventListener('pointerdown', down);
    host.addEventListener('pointermove', move);
    host.addEventListener('pointerup', up);
    host.addEventListener('pointercancel', up);
    host.addEventListener('wheel', wheel, { passive: false });
    host.addEventListener('keydown', key);
    this.cleanups.push(() => {
      host.removeEventListener('pointerdown', down);
      host.removeEventListener('pointermove', move);
      host.removeEventListener('pointerup', up);
      host.removeEventListener('pointercancel', up);
      host.removeEventListener('wheel', wheel);
      host.removeEventListener('keydown', key);
    });
  }

  /**
   * Fits the view to what is drawn, never the whole background: on a projector the names must stay
   * readable, and a closeness-rings background alone would shrink a small map below that.
   */
  fitToContent(padding = 32): void {
    fitWithFarNames(this.viewport, boardBounds(this.model), padding, this.model.actors.values(), READ_ONLY_FAR_NAME_ZOOM);
    this.startDrawing();
  }

  /** Draws from the next frame on: the owner has placed the view. */
  startDrawing(): void {
    if (this.placed) return;
    this.placed = true;
    this.schedule(true);
  }

  contentBounds() {
    return boardBounds(this.model);
  }

  /** Where an element is on this board (an actor's centre, the middle of a relation), or null. */
  positionOf(id: string): { x: number; y: number } | null {
    const actor = this.model.actors.get(id);
    if (actor) return { x: actor.x, y: actor.y };
    const relation = this.model.relations.get(id);
    const a = relation && this.model.actors.get(relation.from);
    const b = relation && this.model.actors.get(relation.to);
    return a && b ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : null;
  }

  /** Marks are drawn with the next frame, once, however often they were set before it. */
  setMarks(marks: ElementMark[], focused: string | null): void {
    this.marks = marks;
    this.focused = focused;
    this.marksDirty = true;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  destroy(): void {
    this.destroyed = true;
    this.notYetLive = null;
    cancelAnimationFrame(this.frame);
    this.cleanups.forEach((c) => c());
    this.provider?.destroy();
    this.doc.destroy();
  }

  private schedule(scene: boolean): void {
    this.sceneDirty ||= scene;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  private draw(): void {
    this.frame = 0;
    if (!this.placed) return;
    const overview = this.viewport.zoom < OVERVIEW_ZOOM;
    if (overview !== this.overviewShown) {
      this.overviewShown = overview;
      this.renderer.elementsShown = !overview;
      this.overview.group.style.display = overview ? '' : 'none';
      this.sceneDirty = true;
    }
    if (this.sceneDirty) {
      this.sceneDirty = false;
      if (overview) this.overview.render();
      this.renderer.render(locale());
      this.drawMarks();
    } else {
      this.renderer.renderViewport();
      if (this.marksDirty || (this.marks.length && this.viewport.zoom !== this.marksZoom)) this.drawMarks();
    }
  }

  /**
   * Marks in board units, so they need no redraw while the view moves: never colour alone — each
   * has an outline (dashed or solid) and a badge with a sign, and the list says the same in words.
   */
  private drawMarks(): void {
    this.marksDirty = false;
    const nodes: SVGElement[] = [];
    this.marksZoom = this.viewport.zoom;
    // Screen pixels in board units: outlines and badges stay legible however far out the view is.
    const px = 1 / Math.max(this.viewport.zoom, 0.05);
    const many = this.marks.length > MANY_MARKS;
    // With many marks: path data per look ("colour|dash|actor or relation"), drawn as one path each.
    const merged = new Map<string, { mark: ElementMark; relation: boolean; d: string[] }>();
    // With many marks: each look's badges, as circles' path data and where each sign goes.
    const badges = new Map<string, { mark: ElementMark; circles: string[]; xs: number[]; ys: number[] }>();
    const addBadge = (x: number, y: number, mark: ElementMark) => {
      const key = `${mark.color}|${mark.badge}`;
      const entry = badges.get(key) ?? { mark, circles: [], xs: [], ys: [] };
      badges.set(key, entry);
      const r = BADGE_RADIUS_PX * px;
      entry.circles.push(`M${x - r} ${y}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0z`);
      entry.xs.push(x);
      entry.ys.push(y + BADGE_BASELINE_PX * px);
    };
    const dashOf = (mark: ElementMark): Record<string, string> => (mark.dash ? { 'stroke-dasharray': mark.dash.split(' ').map((n) => Number(n) * px).join(' ') } : {});
    const addMerged = (mark: ElementMark, relation: boolean, d: string) => {
      const key = `${mark.color}|${mark.dash}|${relation}`;
      const entry = merged.get(key);
      if (entry) entry.d.push(d);
      else merged.set(key, { mark, relation, d: [d] });
    };
    for (const mark of this.marks) {
      const focused = mark.id === this.focused;
      const actor = this.model.actors.get(mark.id);
      const dash = dashOf(mark);
      if (actor) {
        const r = actorRect(actor);
        const pad = (focused ? 8 : 4) * px;
        const glow = 14 * px;
        if (focused) nodes.push(svg('rect', { class: 'k-cmp-focus', x: r.x - glow, y: r.y - glow, width: r.w + 2 * glow, height: r.h + 2 * glow, rx: 12 * px, fill: mark.color, 'fill-opacity': 0.2, stroke: 'none' }));
        if (many && !focused) {
          addMerged(mark, false, `M${r.x - pad} ${r.y - pad}h${r.w + 2 * pad}v${r.h + 2 * pad}h${-(r.w + 2 * pad)}z`);
          addBadge(r.x - pad, r.y - pad, mark);
          continue;
        }
        nodes.push(svg('rect', { class: 'k-cmp-mark', 'data-id': mark.id, x: r.x - pad, y: r.y - pad, width: r.w + 2 * pad, height: r.h + 2 * pad, rx: 8 * px, fill: 'none', stroke: mark.color, 'stroke-width': (focused ? 4 : 2.5) * px, ...dash }));
        nodes.push(badge(r.x - pad, r.y - pad, mark, px));
        continue;
      }
      const relation = this.model.relations.get(mark.id);
      const a = relation && this.model.actors.get(relation.from);
      const b = relation && this.model.actors.get(relation.to);
      if (!a || !b) continue;
      const start = cardExit(a.x, a.y, b.x, b.y, actorCardWidth(a), actorCardHeight(a));
      const end = cardExit(b.x, b.y, a.x, a.y, actorCardWidth(b), actorCardHeight(b));
      if (!start || !end) continue;
      if (many && !focused) {
        addMerged(mark, true, `M${start.x} ${start.y}L${end.x} ${end.y}`);
        continue;
      }
      nodes.push(svg('path', {
        class: 'k-cmp-mark', 'data-id': mark.id, d: `M${start.x} ${start.y}L${end.x} ${end.y}`, fill: 'none', stroke: mark.color,
        'stroke-opacity': focused ? 0.6 : 0.4, 'stroke-width': (focused ? 12 : 7) * px, 'stroke-linecap': 'round', ...dash,
      }));
      nodes.push(badge((start.x + end.x) / 2, (start.y + end.y) / 2, mark, px));
    }
    // Merged outlines go first, under the badges and the chosen element's own mark.
    const mergedNodes = [...merged.values()].map(({ mark, relation, d }) => svg('path', relation
      ? { class: 'k-cmp-marks', d: d.join(''), fill: 'none', stroke: mark.color, 'stroke-opacity': 0.4, 'stroke-width': 7 * px, 'stroke-linecap': 'round', ...dashOf(mark) }
      : { class: 'k-cmp-marks', d: d.join(''), fill: 'none', stroke: mark.color, 'stroke-width': 2.5 * px, 'stroke-linejoin': 'round', ...dashOf(mark) }));
    // One text per look: each sign is placed by its own entry in the x and y lists.
    const badgeNodes = [...badges.values()].map(({ mark, circles, xs, ys }) => {
      const signs = svg('text', { 'text-anchor': 'middle', x: xs.join(' '), y: ys.join(' '), fill: '#ffffff', 'font-size': BADGE_FONT_PX * px, 'font-weight': 700 });
      signs.textContent = mark.badge.repeat(xs.length);
      return svg('g', { class: 'k-cmp-badges' }, [svg('path', { d: circles.join(''), fill: mark.color, stroke: '#ffffff', 'stroke-width': 1.5 * px }), signs]);
    });
    this.marksLayer.replaceChildren(...mergedNodes, ...badgeNodes, ...nodes);
  }
}

/** A badge's radius, its sign's baseline below the centre and its sign's size, in screen pixels. */
const BADGE_RADIUS_PX = 9;
const BADGE_BASELINE_PX = 4.5;
const BADGE_FONT_PX = 13;

/** A round badge with a sign, `px` board units to a screen pixel. */
function badge(x: number, y: number, mark: ElementMark, px: number): SVGElement {
  const sign = svg('text', { 'text-anchor': 'middle', y: BADGE_BASELINE_PX * px, fill: '#ffffff', 'font-size': BADGE_FONT_PX * px, 'font-weight': 700 });
  sign.textContent = mark.badge;
  return svg('g', { class: 'k-cmp-badge', transform: `translate(${x} ${y})` }, [svg('circle', { r: BADGE_RADIUS_PX * px, fill: mark.color, stroke: '#ffffff', 'stroke-width': 1.5 * px }), sign]);
}

/** A heading over a pane. */
export function paneTitle(id: string, text: string): HTMLElement {
  return h('h2', { class: 'k-pane-title', id }, [text]);
}
