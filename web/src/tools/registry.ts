// Which resting state each tool starts in.
import type { Editor } from './editor';
import type { ToolName, ToolState } from './tool';
import { SelectIdle } from './select';
import { HandIdle } from './hand';
import { PlaceActor, PlaceNote } from './place';
import { RelationIdle } from './relation';
import { InkIdle } from './ink';
import { EraserIdle } from './eraser';

export function createToolState(editor: Editor, tool: ToolName): ToolState {
  switch (tool) {
    case 'select': return new SelectIdle(editor);
    case 'hand': return new HandIdle(editor);
    case 'actor': return new PlaceActor(editor);
    case 'relation': return new RelationIdle(editor);
    case 'note': return new PlaceNote(editor, 'sticky');
    case 'label': return new PlaceNote(editor, 'label');
    case 'pen': return new InkIdle(editor, 'pen');
    case 'highlighter': return new InkIdle(editor, 'highlighter');
    case 'eraser': return new EraserIdle(editor);
  }
}
