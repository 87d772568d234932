// The editor: selection, transient gesture state and the active tool state machine (no DOM here).
import type { BoardModel } from '../model/board';
import type { Presence, LiveInk } from '../model/presence';
import type { Viewport, Rect, Point } from '../render/viewport';
import type { ActorKind, StrokeTool } from '../generated/protocol';
import { INK_COLORS, NOTE_COLORS } from '../model/types';
import { hitTest, boardBounds, elementRects, connectHandle, relationEnds, HANDLE_RADIUS_PX } from './hit';
import { templateBounds } from '../render/template';
import { unionRect } from '../render/viewport';
import { openingView } from '../render/opening-view';
import { fitWithFarNames } from '../render/far-names';
import type { Hit } from './hit';
import type { KeyInput, PointerInput, ToolName, ToolState } from './tool';
import { createToolState } from './registry';
import { BOARD_ACTIONS } from '../actions/board-actions';
import { performShortcut } from '../actions/action';
import { copyPayload, pasteOffset, pastePayload } from '../model/clipboard';
import { alignMoves, arrangeable, distributeMoves } from '../model/arrange';
import type { Alignment, Distribution } from '../model/arrange';

export type LegendMode = 'dim' | 'hide';

/** Below this zoom, the fit button leaves out the background: the cards would be too small to read. */
const READABLE_ZOOM = 0.3;
/** Screen pixels the fit button keeps around the map. */
const FIT_PADDING = 48;

export { READ_ONLY_TOOLS } from './tool';

/** Requests the editor makes of the surrounding UI (inline editors, dialogs, panels). */
export interface EditorHost {
  /** `placed`: the actor was just put on the board, so cancelling the name takes it off again. */
  editActorName?(id: string, placed?: boolean): void;
  editNote?(id: string): void;
  showOutline?(): void;
  openHelp?(): void;
  /** The system clipboard (and its same-browser stand-in); `at` is where a paste should land, in board units. */
  clipboard?: { copy(ids: string[], cut: boolean): void; paste(at: Point): void };
  /** The find field (Ctrl+F). */
  openFind?(): void;
  /** Tells the person something that happened, or why something did not. */
  notify?(text: string, isError: boolean): void;
}

export class Editor {
  readonly selection = new Set<string>();
  /** Actors and notes being dragged, drawn at their offset until the drop writes them. */
  drag: { ids: string[]; dx: number; dy: number } | null = null;
  brush: Rect | null = null;
  relationDraft: { from: string; x: number; y: number; target: string | null } | null = null;
  /** A selected relation's end being dragged to another actor: `end` moves, the other stays. */
  endpointDraft: { relation: string; end: 'from' | 'to'; x: number; y: number; target: string | null } | null = null;
  ink: LiveInk | null = null;
  erasing = new Set<string>();
  readonly legend = new Map<ActorKind, LegendMode>();
  /** Elements not drawn (a merged board's "at least k of n maps" slider): they cannot be hit or box-selected either. */
  hiddenIds: ReadonlySet<string> = new Set();

  actorKind: ActorKind = 'municipality';
  inkColor: string = INK_COLORS[0];
  noteColor: string = NOTE_COLORS[0];
  tool: ToolName = 'select';
  state: ToolState;
  host: EditorHost = {};
  /** Where the pointer last was over the board (board units), for pasting at it; null once it left. */
  pointer: Point | null = null;

  private readonly listeners = new Set<() => void>();

