// The board model: the only code that writes the Y.Doc, with a plain cache of its elements for readers.
import * as Y from 'yjs';
import { ROOT, FIELD } from '../generated/protocol';
import type { ActorKind, BoardView, Template } from '../generated/protocol';
import type { Actor, ElementType, Meta, Note, Relation, Stroke } from './types';
import { readActor, readMeta, readNote, readRelation, readStroke } from './read';
import { randomId } from './ids';

type Fields = Y.Map<unknown>;

/** Keystrokes in a note closer together than this undo as one step. */
const TYPING_MERGE_MS = 800;

/** What changed in one transaction (local or remote), so readers redraw only that. */
export interface ModelChange {
  /** Ids of elements that were added, changed or removed. */
  ids: Set<string>;
  meta: boolean;
  local: boolean;
}

export type ActorPatch = Partial<Omit<Actor, 'id'>>;
export type RelationPatch = Partial<Omit<Relation, 'id' | 'from' | 'to'>>;
export type NotePatch = Partial<Omit<Note, 'id' | 'body'>>;
export type Move = { id: string; x: number; y: number };

const ROOT_OF: Record<ElementType, keyof typeof ROOT> = {
  actor: 'actors', relation: 'relations', note: 'notes', stroke: 'strokes',
};

export class BoardModel {
  readonly doc: Y.Doc;
  /** The transaction origin of this client's own edits: the undo manager tracks only it. */
  readonly origin = { kartta: 'local' };
  readonly undoManager: Y.UndoManager;
  readonly actors = new Map<string, Actor>();
  readonly relations = new Map<string, Relation>();
  readonly notes = new Map<string, Note>();
  readonly strokes = new Map<string, Stroke>();
  meta: Meta = { title: '', template: 'blank', locale: null, locked: false, timerEndsAt: null, presenting: null, vote: null, mergedFrom: [], lastRestore: null, mergedGroups: [] };
  /**
   * Whether this client may change the board now (a viewer, or a participant on a locked board,
   * may not). The server refuses such updates anyway; refusing them here keeps the local copy
   * equal to everyone else's instead of showing edits that will never arrive.
   */
  canWrite: () => boolean = () => !this.meta.locked;

  /** Counts the changes this model has read from the document: equal revisions, equal content. */
  revision = 0;

  /**
   * Whether the elements come from `preload` rather than the document: the document's first
   * transaction then replaces all of them, so nothing the server's read had and the document
   * lacks stays behind.
   */
  private preloaded = false;

  private readonly roots: Record<keyof typeof ROOT, Y.Map<Fields>>;
  private readonly listeners = new Set<(change: ModelChange) => void>();

  constructor(doc: Y.Doc = new Y.Doc()) {
    this.doc = doc;
    this.roots = {
      meta: doc.getMap(ROOT.meta),
      actors: doc.getMap(ROOT.actors),
      relations: doc.getMap(ROOT.relations),
      notes: doc.getMap(ROOT.notes),
      strokes: doc.getMap(ROOT.strokes),
    };
    this.undoManager = new Y.UndoManager(
      [this.roots.actors, this.roots.relations, this.roots.notes, this.roots.strokes, this.roots.meta],
      // Typing into a note merges into one step while the keys keep coming; everything else is
      // fenced off with stopCapturing() so each action is its own step.
      { trackedOrigins: new Set([this.origin]), captureTimeout: TYPING_MERGE_MS },
    );
    this.reloadAll();
    this.observe();
  }

  /**
   * Fills the model from the board as the server read it (`GET /api/boards/{id}/view`) while the
   * document is still empty, so a read-only page draws at once; the document's first content
   * replaces it (see `observe`). Never used on a model that edits.
   */
  preload(view: BoardView): void {
    this.clearElements();
    for (const a of view.actors) {
      this.actors.set(a.id, {
        id: a.id, name: a.name, kind: a.kind, x: a.x, y: a.y, description: a.description, tags: a.tags, alias: a.alias,
        influence: a.influence, stance: a.stance, isPerson: a.isPerson, sources: a.sources ?? [],
      });
    }
    for (const r of view.relations) {
      this.relations.set(r.id, {
        id: r.id, from: r.from, to: r.to, kind: r.kind, label: r.label, direction: r.direction, strength: r.strength,
        coordination: r.coordination, status: r.status, sources: r.sources ?? [], otherKinds: r.otherKinds ?? [],
      });
    }
    for (const n of view.notes) this.notes.set(n.id, { id: n.id, x: n.x, y: n.y, w: n.width, h: n.height, color: n.color, variant: n.variant, body: n.body });
    for (const k of view.strokes) this.strokes.set(k.id, { id: k.id, tool: k.tool, color: k.color, width: k.width, points: k.points });
    const m = view.meta;
    this.meta = {
      title: m.title, template: m.template, locale: m.locale, locked: m.locked, timerEndsAt: m.timerEndsAt, presenting: m.presenting,
      vote: m.vote ?? null, mergedFrom: m.mergedFrom ?? [], lastRestore: m.lastRestore ?? null, mergedGroups: m.mergedGroups ?? [],
    };
    this.preloaded = true;
    this.revision++;
    const change: ModelChange = { ids: this.allIds(), meta: true, local: false };
    for (const listener of this.listeners) listener(change);
  }

