// The eraser: eraser.idle → eraser.erasing; strokes and notes touched fade, and go in one undo step at pointer-up.
import type { Editor } from './editor';
import type { PointerInput, ToolState } from './tool';

export class EraserIdle implements ToolState {
  readonly id = 'eraser.idle';
  constructor(private readonly editor: Editor) {}

  pointerDown(input: PointerInput): void {
    if (this.editor.locked) return;
    const erasing = new EraserErasing(this.editor);
    this.editor.transition(erasing);
    erasing.pointerMove(input);
  }
}

export class EraserErasing implements ToolState {
  readonly id = 'eraser.erasing';
  constructor(private readonly editor: Editor) {}

  pointerMove(input: PointerInput): void {
    const hit = this.editor.hit(input.x, input.y);
    // The eraser is for ink and notes; actors and relations are deleted deliberately (Delete key).
    if (hit && (hit.type === 'stroke' || hit.type === 'note') && !this.editor.erasing.has(hit.id)) {
      this.editor.erasing.add(hit.id);
      this.editor.changed();
    }
  }

  pointerUp(input: PointerInput): void {
    this.pointerMove(input);
    const ids = [...this.editor.erasing];
    this.finish();
    if (ids.length > 0) this.editor.model.deleteElements(ids);
  }

  cancel(): void {
    this.finish();
  }

  private finish(): void {
    this.editor.erasing = new Set();
    this.editor.idle();
  }
}
