// The hand tool (and space-drag / touch-drag panning): hand.idle → hand.panning.
import type { Editor } from './editor';
import type { PointerInput, ToolState } from './tool';

export class HandIdle implements ToolState {
  readonly id = 'hand.idle';
  constructor(private readonly editor: Editor) {}

  pointerDown(input: PointerInput): void {
    this.editor.transition(new Panning(this.editor, input, () => this.editor.transition(new HandIdle(this.editor))));
  }
}

/** Moves the viewport with the pointer; `done` says where to go when the pointer lifts. */
export class Panning implements ToolState {
  readonly id = 'hand.panning';
  private lastX: number;
  private lastY: number;

  constructor(private readonly editor: Editor, start: PointerInput, private readonly done: () => void) {
    this.lastX = start.sx;
    this.lastY = start.sy;
  }

  pointerMove(input: PointerInput): void {
    this.editor.viewport.panBy(input.sx - this.lastX, input.sy - this.lastY);
    this.lastX = input.sx;
    this.lastY = input.sy;
  }

  pointerUp(): void {
    this.done();
  }

  cancel(): void {
    this.done();
  }
}
