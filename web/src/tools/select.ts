// The select tool: select.idle → select.pointing → select.dragging | select.brushing, plus keyboard moves.
import type { Editor } from './editor';
import type { PointerInput, ToolState } from './tool';
import { DRAG_THRESHOLD_PX } from './tool';
import { elementsInRect } from './hit';
import { normalizeRect } from '../render/viewport';
import { Panning } from './hand';
import { EndpointDragging, RelationPointing } from './relation';

export class SelectIdle implements ToolState {
  readonly id = 'select.idle';
  constructor(private readonly editor: Editor) {}

  pointerDown(input: PointerInput): void {
    const editor = this.editor;
    const endpoint = editor.endpointAt(input.x, input.y);
    if (endpoint) {
      editor.transition(new EndpointDragging(editor, endpoint.relation, endpoint.end, input));
      return;
    }
    const handleOf = editor.handleAt(input.x, input.y);
    if (handleOf) {
      editor.transition(new RelationPointing(editor, handleOf, input));
      return;
    }
    const hit = editor.hit(input.x, input.y);
    if (!hit) {
      if (!input.shift) editor.select([]);
      // On a touch screen a drag on empty board pans; with a mouse or pen it draws a selection box.
      if (input.pointerType === 'touch') editor.transition(new Panning(editor, input, () => editor.idle()));
      else editor.transition(new Brushing(editor, input));
      return;
    }
    if (input.shift) editor.toggleSelected(hit.id);
    else if (!editor.selection.has(hit.id)) editor.select([hit.id]);
    editor.transition(new Pointing(editor, input, hit.id));
  }

  doubleClick(input: PointerInput): void {
    const hit = this.editor.hit(input.x, input.y);
    if (hit?.type === 'actor') this.editor.host.editActorName?.(hit.id);
    if (hit?.type === 'note') this.editor.host.editNote?.(hit.id);
  }
}

/** Pressed on an element; becomes a drag once the pointer travels far enough. */
class Pointing implements ToolState {
  readonly id = 'select.pointing';
  constructor(private readonly editor: Editor, private readonly start: PointerInput, private readonly hitId: string) {}

  pointerMove(input: PointerInput): void {
    if (Math.hypot(input.sx - this.start.sx, input.sy - this.start.sy) < DRAG_THRESHOLD_PX) return;
    const editor = this.editor;
    const movable = [...editor.selection].filter((id) => editor.model.actors.has(id) || editor.model.notes.has(id));
    if (movable.length === 0 || editor.locked) return editor.idle();
    const dragging = new Dragging(editor, this.start, movable);
    editor.transition(dragging);
    dragging.pointerMove(input);
  }

  pointerUp(input: PointerInput): void {
    // A plain click on one of several selected elements narrows the selection to it.
    if (!input.shift && this.editor.selection.size > 1) this.editor.select([this.hitId]);
    this.editor.idle();
  }

  cancel(): void {
    this.editor.idle();
  }
}

/** Moving actors and notes: shown locally and to others through awareness, written on drop. */
class Dragging implements ToolState {
  readonly id = 'select.dragging';
  constructor(private readonly editor: Editor, private readonly start: PointerInput, private readonly ids: string[]) {}

  pointerMove(input: PointerInput): void {
    const drag = { ids: this.ids, dx: input.x - this.start.x, dy: input.y - this.start.y };
    this.editor.drag = drag;
    this.editor.presence?.set({ drag });
    this.editor.changed();
  }

  pointerUp(input: PointerInput): void {
    const editor = this.editor;
    const dx = input.x - this.start.x;
    const dy = input.y - this.start.y;
    this.finish();
    if (dx !== 0 || dy !== 0) moveElements(editor, this.ids, dx, dy);
  }

  cancel(): void {
    this.finish();
  }

  private finish(): void {
    this.editor.drag = null;
    this.editor.presence?.set({ drag: null });
    this.editor.idle();
  }
}

/** Drawing a selection box on empty board. */
class Brushing implements ToolState {
  readonly id = 'select.brushing';
  private readonly before: string[];
  constructor(private readonly editor: Editor, private readonly start: PointerInput) {
    this.before = start.shift ? [...editor.selection] : [];
  }

  pointerMove(input: PointerInput): void {
    const rect = normalizeRect(this.start.x, this.start.y, input.x, input.y);
    this.editor.brush = rect;
    this.editor.select(new Set([...this.before, ...elementsInRect(this.editor.model, rect, this.editor.hiddenKinds, this.editor.hiddenIds)]));
  }

  pointerUp(): void {
    this.editor.brush = null;
    this.editor.idle();
  }

  cancel(): void {
    this.editor.brush = null;
    this.editor.select(this.before);
    this.editor.idle();
  }
}

function moveElements(editor: Editor, ids: string[], dx: number, dy: number): void {
  const moves = ids.flatMap((id) => {
    const element = editor.model.actors.get(id) ?? editor.model.notes.get(id);
    return element ? [{ id, x: element.x + dx, y: element.y + dy }] : [];
  });
  editor.model.moveElements(moves);
}

export function moveSelection(editor: Editor, dx: number, dy: number): void {
  if (editor.locked) return;
  moveElements(editor, [...editor.selection], dx, dy);
}

/** Keyboard users step through actors in reading order and the view follows. */
export function cycleActors(editor: Editor, direction: 1 | -1): void {
  const actors = [...editor.model.actors.values()].sort((a, b) => a.y - b.y || a.x - b.x);
  if (actors.length === 0) return;
  const [current] = editor.selection;
  const index = actors.findIndex((a) => a.id === current);
  const next = actors[(index + direction + actors.length) % actors.length]!;
  editor.select([next.id]);
  editor.viewport.centerOn(next.x, next.y);
}
