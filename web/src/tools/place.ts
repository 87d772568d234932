// Placing tools: a click puts a new actor, sticky note or text label on the board, then back to select.
import type { Editor } from './editor';
import type { KeyInput, PointerInput, ToolState } from './tool';
import type { NoteVariant } from '../generated/protocol';

/** A click places at the pointer; Enter places in the middle of the view, for keyboard users. */
abstract class PlaceAtPoint implements ToolState {
  abstract readonly id: string;
  constructor(protected readonly editor: Editor) {}

  pointerDown(input: PointerInput): void {
    this.place(input.x, input.y);
  }

  keyDown(input: KeyInput): boolean {
    if (input.key !== 'Enter') return false;
    const center = this.editor.viewport.center();
    this.place(center.x, center.y);
    return true;
  }

  protected abstract place(x: number, y: number): void;
}

export class PlaceActor extends PlaceAtPoint {
  readonly id = 'actor.idle';

  protected place(x: number, y: number): void {
    const editor = this.editor;
    if (editor.locked) return;
    const id = editor.model.addActor({ name: '', kind: editor.actorKind, x, y });
    editor.setTool('select');
    editor.select([id]);
    editor.host.editActorName?.(id, true);
  }
}

export class PlaceNote extends PlaceAtPoint {
  readonly id: string;
  constructor(editor: Editor, private readonly variant: NoteVariant) {
    super(editor);
    this.id = `${variant === 'sticky' ? 'note' : 'label'}.idle`;
  }

  protected place(x: number, y: number): void {
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
