// The scene renderer: draws model + editor state + peers' presence into one SVG for a viewport.
import type { BoardModel } from '../model/board';
import type { Peer } from '../model/presence';
import type { Editor } from '../tools/editor';
import type { MessageKey } from '../i18n';
import type { Template } from '../generated/protocol';
import type { Actor, Note, Relation } from '../model/types';
import type { BoardChanges } from '../model/compare';
import { actorRect, connectHandle, noteRect, relationEnds, strokeBounds, HANDLE_RADIUS_PX } from '../tools/hit';
import type { Viewport, Rect } from './viewport';
import { actorNode, cardExit, noteNode, relationNode, strokeNode, supportBadgeNode } from './elements';
import { relationSupportBadge, supportBadge } from '../model/support';
import { CARD } from '../generated/protocol';
import { FAR_NAME_ZOOM, actorCardHeight, actorCardWidth, farNameFontSize, farNameLayout, farNameStandsOut, textUnits } from './card';
import { FAR_NAME_MAX_SCREEN_PX, FarNameRooms } from './far-names';
import { templateNodes } from './template';
import { SCENE_CSS, SCENE_DARK_CSS } from './style';
import { KeyedLayer, svg } from './svg';
import { DrawnView } from './gesture';
import type { ActorFigures } from '../figures/compute';
import { brokerRanks } from '../figures/live';
import { HALO_COUNT, figureMarksNode, haloNode, haloRadius } from './figures';
import { voteBadgeCenter, voteBadgeNode, voteBadgeRadius } from './votes';
import type { VoteBadge } from '../ui/vote';

let sceneStylesAdopted = false;

/**
 * Gives the page the drawing's styles once, as a constructed stylesheet: a `<style>` element would
 * need 'unsafe-inline' in the app's Content-Security-Policy. Exports embed the same rules as a
 * `<style>` of their own (see `ui/export.ts`). Skipped where there is no CSSOM (unit tests).
 */
