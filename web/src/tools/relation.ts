// The relation tool: relation.idle → relation.pointing (the press on an actor) → either a drag onto
// another actor, or a click that leaves relation.armed (the source marked, a line to the pointer)
// until a click on another actor connects the two.
import type { Editor } from './editor';
import { DRAG_THRESHOLD_PX } from './tool';
import type { KeyInput, PointerInput, ToolState } from './tool';

export class RelationIdle implements ToolState {
  readonly id = 'relation.idle';
  constructor(private readonly editor: Editor) {}

  pointerDown(input: PointerInput): void {
    const hit = this.editor.hit(input.x, input.y);
    if (hit?.type !== 'actor' || this.editor.locked) return;
    this.editor.transition(new RelationPointing(this.editor, hit.id, input));
  }
}

/** The pointer is down on the source actor: a drag to another actor connects, a click arms the source. */
export class RelationPointing implements ToolState {
  readonly id = 'relation.pointing';
  /** Whether the pointer went further than a click's wobble, which makes the gesture a drag. */
  private travelled = false;

  constructor(private readonly editor: Editor, private readonly from: string, private readonly start: PointerInput) {
    editor.relationDraft = { from, x: start.x, y: start.y, target: null };
  }

  pointerMove(input: PointerInput): void {
    if (Math.hypot(input.sx - this.start.sx, input.sy - this.start.sy) > DRAG_THRESHOLD_PX) this.travelled = true;
    const hit = this.editor.hit(input.x, input.y);
    const target = hit?.type === 'actor' && hit.id !== this.from ? hit.id : null;
    this.editor.relationDraft = { from: this.from, x: input.x, y: input.y, target };
    this.editor.changed();
  }

  pointerUp(input: PointerInput): void {
    this.pointerMove(input);
    const target = this.editor.relationDraft?.target ?? null;
    if (target) {
      this.finish();
      connect(this.editor, this.from, target);
      return;
    }
    // A press released where it began (or, for a wobbly finger, still on the source card) is a click:
    // the source stays marked until the next click says where the relation goes.
    const hit = this.editor.hit(input.x, input.y);
    const onSource = hit?.type === 'actor' && hit.id === this.from;
    if (!this.travelled || onSource) {
      this.editor.transition(new RelationArmed(this.editor, this.from, input));
      return;
    }
    this.finish();
  }

  cancel(): void {
    this.finish();
  }

  private finish(): void {
    this.editor.relationDraft = null;
    this.editor.idle();
  }
}

/**
 * The source is chosen by a click: a line follows the pointer; a click on another actor connects, a
 * press on the source itself starts a drag again, a click on anything else or Escape cancels.
 */
export class RelationArmed implements ToolState {
  readonly id = 'relation.armed';

  constructor(private readonly editor: Editor, readonly from: string, at: PointerInput) {
    editor.relationDraft = { from, x: at.x, y: at.y, target: null };
  }

  pointerMove(input: PointerInput): void {
    // The source can be deleted by someone else meanwhile; then there is nothing left to connect.
    if (!this.editor.model.actors.has(this.from)) return this.cancel();
    const hit = this.editor.hit(input.x, input.y);
    const target = hit?.type === 'actor' && hit.id !== this.from ? hit.id : null;
    this.editor.relationDraft = { from: this.from, x: input.x, y: input.y, target };
    this.editor.changed();
  }

  pointerDown(input: PointerInput): void {
    const hit = this.editor.hit(input.x, input.y);
    if (this.editor.locked || !this.editor.model.actors.has(this.from) || hit?.type !== 'actor') return this.cancel();
    if (hit.id === this.from) {
      this.editor.transition(new RelationPointing(this.editor, this.from, input));
      return;
    }
    this.finish();
    connect(this.editor, this.from, hit.id);
  }

  keyDown(input: KeyInput): boolean {
    // Escape drops the half-made relation but keeps the tool, so the next try needs no new pick.
    if (input.key !== 'Escape') return false;
    this.cancel();
    return true;
  }

  cancel(): void {
    this.finish();
  }

  private finish(): void {
    this.editor.relationDraft = null;
    this.editor.idle();
  }
}

function connect(editor: Editor, from: string, to: string): void {
  const id = editor.model.addRelation(from, to);
  if (id) editor.select([id]);
}

/** Dragging a selected relation's end onto another actor reconnects it there; anywhere else, nothing changes. */
export class EndpointDragging implements ToolState {
  readonly id = 'relation.reconnecting';
  constructor(private readonly editor: Editor, private readonly relation: string, private readonly end: 'from' | 'to', start: PointerInput) {
    editor.endpointDraft = { relation, end, x: start.x, y: start.y, target: null };
    editor.changed();
  }

  pointerMove(input: PointerInput): void {
    const relation = this.editor.model.relations.get(this.relation);
    if (!relation) return this.cancel();
    const fixed = this.end === 'from' ? relation.to : relation.from;
    const hit = this.editor.hit(input.x, input.y);
    const target = hit?.type === 'actor' && hit.id !== fixed ? hit.id : null;
    this.editor.endpointDraft = { relation: this.relation, end: this.end, x: input.x, y: input.y, target };
    this.editor.changed();
  }

  pointerUp(input: PointerInput): void {
    this.pointerMove(input);
    const target = this.editor.endpointDraft?.target ?? null;
    this.finish();
    if (target) this.editor.model.reconnectRelation(this.relation, this.end, target);
  }

  cancel(): void {
    this.finish();
  }

  private finish(): void {
    this.editor.endpointDraft = null;
    this.editor.idle();
  }
}
