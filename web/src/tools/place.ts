// Placing tools: a click puts a new actor, sticky note or text label on the board, then back to select.
import type { Editor } from './editor';
import type { KeyInput, PointerInput, ToolState } from './tool';
import type { NoteVariant } from '../generated/protocol';

export class PlaceActor implements ToolState {
  readonly id = 'actor.idle';
  constructor(private readonly editor: Editor) {}

  pointerDown(input: PointerInput): void {
    this.place(input.x, input.y);
  }

  /** Enter places an actor in the middle of the view, for keyboard users. */
  keyDown(input: KeyInput): boolean {
    if (input.key !== 'Enter') return false;
    const center = this.editor.viewport.center();
    this.place(center.x, center.y);
    return true;
  }

  private place(x: number, y: number): void {
    const editor = this.editor;
    if (editor.locked) return;
    const id = editor.model.addActor({ name: '', kind: editor.actorKind, x, y });
    editor.setTool('select');
    editor.select([id]);
    editor.host.editActorName?.(id);
  }
}

export class PlaceNote implements ToolState {
  readonly id: string;
  constructor(private readonly editor: Editor, private readonly variant: NoteVariant) {
    this.id = `${variant === 'sticky' ? 'note' : 'label'}.idle`;
  }

  pointerDown(input: PointerInput): void {
    this.place(input.x, input.y);
  }

  keyDown(input: KeyInput): boolean {
    if (input.key !== 'Enter') return false;
    const center = this.editor.viewport.center();
    this.place(center.x, center.y);
    return true;
  }

  private place(x: number, y: number): void {
    const editor = this.editor;
    if (editor.locked) return;
    const sticky = this.variant === 'sticky';
    const w = sticky ? 180 : 220;
    const h = sticky ? 140 : 40;
    const id = editor.model.addNote({
      x: x - w / 2, y: y - h / 2, w, h, variant: this.variant, color: sticky ? editor.noteColor : '#1f2933',
    });
    editor.setTool('select');
    editor.select([id]);
    editor.host.editNote?.(id);
  }
}
