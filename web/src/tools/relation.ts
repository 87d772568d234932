// The relation tool: relation.idle → relation.pointing (dragging from one actor to another).
import type { Editor } from './editor';
import type { PointerInput, ToolState } from './tool';

export class RelationIdle implements ToolState {
  readonly id = 'relation.idle';
  constructor(private readonly editor: Editor) {}

  pointerDown(input: PointerInput): void {
    const hit = this.editor.hit(input.x, input.y);
    if (hit?.type !== 'actor' || this.editor.locked) return;
    this.editor.transition(new RelationPointing(this.editor, hit.id, input));
  }
}

export class RelationPointing implements ToolState {
  readonly id = 'relation.pointing';
  constructor(private readonly editor: Editor, private readonly from: string, start: PointerInput) {
    editor.relationDraft = { from, x: start.x, y: start.y, target: null };
  }

  pointerMove(input: PointerInput): void {
    const hit = this.editor.hit(input.x, input.y);
    const target = hit?.type === 'actor' && hit.id !== this.from ? hit.id : null;
    this.editor.relationDraft = { from: this.from, x: input.x, y: input.y, target };
    this.editor.changed();
  }

  pointerUp(input: PointerInput): void {
    this.pointerMove(input);
    const target = this.editor.relationDraft?.target ?? null;
    this.finish();
    if (target) {
      const id = this.editor.model.addRelation(this.from, target);
      if (id) this.editor.select([id]);
    }
  }

  cancel(): void {
    this.finish();
  }

  private finish(): void {
    this.editor.relationDraft = null;
    this.editor.idle();
  }
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
