// What an action is (one user command: id, label, shortcuts, when enabled, perform) and how a key press finds one.
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import type { KeyInput } from '../tools/tool';

/** One way to reach an action from the keyboard. */
export interface Shortcut {
  /** How the shortcut is written on the sheet and in tooltips, e.g. "Ctrl Shift Z". */
  readonly label: string;
  /** Whether Ctrl (Cmd on macOS) is part of it. Without it the shortcut is a single key, which acts only on the canvas. */
  readonly mod: boolean;
  /** Held down during a gesture (Space to pan) rather than pressed to perform the action. */
  readonly hold?: boolean;
  matches(input: KeyInput): boolean;
}

/** Where an action's shortcuts are listed on the sheet. */
export type ActionGroup = 'tools' | 'editing' | 'view';

export interface Action<Context> {
  readonly id: string;
  /** Its name on buttons and menus. */
  readonly label: MessageKey;
  /** What the shortcut sheet says it does, when that is not its name. */
  readonly description?: MessageKey;
  readonly group: ActionGroup;
  readonly shortcuts: readonly Shortcut[];
  /** Whether it can act now; a disabled action does nothing, from a button or from a key. */
  enabled(context: Context): boolean;
  /**
   * Whether the context menu offers it now; without this, whenever it is enabled. Paste is offered
   * only where it can add something, but its key still answers on a read-only board to say why not.
   */
  inMenu?(context: Context): boolean;
  /** Does it; `key` is the key that asked, for actions whose keys say which way (arrows, [ and ]). */
  perform(context: Context, key?: KeyInput): void;
}

/** A single key, any Shift (for keys typed with Shift on some layouts: "+", "?", "!"). */
export function key(label: string, ...keys: string[]): Shortcut {
  return { label, mod: false, matches: (input) => !input.mod && !input.alt && keys.includes(input.key) };
}

/** A letter without Shift, whatever the Caps Lock. */
export function letter(name: string): Shortcut {
  return { label: name.toUpperCase(), mod: false, matches: (input) => !input.mod && !input.alt && !input.shift && input.key.toLowerCase() === name };
}

/** Ctrl (Cmd) with a letter, with or without Shift. */
export function modLetter(name: string, shift = false): Shortcut {
  const label = `Ctrl ${shift ? 'Shift ' : ''}${name.toUpperCase()}`;
  return { label, mod: true, matches: (input) => input.mod && !input.alt && input.shift === shift && input.key.toLowerCase() === name };
}

/** A key held down while dragging. */
export function hold(label: string, keyName: string): Shortcut {
  return { label, mod: false, hold: true, matches: (input) => !input.mod && !input.alt && input.key === keyName };
}

/**
 * The enabled action a key press asks for, performed; true when one acted. Held keys are the canvas
 * input's business, and a disabled action's key is left to the browser.
 */
export function performShortcut<Context>(actions: readonly Action<Context>[], context: Context, input: KeyInput): boolean {
  for (const action of actions) {
    if (!action.shortcuts.some((s) => !s.hold && s.matches(input)) || !action.enabled(context)) continue;
    action.perform(context, input);
    return true;
  }
  return false;
}

/**
 * Whether the device's only pointer is a finger (no hover, coarse): a phone or a tablet, where
 * keyboard shortcuts are no help. A laptop with a touch screen has a fine pointer and keeps them.
 */
export function touchOnly(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(hover: none) and (pointer: coarse)').matches;
}

/** The tooltip of an action's button: its name and, where there is a keyboard, its first shortcut. */
export function actionTitle(label: string, action: Action<unknown>): string {
  const shortcut = action.shortcuts[0];
  return shortcut && !touchOnly() ? `${label} (${shortcutText(shortcut.label)})` : label;
}

/** Keys whose name is a word of the language (the others are written as printed on the key). */
const NAMED_KEYS = { Space: 'key.Space', Backspace: 'key.Backspace' } as const satisfies Record<string, MessageKey>;

/** A shortcut as people read it: "Ctrl Z", and the named keys in the UI's language ("Välilyönti"). */
export function shortcutText(label: string): string {
  return label.split(' ').map((word) => (word in NAMED_KEYS ? t(NAMED_KEYS[word as keyof typeof NAMED_KEYS]) : word)).join(' ');
}

/** One row of the shortcut sheet. */
export interface SheetRow { keys: string[]; text: MessageKey }

/** The shortcut sheet: every action with a shortcut, by group, in the registry's order. */
export function shortcutSheet<Context>(actions: readonly Action<Context>[]): Record<ActionGroup, SheetRow[]> {
  const sheet: Record<ActionGroup, SheetRow[]> = { tools: [], editing: [], view: [] };
  for (const action of actions) {
    if (action.shortcuts.length === 0) continue;
    sheet[action.group].push({ keys: action.shortcuts.map((s) => s.label), text: action.description ?? action.label });
  }
  return sheet;
}
