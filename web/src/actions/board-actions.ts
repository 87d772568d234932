// The board page's actions, each defined once: the tool rail, the zoom buttons, the help button, the
// key handler and the shortcut sheet are all drawn from this list.
import type { Editor } from '../tools/editor';
import type { KeyInput } from '../tools/tool';
import { READ_ONLY_TOOLS, TOOL_KEYS, TOOL_NAMES } from '../tools/tool';
import type { ToolName } from '../tools/tool';
import { cycleActors, moveSelection } from '../tools/select';
import type { Action } from './action';
import { hold, key, letter, modLetter } from './action';
import type { MessageKey } from '../i18n';
import { ALIGNMENTS, DISTRIBUTIONS, arrangeable } from '../model/arrange';
import type { Alignment, Distribution } from '../model/arrange';

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

/** Where a paste from a key lands: at the pointer when it is over the board, else in the middle of the view. */
const pastePoint = (editor: Editor) => editor.pointer ?? editor.viewport.center();

const ALIGN_LABELS: Record<Alignment, MessageKey> = {
  left: 'action.alignLeft', center: 'action.alignCenter', right: 'action.alignRight',
  top: 'action.alignTop', middle: 'action.alignMiddle', bottom: 'action.alignBottom',
};
const DISTRIBUTE_LABELS: Record<Distribution, MessageKey> = { horizontal: 'action.distributeHorizontal', vertical: 'action.distributeVertical' };

function alignAction(alignment: Alignment): BoardAction {
  return {
    id: `align.${alignment}`, label: ALIGN_LABELS[alignment], group: 'editing', shortcuts: [],
    enabled: (editor) => !editor.locked && selecting(editor) && arrangeable(editor.model, editor.selection).length >= 2,
    perform: (editor) => editor.alignSelection(alignment),
  };
}

function distributeAction(distribution: Distribution): BoardAction {
  return {
    id: `distribute.${distribution}`, label: DISTRIBUTE_LABELS[distribution], group: 'editing', shortcuts: [],
    enabled: (editor) => !editor.locked && selecting(editor) && arrangeable(editor.model, editor.selection).length >= 3,
    perform: (editor) => editor.distributeSelection(distribution),
  };
}

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
    id: 'cut', label: 'action.cut', description: 'help.cut', group: 'editing', shortcuts: [modLetter('x')],
    enabled: (editor) => !editor.locked && editor.host.clipboard !== undefined && editor.copyableSelection().length > 0,
    perform: (editor) => editor.host.clipboard?.copy(editor.copyableSelection(), true),
  },
  {
    id: 'copy', label: 'action.copy', description: 'help.copy', group: 'editing', shortcuts: [modLetter('c')],
    // Copying changes nothing, so a read-only board allows it (an idea moves from a shared board to one's own).
    enabled: (editor) => editor.host.clipboard !== undefined && editor.copyableSelection().length > 0,
    perform: (editor) => editor.host.clipboard?.copy(editor.copyableSelection(), false),
  },
  {
    id: 'paste', label: 'action.paste', description: 'help.paste', group: 'editing', shortcuts: [modLetter('v')],
    // Enabled on a read-only board too, so Ctrl+V there says why nothing happens; the menu leaves it out.
    enabled: (editor) => editor.host.clipboard !== undefined,
    inMenu: (editor) => !editor.locked && editor.host.clipboard !== undefined,
    perform: (editor) => editor.host.clipboard?.paste(pastePoint(editor)),
  },
  {
    id: 'duplicate', label: 'action.duplicate', description: 'help.duplicate', group: 'editing', shortcuts: [modLetter('d')],
    enabled: (editor) => !editor.locked && selecting(editor) && editor.copyableSelection().length > 0,
    perform: (editor) => editor.duplicateSelection(),
  },
  {
    id: 'selectAll', label: 'help.selectAll', group: 'editing', shortcuts: [modLetter('a')],
    enabled: () => true,
    perform: (editor) => editor.select([...editor.model.actors.keys(), ...editor.model.notes.keys(), ...editor.model.strokes.keys()]),
  },
  {
    id: 'find', label: 'action.find', description: 'help.find', group: 'editing', shortcuts: [modLetter('f')],
    enabled: (editor) => editor.host.openFind !== undefined,
    perform: (editor) => editor.host.openFind?.(),
  },
  ...ALIGNMENTS.map(alignAction),
  ...DISTRIBUTIONS.map(distributeAction),
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
    id: 'rename', label: 'action.edit', description: 'help.rename', group: 'editing', shortcuts: [key('Enter', 'Enter')],
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

/** The context menu's actions in order; `null` divides groups. */
const CONTEXT_MENU: readonly (string | null)[] = [
  'cut', 'copy', 'paste', 'duplicate', 'rename', 'delete', null,
  ...ALIGNMENTS.map((a) => `align.${a}`), null,
  ...DISTRIBUTIONS.map((d) => `distribute.${d}`), null,
  'selectAll', 'find',
];

/** What the context menu offers now: the applicable actions, in groups (none empty). */
export function contextMenuGroups(editor: Editor): BoardAction[][] {
  const groups: BoardAction[][] = [[]];
  for (const id of CONTEXT_MENU) {
    if (id === null) {
      if (groups[groups.length - 1]!.length) groups.push([]);
      continue;
    }
    const action = boardAction(id);
    if (action.inMenu ? action.inMenu(editor) : action.enabled(editor)) groups[groups.length - 1]!.push(action);
  }
  return groups.filter((group) => group.length > 0);
}

export function boardAction(id: string): BoardAction {
  const action = BOARD_ACTIONS.find((a) => a.id === id);
  if (!action) throw new Error(`no action ${id}`);
  return action;
}

/** Whether a key press is the held key of an action (Space: pan while down). */
export function heldShortcut(id: string, input: KeyInput): boolean {
  return boardAction(id).shortcuts.some((s) => s.hold === true && s.matches(input));
}
