// The board page's actions, each defined once: the tool rail, the zoom buttons, the help button, the
// key handler and the shortcut sheet are all drawn from this list.
import type { Editor } from '../tools/editor';
import type { KeyInput } from '../tools/tool';
import { READ_ONLY_TOOLS, TOOL_KEYS, TOOL_NAMES } from '../tools/tool';
import type { ToolName } from '../tools/tool';
import { cycleActors, moveSelection } from '../tools/select';
import type { Action } from './action';
import { hold, key, letter, modLetter } from './action';

/** Actions act on the editor; page-level ones (the outline, the sheet) through its host. */
export type BoardAction = Action<Editor>;

const LETTER_OF = Object.fromEntries(Object.entries(TOOL_KEYS).map(([k, tool]) => [tool, k])) as Record<ToolName, string>;

function toolAction(tool: ToolName): BoardAction {
  return {
    id: `tool.${tool}`,
    label: `tool.${tool}`,
    group: 'tools',
    shortcuts: [letter(LETTER_OF[tool])],
    // A read-only board (a viewer, or locked) offers only the tools that change nothing.
    enabled: (editor) => !editor.locked || READ_ONLY_TOOLS.includes(tool),
    perform: (editor) => editor.setTool(tool),
  };
}

const ARROW_STEPS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** The selection, when the select tool rests (not in the middle of a drag). */
const selecting = (editor: Editor) => editor.state.id === 'select.idle';

export const BOARD_ACTIONS: readonly BoardAction[] = [
  ...TOOL_NAMES.map(toolAction),
  {
    id: 'undo', label: 'action.undo', description: 'help.undo', group: 'editing', shortcuts: [modLetter('z')],
    enabled: (editor) => !editor.locked && editor.model.canUndo(),
    perform: (editor) => editor.undo(),
  },
  {
    id: 'redo', label: 'action.redo', description: 'help.redo', group: 'editing', shortcuts: [modLetter('z', true), modLetter('y')],
    enabled: (editor) => !editor.locked && editor.model.canRedo(),
    perform: (editor) => editor.redo(),
  },
  {
    id: 'delete', label: 'action.delete', description: 'help.delete', group: 'editing', shortcuts: [key('Delete', 'Delete'), key('Backspace', 'Backspace')],
    enabled: (editor) => !editor.locked && editor.selection.size > 0,
    perform: (editor) => editor.deleteSelection(),
  },
  {
    id: 'selectAll', label: 'help.selectAll', group: 'editing', shortcuts: [modLetter('a')],
    enabled: () => true,
    perform: (editor) => editor.select([...editor.model.actors.keys(), ...editor.model.notes.keys(), ...editor.model.strokes.keys()]),
  },
  {
    id: 'move', label: 'help.move', group: 'editing', shortcuts: [key('← ↑ → ↓', ...Object.keys(ARROW_STEPS))],
    enabled: (editor) => selecting(editor) && editor.selection.size > 0,
    perform: (editor, input?: KeyInput) => {
      const [dx, dy] = ARROW_STEPS[input?.key ?? ''] ?? [0, 0];
      const step = input?.shift ? 50 : 10;
      moveSelection(editor, dx * step, dy * step);
    },
  },
  {
    id: 'cycle', label: 'help.cycle', group: 'editing', shortcuts: [key('[', '['), key(']', ']')],
    enabled: selecting,
    perform: (editor, input?: KeyInput) => cycleActors(editor, input?.key === '[' ? -1 : 1),
  },
  {
    id: 'rename', label: 'help.rename', group: 'editing', shortcuts: [key('Enter', 'Enter')],
    enabled: (editor) => {
      if (!selecting(editor) || editor.selection.size !== 1) return false;
      const [id] = editor.selection;
      const type = editor.model.typeOf(id!);
      return type === 'actor' || type === 'note';
    },
    perform: (editor) => {
      const [id] = editor.selection;
      if (editor.model.typeOf(id!) === 'actor') editor.host.editActorName?.(id!);
      else editor.host.editNote?.(id!);
    },
  },
  {
    id: 'escape', label: 'help.escape', group: 'editing', shortcuts: [key('Esc', 'Escape')],
    enabled: () => true,
    perform: (editor) => {
      editor.cancel();
      if (editor.tool !== 'select') editor.setTool('select');
      else editor.select([]);
    },
  },
  {
    id: 'zoomIn', label: 'action.zoomIn', group: 'view', shortcuts: [key('+', '+', '=')],
    enabled: () => true,
    perform: (editor) => editor.viewport.zoomBy(1.25),
  },
  {
    id: 'zoomOut', label: 'action.zoomOut', group: 'view', shortcuts: [key('−', '-', '_')],
    enabled: () => true,
    perform: (editor) => editor.viewport.zoomBy(0.8),
  },
  {
    id: 'fit', label: 'action.fit', description: 'help.fit', group: 'view',
    // Shift 1 is "!" on most layouts, and "1" with Shift on those that type digits with Shift.
    shortcuts: [{ label: 'Shift 1', mod: false, matches: (input) => !input.mod && !input.alt && (input.key === '!' || (input.shift && input.key === '1')) }],
    enabled: () => true,
    perform: (editor) => editor.zoomToFit(),
  },
  {
    id: 'zoomReset', label: 'action.zoomReset', group: 'view', shortcuts: [key('0', '0')],
    enabled: () => true,
    perform: (editor) => editor.viewport.zoomBy(1 / editor.viewport.zoom),
  },
  {
    // Held, not pressed: the canvas input pans while it is down (see `heldShortcut`).
    id: 'pan', label: 'help.pan', group: 'view', shortcuts: [hold('Space', ' ')],
    enabled: () => false,
    perform: () => {},
  },
  {
    id: 'outline', label: 'action.outline', description: 'help.outline', group: 'view', shortcuts: [key('O', 'o', 'O')],
    enabled: (editor) => editor.host.showOutline !== undefined,
    perform: (editor) => editor.host.showOutline?.(),
  },
  {
    id: 'help', label: 'action.help', description: 'help.help', group: 'view', shortcuts: [key('?', '?')],
    enabled: (editor) => editor.host.openHelp !== undefined,
    perform: (editor) => editor.host.openHelp?.(),
  },
];

export function boardAction(id: string): BoardAction {
  const action = BOARD_ACTIONS.find((a) => a.id === id);
  if (!action) throw new Error(`no action ${id}`);
  return action;
}

/** Whether a key press is the held key of an action (Space: pan while down). */
export function heldShortcut(id: string, input: KeyInput): boolean {
  return boardAction(id).shortcuts.some((s) => s.hold === true && s.matches(input));
}