  private clearElements(): void {
    this.actors.clear();
    this.relations.clear();
    this.notes.clear();
    this.strokes.clear();
  }

  private allIds(): Set<string> {
    return new Set([...this.actors.keys(), ...this.relations.keys(), ...this.notes.keys(), ...this.strokes.keys()]);
  }

  // ---- reading ----------------------------------------------------------------------------

  onChange(listener: (change: ModelChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Relations whose endpoints both exist; a concurrent delete can leave others dangling. */
  liveRelations(): Relation[] {
    const out: Relation[] = [];
    for (const relation of this.relations.values()) {
      if (this.actors.has(relation.from) && this.actors.has(relation.to)) out.push(relation);
    }
    return out;
  }

  relationsOf(actorId: string): Relation[] {
    return this.liveRelations().filter((r) => r.from === actorId || r.to === actorId);
  }

  typeOf(id: string): ElementType | null {
    if (this.actors.has(id)) return 'actor';
    if (this.relations.has(id)) return 'relation';
    if (this.notes.has(id)) return 'note';
    if (this.strokes.has(id)) return 'stroke';
    return null;
  }

  noteText(id: string): Y.Text | null {
    const body = this.roots.notes.get(id)?.get(FIELD.note.body);
    return body instanceof Y.Text ? body : null;
  }

  // ---- writing ----------------------------------------------------------------------------

  addActor(fields: { name: string; kind: ActorKind; x: number; y: number } & ActorPatch): string {
    const id = randomId();
    this.transact(() => {
      const map = new Y.Map<unknown>();
      this.roots.actors.set(id, map);
      this.writeActorFields(map, { description: '', tags: [], alias: '', isPerson: false, ...fields });
    });
    return id;
  }

  updateActor(id: string, patch: ActorPatch): void {
    const map = this.roots.actors.get(id);
    if (!map) return;
    this.transact(() => this.writeActorFields(map, patch));
  }

  /** Writes final positions of actors and notes after a drag or a keyboard move, as one undo step. */
  moveElements(moves: Move[]): void {
    this.transact(() => {
      for (const move of moves) {
        const map = this.roots.actors.get(move.id) ?? this.roots.notes.get(move.id);
        if (!map) continue;
        map.set(FIELD.actor.x, round(move.x));
        map.set(FIELD.actor.y, round(move.y));
      }
    });
  }

  /**
   * Takes back an actor this client has just placed, as if it had never been: gone from the board
   * and from undo, so Ctrl+Z does not bring back an empty card (Escape on a new card's first name).
   * When the last undo step is not that placing, the actor is deleted as usual.
   */
  discardPlacedActor(id: string): void {
    const item = this.roots.actors.get(id)?._item;
    if (!item || !this.canWrite()) return;
    const last = this.undoManager.undoStack[this.undoManager.undoStack.length - 1];
    if (!last || !Y.isDeleted(last.insertions, item.id)) return this.deleteElements([id]);
    this.undoManager.undo();
    this.undoManager.redoStack.pop();
  }

  /** Deletes elements; an actor takes all its relations with it in the same transaction. */
  deleteElements(ids: Iterable<string>): void {
    const wanted = new Set(ids);
    this.transact(() => {
      for (const id of wanted) {
        if (this.roots.actors.has(id)) {
          this.roots.actors.delete(id);
          this.roots.relations.forEach((map, relationId) => {
            if (map.get(FIELD.relation.from) === id || map.get(FIELD.relation.to) === id) {
              this.roots.relations.delete(relationId);
            }
          });
        }
        this.roots.relations.delete(id);
        this.roots.notes.delete(id);
        this.roots.strokes.delete(id);
      }
    });
  }

  /** Connects two distinct existing actors; returns null when that is not possible. */
  addRelation(from: string, to: string, patch: RelationPatch = {}): string | null {
    // Check the doc, not the cache: inside a batch the cache is refreshed only when the transaction ends.
    if (from === to || !this.roots.actors.has(from) || !this.roots.actors.has(to)) return null;
    const id = randomId();
    this.transact(() => {
      const map = new Y.Map<unknown>();
      this.roots.relations.set(id, map);
      map.set(FIELD.relation.from, from);
      map.set(FIELD.relation.to, to);
      this.writeRelationFields(map, {
        kind: 'collaboration', label: '', direction: 'none', strength: 'normal', status: 'existing', ...patch,
      });
    });
    return id;
  }

  /**
   * Moves one end of a relation to another actor (one undo step). Refused (false) when the actor
   * does not exist or is the relation's other end.
   */
  reconnectRelation(id: string, end: 'from' | 'to', actorId: string): boolean {
    const map = this.roots.relations.get(id);
    if (!map || !this.roots.actors.has(actorId)) return false;
    const other = map.get(end === 'from' ? FIELD.relation.to : FIELD.relation.from);
    if (other === actorId) return false;
    if (map.get(FIELD.relation[end]) === actorId) return true;
    this.transact(() => map.set(FIELD.relation[end], actorId));
    return true;
  }

  updateRelation(id: string, patch: RelationPatch): void {
    const map = this.roots.relations.get(id);
    if (!map) return;
    this.transact(() => this.writeRelationFields(map, patch));
  }

  addNote(fields: { x: number; y: number } & NotePatch & { body?: string }): string {
    const id = randomId();
    this.transact(() => {
      const map = new Y.Map<unknown>();
      this.roots.notes.set(id, map);
      const sticky = (fields.variant ?? 'sticky') === 'sticky';
      this.writeNoteFields(map, {
        w: sticky ? 180 : 220, h: sticky ? 140 : 40, color: sticky ? '#fff3b0' : '#1f2933', variant: 'sticky', ...fields,
      });
      map.set(FIELD.note.body, new Y.Text(fields.body ?? ''));
    });
    return id;
  }

  updateNote(id: string, patch: NotePatch): void {
    const map = this.roots.notes.get(id);
    if (!map) return;
    this.transact(() => this.writeNoteFields(map, patch));
  }

  /** Replaces a note's text with the smallest edit, so a concurrent edit elsewhere in it survives. */
  setNoteBody(id: string, text: string): void {
    const body = this.noteText(id);
    if (!body || !this.canWrite()) return;
    const old = body.toString();
    if (old === text) return;
    let start = 0;
    while (start < old.length && start < text.length && old[start] === text[start]) start++;
    let endOld = old.length;
    let endNew = text.length;
    while (endOld > start && endNew > start && old[endOld - 1] === text[endNew - 1]) {
      endOld--;
      endNew--;
    }
    this.doc.transact(() => {
      if (endOld > start) body.delete(start, endOld - start);
      if (endNew > start) body.insert(start, text.slice(start, endNew));
    }, this.origin);
  }

  addStroke(stroke: Omit<Stroke, 'id'>): string {
    const id = randomId();
    this.transact(() => {
      const map = new Y.Map<unknown>();
      this.roots.strokes.set(id, map);
      map.set(FIELD.stroke.tool, stroke.tool);
      map.set(FIELD.stroke.color, stroke.color);
      map.set(FIELD.stroke.width, stroke.width);
      map.set(FIELD.stroke.points, stroke.points.map((v) => Math.round(v * 100) / 100));
    });
    return id;
  }

  setMeta(patch: Partial<Meta>): void {
    const map = this.roots.meta as unknown as Fields;
    this.transact(() => {
      if (patch.title !== undefined) map.set(FIELD.meta.title, patch.title);
      if (patch.template !== undefined) map.set(FIELD.meta.template, patch.template satisfies Template);
      if (patch.locale !== undefined) map.set(FIELD.meta.locale, patch.locale);
      if (patch.locked !== undefined) map.set(FIELD.meta.locked, patch.locked);
    });
  }

  undo(): void {
    if (this.canWrite()) this.undoManager.undo();
  }

  redo(): void {
    if (this.canWrite()) this.undoManager.redo();
  }

  canUndo(): boolean {
    return this.undoManager.undoStack.length > 0;
  }

  canRedo(): boolean {
    return this.undoManager.redoStack.length > 0;
  }

  /** Runs many writes as one undo step (e.g. pasting or creating a sample board). */
  batch(fn: () => void): void {
    this.transact(fn);
  }

  // ---- internals --------------------------------------------------------------------------

  private transact(fn: () => void): void {
    if (!this.canWrite()) return;
    // Each user action is its own undo step, however quickly it follows the previous one.
    this.undoManager.stopCapturing();
    this.doc.transact(fn, this.origin);
    this.undoManager.stopCapturing();
  }

  private writeActorFields(map: Fields, patch: ActorPatch): void {
    const f = FIELD.actor;
    if (patch.name !== undefined) map.set(f.name, patch.name);
    if (patch.kind !== undefined) map.set(f.kind, patch.kind);
    if (patch.x !== undefined) map.set(f.x, round(patch.x));
    if (patch.y !== undefined) map.set(f.y, round(patch.y));
    if (patch.description !== undefined) map.set(f.description, patch.description);
    if (patch.tags !== undefined) map.set(f.tags, [...patch.tags]);
    if (patch.alias !== undefined) map.set(f.alias, patch.alias);
    if (patch.influence !== undefined) {
      if (patch.influence === null) map.delete(f.influence);
      else map.set(f.influence, Math.round(Math.min(5, Math.max(0, patch.influence))));
    }
    if (patch.stance !== undefined) {
      if (patch.stance === null) map.delete(f.stance);
      else map.set(f.stance, patch.stance);
    }
    if (patch.isPerson !== undefined) map.set(f.isPerson, patch.isPerson);
  }

  private writeRelationFields(map: Fields, patch: RelationPatch): void {
    const f = FIELD.relation;
    if (patch.kind !== undefined) map.set(f.kind, patch.kind);
    if (patch.label !== undefined) map.set(f.label, patch.label);
    if (patch.direction !== undefined) map.set(f.direction, patch.direction);
    if (patch.strength !== undefined) map.set(f.strength, patch.strength);
    if (patch.coordination !== undefined) {
      if (patch.coordination === null) map.delete(f.coordination);
      else map.set(f.coordination, patch.coordination);
    }
    if (patch.status !== undefined) map.set(f.status, patch.status);
  }

  private writeNoteFields(map: Fields, patch: NotePatch): void {
    const f = FIELD.note;
    if (patch.x !== undefined) map.set(f.x, round(patch.x));
    if (patch.y !== undefined) map.set(f.y, round(patch.y));
    if (patch.w !== undefined) map.set(f.width, round(patch.w));
    if (patch.h !== undefined) map.set(f.height, round(patch.h));
    if (patch.color !== undefined) map.set(f.color, patch.color);
    if (patch.variant !== undefined) map.set(f.variant, patch.variant);
  }

  private reloadAll(): void {
    this.meta = readMeta(this.roots.meta as unknown as Fields);
    for (const type of ['actor', 'relation', 'note', 'stroke'] as const) {
      this.roots[ROOT_OF[type]].forEach((_map, id) => this.reload(type, id));
    }
  }

  /** Re-reads one element into the cache (or drops it when it is gone or unreadable). */
  private reload(type: ElementType, id: string): void {
    const map = this.roots[ROOT_OF[type]].get(id);
    const valid = map instanceof Y.Map;
    switch (type) {
      case 'actor': {
        const actor = valid ? readActor(id, map) : null;
        if (actor) this.actors.set(id, actor);
        else this.actors.delete(id);
        break;
      }
      case 'relation': {
        const relation = valid ? readRelation(id, map) : null;
        if (relation) this.relations.set(id, relation);
        else this.relations.delete(id);
        break;
      }
      case 'note': {
        const note = valid ? readNote(id, map) : null;
        if (note) this.notes.set(id, note);
        else this.notes.delete(id);
        break;
      }
      case 'stroke': {
        const stroke = valid ? readStroke(id, map) : null;
        if (stroke) this.strokes.set(id, stroke);
        else this.strokes.delete(id);
        break;
      }
    }
  }

  private observe(): void {
    const dirty = new Map<string, ElementType>();
    let metaDirty = false;
    const watch = (type: ElementType) => {
      const root = this.roots[ROOT_OF[type]];
      root.observeDeep((events) => {
        for (const event of events) {
          if (event.target === root) {
            for (const key of (event as Y.YMapEvent<unknown>).keysChanged) dirty.set(key, type);
          } else {
            const id = event.path[0];
            if (typeof id === 'string') dirty.set(id, type);
          }
        }
      });
    };
    (['actor', 'relation', 'note', 'stroke'] as const).forEach(watch);
    this.roots.meta.observeDeep(() => {
      metaDirty = true;
    });
    // Observers run per root type; flushing once after the whole transaction gives readers one change.
    this.doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (dirty.size === 0 && !metaDirty) return;
      if (this.preloaded) {
        // The document's own content arrived: it replaces the server's read whole.
        this.preloaded = false;
        const before = this.allIds();
        this.clearElements();
        this.reloadAll();
        for (const id of this.allIds()) before.add(id);
        dirty.clear();
        metaDirty = false;
        this.revision++;
        const change: ModelChange = { ids: before, meta: true, local: transaction.origin === this.origin };
        for (const listener of this.listeners) listener(change);
        return;
      }
      for (const [id, type] of dirty) this.reload(type, id);
      if (metaDirty) this.meta = readMeta(this.roots.meta as unknown as Fields);
      const change: ModelChange = {
        ids: new Set(dirty.keys()), meta: metaDirty, local: transaction.origin === this.origin,
      };
      dirty.clear();
      metaDirty = false;
      this.revision++;
      for (const listener of this.listeners) listener(change);
    });
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