function adoptSceneStyles(): void {
  if (sceneStylesAdopted || typeof CSSStyleSheet === 'undefined' || !('replaceSync' in CSSStyleSheet.prototype)) return;
  const sheet = new CSSStyleSheet();
  // The page follows a dark system scheme; exports embed SCENE_CSS alone and stay light.
  sheet.replaceSync(SCENE_CSS + SCENE_DARK_CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  sceneStylesAdopted = true;
}

/** Outlines of a snapshot compared with the board now: gone since (dashed), changed since. */
export const COMPARE_REMOVED = '#b91c1c';
export const COMPARE_CHANGED = '#b45309';

/** What was removed since a snapshot, drawn faintly where it was ("since last time"). */
export interface Ghosts {
  actors: Actor[];
  relations: { from: { x: number; y: number; w: number; h: number }; to: { x: number; y: number; w: number; h: number } }[];
}

/** Live drag offsets by element id. */
type Offsets = Map<string, { dx: number; dy: number }>;

/** Below this zoom the drawing is far away: details, notes' text and relation labels are hidden (level of detail). */
const FAR_ZOOM = 0.3;
/** Far names are laid out again only when the zoom changed by more than one step of 2^(1/4) (about 19 %). */
const FAR_NAME_STEPS_PER_DOUBLING = 4;

/** The zoom far names are laid out for: `zoom` rounded to a step, or null when names are drawn as laid out (at `below` and closer). */
function farNameZoom(zoom: number, below: number): number | null {
  if (zoom >= below) return null;
  return 2 ** (Math.round(Math.log2(zoom) * FAR_NAME_STEPS_PER_DOUBLING) / FAR_NAME_STEPS_PER_DOUBLING);
}

export class SceneRenderer {
  /** The focusable host that receives input; holds the drawing and the cursors. */
  readonly root: HTMLDivElement;
  /** The drawing: an SVG in board coordinates (also what exports serialise). */
  readonly drawing: SVGSVGElement;
  /** Holds the drawing; the compositor moves and scales it during a gesture (its own layer). */
  private readonly frame: HTMLDivElement;
  private readonly cursorSvg: SVGSVGElement;
  /** Which view the drawing was laid out for, and when to lay it out again (see `DrawnView`). */
  private readonly drawnView = new DrawnView(() => this.commitViewport());
  readonly world: SVGGElement;
  private readonly template: SVGGElement;
  private readonly notes: KeyedLayer;
  private readonly highlights: KeyedLayer;
  private readonly halos: KeyedLayer;
  private readonly relations: KeyedLayer;
  private readonly actors: KeyedLayer;
  /** Cards' names on one legible line while zoomed out (empty otherwise); see `FAR_NAME_ZOOM`. */
  private readonly farNames: KeyedLayer;
  /** The zoom the far names are laid out for, or null while names are drawn as laid out. */
  private farNamesAt: number | null = null;
  /** Where each drawn far name's letters are (board units), for pointing at a name beside its card. */
  private readonly farNameBoxes = new Map<string, Rect>();
  /**
   * Below this zoom cards show their names on one legible line. A board being drawn on switches at
   * `FAR_NAME_ZOOM`; a pane that is only read (compare, the wall on a projector) switches sooner,
   * where the cards' own names would be under 10.5 px (see `READ_ONLY_FAR_NAME_ZOOM`).
   */
  farNamesBelow = FAR_NAME_ZOOM;
  /**
   * What each far name could run into, found for the last full drawing pass when a name first
   * needs more than a card's room (most short names never do), with the offsets of that pass.
   */
  private farNameRooms: FarNameRooms | null = null;
  private farNameRoomsOffsets: Offsets = new Map();
  private readonly figureMarks: KeyedLayer;
  private readonly voteBadges: KeyedLayer;
  private readonly inks: KeyedLayer;
  private readonly labels: KeyedLayer;
  private readonly overlay: SVGGElement;
  private readonly cursors: SVGGElement;
  private templateKey = '';
  private remoteDragShown = false;
  /** What the last full pass over the elements drew from (see `elementsKey`). */
  private drawnFrom = '';
  /** The figures the halos and marks show, as of the last pass over them. */
  private drawnFiguresRevision = 0;
  /** Drag offsets the elements are drawn with now. */
  private drawnOffsets: Offsets = new Map();
  /** Relation ids by the actors they join, as of the last full pass. */
  private relationsByActor = new Map<string, string[]>();
  /** A snapshot compared with the board now: its gone-since and changed-since elements are outlined. */
  comparison: Pick<BoardChanges, 'removedIds' | 'changedIds'> | null = null;
  /** Removed since the baseline of the "since last time" panel, while a line of it shows them. */
  ghosts: Ghosts | null = null;
  /** Network figures shown on the map, or null while they are off (the default). */
  private figures: Map<string, ActorFigures> | null = null;
  private brokers = new Map<string, number>();
  /** The actors with the highest broker scores, which get a halo. */
  private haloed = new Set<string>();
  private figuresRevision = 0;
  /** Dot-vote badges by actor id (own dots before the reveal, totals after). */
  private votes = new Map<string, VoteBadge>();
  private votesRevision = 0;
  /** On a merged board: elements below the "k of n" slider's threshold, not drawn (see model/support.ts). */
  private hiddenBySupport = new Set<string>();
  private supportRevision = 0;
  private showElements = true;

  constructor(
    private readonly model: BoardModel,
    private readonly editor: Editor,
    private readonly viewport: Viewport,
    private readonly peers: () => Peer[],
    private readonly t: (key: MessageKey) => string,
  ) {
    this.root = document.createElement('div');
    this.root.className = 'k-scene-host';
    this.drawing = svg('svg', { class: 'k-scene', xmlns: 'http://www.w3.org/2000/svg' });
    this.cursorSvg = svg('svg', { class: 'k-scene k-cursor-layer', 'aria-hidden': 'true' });
    adoptSceneStyles();
    const defs = svg('defs', {}, [
      svg('pattern', { id: 'k-dots', width: 32, height: 32, patternUnits: 'userSpaceOnUse' }, [
        svg('circle', { cx: 1.5, cy: 1.5, r: 1.5, fill: '#cbd5e1' }),
      ]),
    ]);
    const layer = (name: string) => svg('g', { class: `k-layer-${name}` });
    this.world = svg('g', { class: 'k-world' });
    this.template = layer('template');
    const notes = layer('notes');
    const highlights = layer('highlights');
    const halos = layer('halos');
    const relations = layer('relations');
    const actors = layer('actors');
    const farNames = layer('far-names');
    const figureMarks = layer('figure-marks');
    const voteBadges = layer('votes');
    const inks = layer('inks');
    const labels = layer('labels');
    this.overlay = layer('overlay');
    this.world.append(this.template, notes, highlights, halos, relations, actors, farNames, figureMarks, voteBadges, inks, labels, this.overlay);
    this.cursors = layer('cursors');
    this.drawing.setAttribute('aria-hidden', 'true');
    // Elements drawn in the margin around the view must show when the compositor moves the drawing
    // during a pan or zoom (an inline SVG clips to its box by default); the host clips to the screen.
    this.drawing.style.overflow = 'visible';
    this.drawing.append(defs, this.world);
    this.cursorSvg.append(this.cursors);
    // The gesture's transform is set on an HTML box around the SVG: on the SVG root itself, Chromium
    // spends several milliseconds restyling the drawing for each step.
    this.frame = document.createElement('div');
    this.frame.className = 'k-scene-frame';
    Object.assign(this.frame.style, { position: 'absolute', inset: '0', transformOrigin: '0 0', willChange: 'transform', pointerEvents: 'none' });
    this.drawing.style.willChange = 'auto';
    this.frame.append(this.drawing);
    this.root.append(this.frame, this.cursorSvg);
    this.notes = new KeyedLayer(notes);
    this.highlights = new KeyedLayer(highlights);
    this.halos = new KeyedLayer(halos);
    this.relations = new KeyedLayer(relations);
    this.actors = new KeyedLayer(actors);
    this.farNames = new KeyedLayer(farNames);
    this.figureMarks = new KeyedLayer(figureMarks);
    this.voteBadges = new KeyedLayer(voteBadges);
    this.inks = new KeyedLayer(inks);
    this.labels = new KeyedLayer(labels);
  }

  /**
   * Only the viewport moved. Laying the drawing out at every step of a pan or zoom is slow (text in
   * particular), so during a gesture the drawn frame is moved and scaled by the compositor, elements
   * are drawn further out when the view outgrows the drawn area, and the drawing is laid out at the
   * final zoom once the view stands still (`DrawnView`).
   */
  renderViewport(): void {
    this.renderCursors();
    const step = this.drawnView.moved(this.viewport);
    if (!step) return this.commitViewport();
    if (step.extendTo) this.cull(step.extendTo);
    // Hiding text when zooming far out is cheap and saves drawing it; showing it waits for the redraw.
    if (this.viewport.zoom < FAR_ZOOM) this.drawing.classList.add('k-far');
    const { scale, dx, dy } = step.move;
    this.moveFrame(scale === 1 && dx === 0 && dy === 0 ? '' : `matrix(${scale},0,0,${scale},${dx},${dy})`);
  }

  /** Sets the frame's compositor transform (a full render with an unchanged view leaves it alone). */
  private moveFrame(transform: string): void {
    if (this.frame.style.transform !== transform) this.frame.style.transform = transform;
  }

  /** Draws the drawing for the current viewport now: one transform, level of detail, and culling. */
  commitViewport(): void {
    const { zoom, tx, ty } = this.viewport;
    this.world.setAttribute('transform', `matrix(${zoom} 0 0 ${zoom} ${tx} ${ty})`);
    this.moveFrame('');
    this.drawing.classList.toggle('k-far', zoom < FAR_ZOOM);
    const farNamesAt = farNameZoom(zoom, this.farNamesBelow);
    if (farNamesAt !== this.farNamesAt) {
      this.farNamesAt = farNamesAt;
      this.drawing.classList.toggle('k-names-far', farNamesAt !== null);
      this.renderFarNames();
    }
    this.cull(this.drawnView.drawnAt(this.viewport));
    this.renderCursors();
  }

  private cull(area: Rect): void {
    for (const layer of [this.notes, this.highlights, this.halos, this.relations, this.actors, this.farNames, this.figureMarks, this.inks, this.labels]) layer.cull(area);
  }

  /**
   * Whether `render` draws the elements. A pane with a cheaper far-out drawing of its own (the
   * compare page's, render/overview.ts) turns them off while it shows that: building thousands of
   * cards nobody could read took most of a comparison's seconds. The far names go with the cards
   * (those standing out of small cards would otherwise be drawn, hundreds of them, over the boxes).
   */
  set elementsShown(shown: boolean) {
    if (shown === this.showElements) return;
    this.showElements = shown;
    for (const layer of [this.notes, this.highlights, this.halos, this.relations, this.actors, this.figureMarks, this.voteBadges, this.inks, this.labels]) {
      layer.group.style.display = shown ? '' : 'none';
    }
    this.renderFarNames();
  }

  /**
   * Everything: the keyed layers rebuild only elements whose look changed. During a gesture the
   * drawing keeps the scale it has (an edit arriving mid-zoom does not force a new layout).
   */
  render(locale: string): void {
    this.renderTemplate(this.model.meta.template, locale);
    if (this.showElements) this.renderElements();
    this.renderOverlay();
    this.renderViewport();
  }

  /** Others' presence changed: cursors and outlines, and elements only while someone drags. */
  renderPresence(): void {
    const dragging = this.peers().some((p) => p.drag !== null);
    if (dragging || this.remoteDragShown) this.renderElements();
    this.remoteDragShown = dragging;
    this.renderOverlay();
    this.renderCursors();
  }

  private renderTemplate(template: Template, locale: string): void {
    const key = `${template}/${locale}`;
    if (key === this.templateKey) return;
    this.templateKey = key;
    this.template.replaceChildren(...templateNodes(template, this.t));
  }

  /** Shows network figures on the map (halos, broker and isolated marks), or hides them with null. */
  showFigures(figures: Map<string, ActorFigures> | null): void {
    // Turning figures on shows nothing until the first answer: no pass over the elements for that.
    if (!figures?.size && !this.figures?.size) {
      this.figures = figures;
      return;
    }
    this.figures = figures;
    this.brokers = figures ? brokerRanks(figures) : new Map();
    this.haloed = new Set([...(figures?.values() ?? [])].filter((f) => f.betweenness > 0)
      .sort((a, b) => b.betweenness - a.betweenness).slice(0, HALO_COUNT).map((f) => f.actorId));
    this.figuresRevision += 1;
  }

  /** Shows dot-vote badges on the cards (an empty map shows none). */
  showVotes(votes: Map<string, VoteBadge>): void {
    this.votes = votes;
    this.votesRevision += 1;
  }

  /** Hides these elements (the "at least k of n maps" slider of a merged board). */
  hideBySupport(ids: Set<string>): void {
    this.hiddenBySupport = ids;
    this.supportRevision += 1;
  }

  /** Offsets of elements being dragged, by this user or by others (live, not yet in the doc). */
  private dragOffsets(peers: Peer[]): Offsets {
    const offsets: Offsets = new Map();
    for (const peer of peers) {
      if (!peer.drag || !Array.isArray(peer.drag.ids)) continue;
      const { dx, dy } = peer.drag;
      if (!Number.isFinite(dx) || !Number.isFinite(dy)) continue;
      for (const id of peer.drag.ids.slice(0, 5000)) offsets.set(String(id), { dx, dy });
    }
    const own = this.editor.drag;
    if (own) for (const id of own.ids) offsets.set(id, { dx: own.dx, dy: own.dy });
    return offsets;
  }

  /**
   * The elements, as keyed layers that rebuild only what changed. While something is dragged and
   * nothing else changed (the model, the legend, the eraser's marks), only the dragged elements and
   * the relations touching them are visited: a drag on a board of thousands then costs a few nodes
   * per frame instead of a walk over all of them.
   */
  private renderElements(): void {
    const offsets = this.dragOffsets(this.peers());
    const from = this.elementsKey();
    if (from === this.drawnFrom) {
      // New figures alone change halos and marks, not cards or lines: a pass over the actors' marks
      // instead of every element (on a large board the full pass was most of that frame).
      if (this.figuresRevision !== this.drawnFiguresRevision) this.renderFigures(offsets);
      this.renderMoved(offsets);
    } else {
      this.renderAll(offsets);
      this.drawnFrom = from;
    }
    this.drawnFiguresRevision = this.figuresRevision;
    this.drawnOffsets = offsets;
  }

  /** Everything besides drag offsets and figures that the elements' look depends on. */
  private elementsKey(): string {
    const legend = [...this.editor.legend].map(([kind, mode]) => `${kind}:${mode}`).join(',');
    return `${this.model.revision}|${legend}|${[...this.editor.erasing].join(',')}|${this.votesRevision}|${this.supportRevision}`;
  }

  /** Halos and broker or isolated marks only, for new figures on an unchanged map. */
  private renderFigures(offsets: Offsets): void {
    const seenHalos = this.halos.begin();
    const seenMarks = this.figureMarks.begin();
    for (const actor of this.model.actors.values()) this.putFigures(seenHalos, seenMarks, actor, offsets);
    this.halos.end(seenHalos);
    this.figureMarks.end(seenMarks);
  }

  private renderAll(offsets: Offsets): void {
    const { model } = this;
    this.findFarNameRooms(offsets);
    let seen = this.actors.begin();
    const seenFarNames = this.farNames.begin();
    this.farNameBoxes.clear();
    const seenHalos = this.halos.begin();
    const seenMarks = this.figureMarks.begin();
    const seenVotes = this.voteBadges.begin();
    for (const actor of model.actors.values()) {
      this.putActor(seen, actor, offsets);
      this.putFarName(seenFarNames, actor, offsets);
      this.putFigures(seenHalos, seenMarks, actor, offsets);
      this.putVote(seenVotes, actor, offsets);
    }
    this.actors.end(seen);
    this.farNames.end(seenFarNames);
    this.halos.end(seenHalos);
    this.figureMarks.end(seenMarks);
    this.voteBadges.end(seenVotes);

    seen = this.relations.begin();
    this.relationsByActor.clear();
    for (const relation of model.liveRelations()) {
      for (const end of [relation.from, relation.to]) {
        const list = this.relationsByActor.get(end);
        if (list) list.push(relation.id);
        else this.relationsByActor.set(end, [relation.id]);
      }
      this.putRelation(seen, relation, offsets);
    }
    this.relations.end(seen);

    const seenNotes = this.notes.begin();
    const seenLabels = this.labels.begin();
    for (const note of model.notes.values()) this.putNote(note.variant === 'label' ? seenLabels : seenNotes, note, offsets);
    this.notes.end(seenNotes);
    this.labels.end(seenLabels);

    const seenHigh = this.highlights.begin();
    const seenInk = this.inks.begin();
    const erasing = this.editor.erasing;
    for (const stroke of model.strokes.values()) {
      const cls = erasing.has(stroke.id) ? 'k-erasing' : '';
      const layer = stroke.tool === 'highlighter' ? this.highlights : this.inks;
      layer.put(stroke.tool === 'highlighter' ? seenHigh : seenInk, stroke.id, cls, strokeBounds(stroke), () => strokeNode(stroke, cls));
    }
    this.highlights.end(seenHigh);
    this.inks.end(seenInk);
  }

  /** Only drag offsets changed since the last pass: redraw what moved, or stopped moving. */
  private renderMoved(offsets: Offsets): void {
    const { model } = this;
    const moved = new Set([...this.drawnOffsets.keys(), ...offsets.keys()]);
    const relations = new Set<string>();
    for (const id of moved) {
      const actor = model.actors.get(id);
      if (actor) {
        this.putActor(null, actor, offsets);
        this.putFarName(null, actor, offsets);
        this.putFigures(null, null, actor, offsets);
        this.putVote(null, actor, offsets);
        for (const relationId of this.relationsByActor.get(id) ?? []) relations.add(relationId);
        continue;
      }
      const note = model.notes.get(id);
      if (note) this.putNote(null, note, offsets);
    }
    for (const id of relations) {
      const relation = model.relations.get(id);
      if (relation) this.putRelation(null, relation, offsets);
    }
  }

  private putActor(seen: Set<string> | null, actor: Actor, offsets: Offsets): void {
    const mode = this.editor.legend.get(actor.kind);
    if (mode === 'hide' || this.hiddenBySupport.has(actor.id)) return;
    const off = offsets.get(actor.id);
    const dx = off?.dx ?? 0;
    const dy = off?.dy ?? 0;
    const cls = mode === 'dim' ? 'k-dim' : '';
    const support = supportBadge(actor.sources, this.model.meta);
    const sig = `${actor.x + dx},${actor.y + dy},${actor.kind},${actor.name},${actor.alias},${actor.influence},${actor.stance},${cls},${support}`;
    this.actors.put(seen, actor.id, sig, actorRect(actor, dx, dy), () => {
      const node = actorNode(actor, dx, dy, cls);
      if (support) node.append(supportBadgeNode(support, -actorCardWidth(actor) / 2 + 4, -actorCardHeight(actor) / 2));
      return node;
    });
  }

  /** Every card's far name again, for a new zoom step (or none, when names are near again). */
  private renderFarNames(): void {
    this.findFarNameRooms(this.drawnOffsets);
    const seen = this.farNames.begin();
    this.farNameBoxes.clear();
    // The renderer's viewport tests run it without a model or an editor: then there are no cards.
    for (const actor of this.model.actors?.values() ?? []) this.putFarName(seen, actor, this.drawnOffsets);
    this.farNames.end(seen);
  }

  /**
   * A new full drawing pass: the far names' rooms are found again, from these offsets, when a name
   * first needs them. A card being dragged keeps the rooms of its pass (its neighbours' names
   * adjust when the drag ends).
   */
  private findFarNameRooms(offsets: Offsets): void {
    this.farNameRooms = null;
    this.farNameRoomsOffsets = offsets;
  }

  /** Every shown card and note, for the far names to stop before (see `FarNameRooms`). */
  private farNameRoomsNow(): FarNameRooms {
    if (this.farNameRooms) return this.farNameRooms;
    const offsets = this.farNameRoomsOffsets;
    const rooms = new FarNameRooms();
    for (const actor of this.model.actors?.values() ?? []) {
      if (this.editor.legend?.get(actor.kind) === 'hide' || this.hiddenBySupport.has(actor.id)) continue;
      const off = offsets.get(actor.id);
      rooms.add(actor.id, actorRect(actor, off?.dx, off?.dy));
    }
    for (const note of this.model.notes?.values() ?? []) {
      const off = offsets.get(note.id);
      rooms.add(note.id, noteRect(note, off?.dx, off?.dy));
    }
    this.farNameRooms = rooms;
    return rooms;
  }

  /**
   * The actor whose zoomed-out name is drawn at a board point, if any: the name may run past its
   * card, and what people see there is the actor's name, so pointing at it is pointing at the actor.
   */
  farNameAt(x: number, y: number): string | null {
    if (this.farNamesAt === null) return null;
    for (const [id, r] of this.farNameBoxes) if (x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h) return id;
    return null;
  }

  private putFarName(seen: Set<string> | null, actor: Actor, offsets: Offsets): void {
    this.farNameBoxes.delete(actor.id);
    const zoom = this.farNamesAt;
    const mode = this.editor.legend?.get(actor.kind);
    if (zoom === null || !this.showElements || mode === 'hide' || this.hiddenBySupport.has(actor.id)) return;
    const height = actorCardHeight(actor);
    const off = offsets.get(actor.id);
    const x = actor.x + (off?.dx ?? 0);
    const y = actor.y + (off?.dy ?? 0);
    // The line starts where the card's name does, so it moves when the card's width changes (an alias added).
    const left = x - actorCardWidth(actor) / 2 + CARD.nameLeft;
    // A name longer than a widest card's room runs to the right as far as the map leaves space on its
    // line; the line is taken as high as its letters' box (1.2 of the font size). A name standing out
    // of its small card is given no card's room either: only what the map leaves, so that a close
    // neighbour shortens it rather than hiding it.
    const standsOut = farNameStandsOut(zoom, height);
    let room: number = CARD.nameMaxWidth;
    let layout = standsOut ? null : farNameLayout(actor.name, zoom, height, room);
    if (!layout || layout.shortened) {
      const half = farNameFontSize(zoom, height) * 0.6;
      const least = standsOut ? 0 : CARD.nameMaxWidth;
      room = this.farNameRoomsNow().room(actor.id, left, y - half, y + half, FAR_NAME_MAX_SCREEN_PX / zoom, least);
      if (standsOut || room > CARD.nameMaxWidth) layout = farNameLayout(actor.name, zoom, height, room);
    }
    if (!layout) return;
    const card = actorRect(actor, off?.dx, off?.dy);
    const half = layout.fontSize * 0.6;
    if (layout.standsOut) {
      const line = { x: card.x, y: y - half, w: left - card.x + textUnits(layout.line, layout.fontSize) / 1000, h: 2 * half };
      if (this.farNameRoomsNow().blocked(actor.id, line)) return;
    }
    this.farNameBoxes.set(actor.id, { x: left, y: y - half, w: textUnits(layout.line, layout.fontSize) / 1000, h: 2 * half });
    const cls = mode === 'dim' ? 'k-far-name k-dim' : 'k-far-name';
    const top = Math.min(card.y, y - half);
    const bounds = { x: card.x, y: top, w: Math.max(card.w, CARD.nameLeft + room), h: Math.max(card.y + card.h, y + half) - top };
    this.farNames.put(seen, actor.id, `${left},${y},${layout.line},${layout.fontSize},${cls}`, bounds, () => {
      // Where the card's name starts, centred on the card's middle line.
      const text = svg('text', { class: cls, x: left, y, 'font-size': layout.fontSize, 'dominant-baseline': 'central' });
      text.textContent = layout.line;
      return text;
    });
  }

  private putFigures(seenHalos: Set<string> | null, seenMarks: Set<string> | null, actor: Actor, offsets: Offsets): void {
    const figures = this.figures?.get(actor.id);
    if (!figures || this.editor.legend.get(actor.kind) === 'hide' || this.hiddenBySupport.has(actor.id)) return;
    const off = offsets.get(actor.id);
    const dx = off?.dx ?? 0;
    const dy = off?.dy ?? 0;
    const x = actor.x + dx;
    const y = actor.y + dy;
    if (this.haloed.has(actor.id)) {
      const r = haloRadius(figures.betweenness);
      this.halos.put(seenHalos, actor.id, `${x},${y},${r}`, { x: x - r, y: y - r, w: 2 * r, h: 2 * r }, () => haloNode(actor, figures, dx, dy));
    }
    const rank = this.brokers.get(actor.id);
    if (figures.isolated || rank !== undefined) {
      const labels = { broker: this.t('figures.broker'), noRelations: this.t('figures.noRelations') };
      const bounds = { x: x - 120, y: y - 60, w: 240, h: 120 };
      this.figureMarks.put(seenMarks, actor.id, `${x},${y},${figures.isolated},${rank},${labels.broker},${labels.noRelations}`, bounds,
        () => figureMarksNode(actor, figures, rank, labels, dx, dy));
    }
  }

  private putVote(seen: Set<string> | null, actor: Actor, offsets: Offsets): void {
    const badge = this.votes.get(actor.id);
    if (!badge || this.editor.legend.get(actor.kind) === 'hide') return;
    const off = offsets.get(actor.id);
    const dx = off?.dx ?? 0;
    const dy = off?.dy ?? 0;
    const r = voteBadgeRadius(badge.count, badge.revealed);
    const { x, y } = voteBadgeCenter(actor, dx, dy, r);
    const mine = this.t('vote.badgeMine');
    this.voteBadges.put(seen, actor.id, `${x},${y},${badge.count},${badge.revealed},${mine}`, { x: x - r, y: y - r, w: 2 * r, h: 2 * r },
      () => voteBadgeNode(actor, badge.count, badge.revealed, mine, dx, dy));
  }

  private putRelation(seen: Set<string> | null, relation: Relation, offsets: Offsets): void {
    const { model, editor } = this;
    const a = model.actors.get(relation.from);
    const b = model.actors.get(relation.to);
    if (!a || !b || this.hiddenBySupport.has(relation.id)) return;
    const modeA = editor.legend.get(a.kind);
    const modeB = editor.legend.get(b.kind);
    if (modeA === 'hide' || modeB === 'hide') return;
    const cls = modeA === 'dim' || modeB === 'dim' ? 'k-dim' : '';
    const oa = offsets.get(a.id);
    const ob = offsets.get(b.id);
    const pa = { x: a.x + (oa?.dx ?? 0), y: a.y + (oa?.dy ?? 0), w: actorCardWidth(a), h: actorCardHeight(a) };
    const pb = { x: b.x + (ob?.dx ?? 0), y: b.y + (ob?.dy ?? 0), w: actorCardWidth(b), h: actorCardHeight(b) };
    const support = relationSupportBadge(relation, model.actors, model.meta);
    const sig = `${pa.x},${pa.y},${pa.w},${pa.h},${pb.x},${pb.y},${pb.w},${pb.h},${relation.kind},${relation.label},${relation.direction},${relation.strength},${relation.status},${cls},${support}`;
    const bounds = { x: Math.min(pa.x, pb.x) - 100, y: Math.min(pa.y, pb.y) - 40, w: Math.abs(pa.x - pb.x) + 200, h: Math.abs(pa.y - pb.y) + 80 };
    this.relations.put(seen, relation.id, sig, bounds, () => {
      const node = relationNode(relation, pa, pb, relation.label, cls);
      // Beside the line's middle, clear of a label written on it.
      if (support) node.append(supportBadgeNode(support, (pa.x + pb.x) / 2 - 17, (pa.y + pb.y) / 2 + 8));
      return node;
    });
  }

  private putNote(seen: Set<string> | null, note: Note, offsets: Offsets): void {
    const off = offsets.get(note.id);
    const dx = off?.dx ?? 0;
    const dy = off?.dy ?? 0;
    const cls = this.editor.erasing.has(note.id) ? 'k-erasing' : '';
    const sig = `${note.x + dx},${note.y + dy},${note.w},${note.h},${note.color},${note.body},${cls}`;
    const layer = note.variant === 'label' ? this.labels : this.notes;
    const bounds = { x: note.x + dx, y: note.y + dy, w: Math.max(note.w, 400), h: Math.max(note.h, 200) };
    layer.put(seen, note.id, sig, bounds, () => noteNode(note, dx, dy, cls));
  }

  /** Selections (own and others'), the selection box, a relation being drawn, and ink in progress. */
  private renderOverlay(): void {
    const { model, editor } = this;
    const peers = this.peers();
    const offsets = this.dragOffsets(peers);
    const nodes: SVGElement[] = [];
    const pad = 5 / this.viewport.zoom;
    const outline = (id: string, color: string, dashed: boolean, name?: string) => {
      const relation = model.relations.get(id);
      if (relation) {
        const a = model.actors.get(relation.from);
        const b = model.actors.get(relation.to);
        if (!a || !b) return;
        const oa = offsets.get(a.id);
        const ob = offsets.get(b.id);
        const pa = { x: a.x + (oa?.dx ?? 0), y: a.y + (oa?.dy ?? 0) };
        const pb = { x: b.x + (ob?.dx ?? 0), y: b.y + (ob?.dy ?? 0) };
        const start = cardExit(pa.x, pa.y, pb.x, pb.y, actorCardWidth(a), actorCardHeight(a));
        const end = cardExit(pb.x, pb.y, pa.x, pa.y, actorCardWidth(b), actorCardHeight(b));
        if (!start || !end) return;
        nodes.push(svg('path', {
          d: `M${start.x} ${start.y}L${end.x} ${end.y}`,
          stroke: color, 'stroke-opacity': 0.35, 'stroke-width': 12, fill: 'none', 'stroke-linecap': 'round',
        }));
        return;
      }
      const r = this.boundsOf(id, offsets);
      if (!r) return;
      nodes.push(svg('rect', {
        x: r.x - pad, y: r.y - pad, width: r.w + 2 * pad, height: r.h + 2 * pad, rx: 12, fill: 'none',
        stroke: color, 'stroke-width': 2.5 / this.viewport.zoom, ...(dashed ? { 'stroke-dasharray': `${6 / this.viewport.zoom} ${4 / this.viewport.zoom}` } : {}),
      }));
      if (name) {
        const tag = svg('text', { x: r.x - pad, y: r.y - pad - 4 / this.viewport.zoom, fill: color, 'font-size': 12 / this.viewport.zoom, 'font-weight': 600 });
        tag.textContent = name;
        nodes.push(tag);
      }
    };
    for (const peer of peers) {
      peer.selection.slice(0, 200).forEach((id, i) => outline(String(id), peer.user.color, true, i === 0 ? peer.user.name : undefined));
      if (peer.ink && Array.isArray(peer.ink.points)) {
        nodes.push(strokeNode({ ...peer.ink, points: peer.ink.points.slice(0, 30000) }, 'k-live-ink'));
      }
    }
    for (const line of this.ghosts?.relations ?? []) {
      const start = cardExit(line.from.x, line.from.y, line.to.x, line.to.y, line.from.w, line.from.h);
      const end = cardExit(line.to.x, line.to.y, line.from.x, line.from.y, line.to.w, line.to.h);
      if (start && end) nodes.push(svg('path', { class: 'k-gone-line', d: `M${start.x} ${start.y}L${end.x} ${end.y}`, stroke: COMPARE_REMOVED }));
    }
    for (const actor of this.ghosts?.actors ?? []) {
      // Never colour alone: a dashed outline, faded, with a "−" badge.
      const ghost = actorNode(actor, 0, 0, 'k-gone');
      const r = actorRect(actor);
      ghost.append(svg('rect', { class: 'k-gone-outline', x: -r.w / 2 - 4, y: -r.h / 2 - 4, width: r.w + 8, height: r.h + 8, rx: 12, stroke: COMPARE_REMOVED }));
      const badge = svg('g', { transform: `translate(${-r.w / 2} ${-r.h / 2})` }, [svg('circle', { r: 10, fill: COMPARE_REMOVED })]);
      const mark = svg('text', { 'text-anchor': 'middle', y: 5, fill: '#ffffff', 'font-size': 16, 'font-weight': 700 });
      mark.textContent = '−';
      badge.append(mark);
      ghost.append(badge);
      nodes.push(ghost);
    }
    for (const id of this.comparison?.changedIds ?? []) outline(id, COMPARE_CHANGED, false);
    for (const id of this.comparison?.removedIds ?? []) outline(id, COMPARE_REMOVED, true);
    for (const id of editor.selection) outline(id, '#2563eb', false);
    const single = editor.selection.size === 1 ? model.actors.get([...editor.selection][0]!) : undefined;
    if (single && model.canWrite() && !editor.relationDraft && editor.tool === 'select') {
      const off = offsets.get(single.id);
      const p = connectHandle(single, off?.dx, off?.dy);
      const r = (HANDLE_RADIUS_PX - 3) / this.viewport.zoom;
      nodes.push(svg('g', { class: 'k-connect-handle' }, [
        svg('circle', { cx: p.x, cy: p.y, r, fill: '#2563eb', stroke: '#ffffff', 'stroke-width': 2 / this.viewport.zoom }),
        svg('path', { d: `M${p.x - r / 2} ${p.y}H${p.x + r / 2}M${p.x} ${p.y - r / 2}V${p.y + r / 2}`, stroke: '#ffffff', 'stroke-width': 2 / this.viewport.zoom }),
      ]));
    }
    // A selected relation's two ends can be dragged onto other actors.
    const singleRelation = editor.selection.size === 1 ? [...editor.selection][0]! : null;
    if (singleRelation && model.relations.has(singleRelation) && model.canWrite() && !editor.endpointDraft && editor.tool === 'select') {
      const ends = relationEnds(model, singleRelation);
      const r = (HANDLE_RADIUS_PX - 4) / this.viewport.zoom;
      if (ends) {
        for (const [end, p] of [['from', ends.from], ['to', ends.to]] as const) {
          nodes.push(svg('circle', { class: 'k-endpoint-handle', 'data-end': end, cx: p.x, cy: p.y, r, fill: '#ffffff', stroke: '#2563eb', 'stroke-width': 2.5 / this.viewport.zoom }));
        }
      }
    }
    const endpoint = editor.endpointDraft;
    if (endpoint) {
      const relation = model.relations.get(endpoint.relation);
      const fixed = relation && model.actors.get(endpoint.end === 'from' ? relation.to : relation.from);
      const target = endpoint.target ? model.actors.get(endpoint.target) : null;
      if (fixed) {
        nodes.push(svg('path', {
          d: `M${fixed.x} ${fixed.y}L${target?.x ?? endpoint.x} ${target?.y ?? endpoint.y}`,
          stroke: '#2563eb', 'stroke-width': 2.5, 'stroke-dasharray': '6 5', fill: 'none',
        }));
        if (target) outline(target.id, '#2563eb', false);
      }
    }
    if (editor.brush) {
      const b = editor.brush;
      nodes.push(svg('rect', {
        x: b.x, y: b.y, width: b.w, height: b.h, fill: '#2563eb', 'fill-opacity': 0.06, stroke: '#2563eb', 'stroke-width': 1 / this.viewport.zoom,
      }));
    }
    const draft = editor.relationDraft;
    if (draft) {
      const from = model.actors.get(draft.from);
      const target = draft.target ? model.actors.get(draft.target) : null;
      if (from) {
        // The source stays marked (a tinted, thick frame) while the second click is awaited.
        const r = this.boundsOf(from.id, offsets);
        const pad = 6 / this.viewport.zoom;
        if (r) {
          nodes.push(svg('rect', {
            class: 'k-relation-source', 'data-id': from.id, x: r.x - pad, y: r.y - pad, width: r.w + 2 * pad, height: r.h + 2 * pad, rx: 12,
            fill: '#2563eb', 'fill-opacity': 0.12, stroke: '#2563eb', 'stroke-width': 4 / this.viewport.zoom,
          }));
        }
        nodes.push(svg('path', {
          class: 'k-relation-draft',
          d: `M${from.x} ${from.y}L${target?.x ?? draft.x} ${target?.y ?? draft.y}`,
          stroke: '#2563eb', 'stroke-width': 2.5, 'stroke-dasharray': '6 5', fill: 'none',
        }));
        if (target) outline(target.id, '#2563eb', false);
      }
    }
    if (editor.ink) nodes.push(strokeNode(editor.ink, 'k-live-ink'));
    this.overlay.replaceChildren(...nodes);
  }

  private boundsOf(id: string, offsets: Offsets): Rect | null {
    const off = offsets.get(id);
    const actor = this.model.actors.get(id);
    if (actor) return actorRect(actor, off?.dx, off?.dy);
    const note = this.model.notes.get(id);
    if (note) return noteRect(note, off?.dx, off?.dy);
    const stroke = this.model.strokes.get(id);
    if (stroke) return strokeBounds(stroke);
    return null;
  }

  /** Others' cursors in screen space, so they keep their size at any zoom. */
  private renderCursors(): void {
    const nodes: SVGElement[] = [];
    for (const peer of this.peers()) {
      const c = peer.cursor;
      if (!c || !Number.isFinite(c.x) || !Number.isFinite(c.y)) continue;
      const p = this.viewport.toScreen(c.x, c.y);
      const g = svg('g', { class: 'k-cursor', transform: `translate(${p.x} ${p.y})`, 'data-peer': peer.user.name });
      g.append(svg('path', { d: 'M0 0L0 17L4.5 12.5L8 20L11 18.5L7.5 11.5L13 11.5Z', fill: peer.user.color, stroke: '#ffffff', 'stroke-width': 1.5 }));
      const width = 12 + peer.user.name.length * 7.2;
      g.append(svg('rect', { x: 12, y: 20, width, height: 20, rx: 6, fill: peer.user.color }));
      const name = svg('text', { x: 18, y: 34, fill: '#ffffff', 'font-size': 12, 'font-weight': 600 });
      name.textContent = peer.user.name;
      g.append(name);
      nodes.push(g);
    }
    this.cursors.replaceChildren(...nodes);
  }
}