  constructor(readonly model: BoardModel, readonly viewport: Viewport, readonly presence: Presence | null = null) {
    this.state = createToolState(this, 'select');
    model.onChange((change) => {
      // Elements deleted by anyone leave the selection.
      let pruned = false;
      for (const id of change.ids) {
        if (this.selection.has(id) && !model.typeOf(id)) {
          this.selection.delete(id);
          pruned = true;
        }
      }
      if (pruned) this.selectionChanged();
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something the renderer draws changed (selection, a gesture in progress, the tool). */
  changed(): void {
    for (const listener of this.listeners) listener();
  }

  get hiddenKinds(): Set<ActorKind> {
    const hidden = new Set<ActorKind>();
    for (const [kind, mode] of this.legend) if (mode === 'hide') hidden.add(kind);
    return hidden;
  }

  /** True when this client may not change the board (a viewer, or a locked board); see BoardModel.canWrite. */
  get locked(): boolean {
    return !this.model.canWrite();
  }

  // ---- tools and states -------------------------------------------------------------------

  setTool(tool: ToolName): void {
    this.state.cancel?.();
    this.state.exit?.();
    this.tool = tool;
    this.state = createToolState(this, tool);
    this.changed();
  }

  transition(state: ToolState): void {
    this.state.exit?.();
    this.state = state;
    this.changed();
  }

  /** Back to the tool's resting state. */
  idle(): void {
    this.transition(createToolState(this, this.tool));
  }

  // ---- input ------------------------------------------------------------------------------

  pointerDown(input: PointerInput): void {
    this.state.pointerDown?.(input);
  }

  pointerMove(input: PointerInput): void {
    this.presence?.set({ cursor: { x: round(input.x), y: round(input.y) } });
    this.pointer = { x: input.x, y: input.y };
    this.state.pointerMove?.(input);
  }

  pointerUp(input: PointerInput): void {
    this.state.pointerUp?.(input);
  }

  doubleClick(input: PointerInput): void {
    this.state.doubleClick?.(input);
  }

  pointerLeave(): void {
    this.presence?.set({ cursor: null });
    this.pointer = null;
  }

  cancel(): void {
    this.state.cancel?.();
  }

  /** The tool's state first (a gesture in progress, Enter placing), then the board's actions (`BOARD_ACTIONS`). */
  keyDown(input: KeyInput): boolean {
    if (this.state.keyDown?.(input)) return true;
    return performShortcut(BOARD_ACTIONS, this, input);
  }

  // ---- actions ----------------------------------------------------------------------------

  /** Undo cancels a gesture in progress first, so a half-done drag is never written afterwards. */
  undo(): void {
    this.state.cancel?.();
    this.model.undo();
  }

  redo(): void {
    this.state.cancel?.();
    this.model.redo();
  }

  select(ids: Iterable<string>): void {
    this.selection.clear();
    for (const id of ids) this.selection.add(id);
    this.selectionChanged();
  }

  toggleSelected(id: string): void {
    if (this.selection.has(id)) this.selection.delete(id);
    else this.selection.add(id);
    this.selectionChanged();
  }

  deleteSelection(): void {
    if (this.selection.size === 0 || this.locked) return;
    this.model.deleteElements([...this.selection]);
    this.select([]);
  }

  /** The selected actors, notes and strokes: what copy, cut and duplicate take (relations come along between copied actors). */
  copyableSelection(): string[] {
    const model = this.model;
    return [...this.selection].filter((id) => model.actors.has(id) || model.notes.has(id) || model.strokes.has(id));
  }

  /** A copy of the selection beside it, in one undo step, selected in its place. */
  duplicateSelection(): void {
    const ids = this.copyableSelection();
    if (ids.length === 0 || this.locked) return;
    const payload = copyPayload(this.model, ids);
    this.select(pastePayload(this.model, payload, pasteOffset(this.model, payload, null)));
  }

  /** Lines the selected actors and notes up (one undo step). */
  alignSelection(alignment: Alignment): void {
    if (this.locked) return;
    const moves = alignMoves(arrangeable(this.model, this.selection), alignment);
    if (moves.length) this.model.moveElements(moves);
  }

  /** Spreads the selected actors and notes evenly (one undo step). */
  distributeSelection(distribution: Distribution): void {
    if (this.locked) return;
    const moves = distributeMoves(arrangeable(this.model, this.selection), distribution);
    if (moves.length) this.model.moveElements(moves);
  }

  /** The actor whose zoomed-out name is drawn at a board point (set by the page from its renderer). */
  farNameAt: (x: number, y: number) => string | null = () => null;

  hit(x: number, y: number): Hit | null {
    const hit = hitTest(this.model, x, y, 6 / this.viewport.zoom, this.hiddenKinds, this.hiddenIds);
    if (hit?.type === 'actor') return hit;
    // A far name runs past its card, drawn over relations and notes: there it is the actor people point at.
    const named = this.farNameAt(x, y);
    return named !== null && this.model.actors.has(named) ? { type: 'actor', id: named } : hit;
  }

  /** The single selected actor whose connect handle is at this point, if any. */
  handleAt(x: number, y: number): string | null {
    if (this.selection.size !== 1 || this.locked) return null;
    const [id] = this.selection;
    const actor = this.model.actors.get(id!);
    if (!actor) return null;
    const handle = connectHandle(actor);
    return Math.hypot(handle.x - x, handle.y - y) <= HANDLE_RADIUS_PX / this.viewport.zoom ? actor.id : null;
  }

  /** The end of the single selected relation whose handle is at this point, if any. */
  endpointAt(x: number, y: number): { relation: string; end: 'from' | 'to' } | null {
    if (this.selection.size !== 1 || this.locked) return null;
    const [id] = this.selection;
    const ends = relationEnds(this.model, id!);
    if (!ends) return null;
    const reach = HANDLE_RADIUS_PX / this.viewport.zoom;
    const dFrom = Math.hypot(ends.from.x - x, ends.from.y - y);
    const dTo = Math.hypot(ends.to.x - x, ends.to.y - y);
    if (Math.min(dFrom, dTo) > reach) return null;
    return { relation: id!, end: dFrom <= dTo ? 'from' : 'to' };
  }

  /**
   * Shows everything drawn, with the template behind it when that still leaves the map readable
   * (on a phone the whole template would make the cards too small to read).
   */
  zoomToFit(): void {
    const drawn = boardBounds(this.model);
    const background = templateBounds(this.model.meta.template);
    const actors = this.model.actors.values();
    if (!background) return fitWithFarNames(this.viewport, drawn, FIT_PADDING, actors);
    const both = unionRect(drawn, background);
    const free = this.viewport.freeArea();
    const fitsReadably = Math.min(free.w / both.w, free.h / both.h) >= READABLE_ZOOM;
    fitWithFarNames(this.viewport, fitsReadably || !drawn ? both : drawn, FIT_PADDING, actors);
  }

  /** The view a board opens with: its content at a zoom where names can be read (see `render/opening-view.ts`). */
  showOpeningView(): void {
    // Opened in the part of the screen the tool bar leaves free, centred there.
    const free = this.viewport.freeArea();
    const view = openingView(elementRects(this.model), free.w, free.h, this.viewport.covered());
    this.viewport.showInFreeArea(view.zoom, view.centre);
  }

  cycleLegend(kind: ActorKind): void {
    const mode = this.legend.get(kind);
    if (mode === undefined) this.legend.set(kind, 'dim');
    else if (mode === 'dim') this.legend.set(kind, 'hide');
    else this.legend.delete(kind);
    this.changed();
  }

  strokeStyle(tool: StrokeTool): { color: string; width: number } {
    return tool === 'highlighter' ? { color: highlighterColor(this.inkColor), width: 22 } : { color: this.inkColor, width: 4 };
  }

  private selectionChanged(): void {
    this.presence?.set({ selection: [...this.selection] });
    this.changed();
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Highlighters use a light tint of the pen colour; black becomes a yellow marker. */
function highlighterColor(color: string): string {
  return color === INK_COLORS[0] ? '#facc15' : color;
}
