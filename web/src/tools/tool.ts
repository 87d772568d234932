// The shapes shared by every tool: input events and the state objects that receive them.

/** A pointer event reduced to what tools need; x/y are board coordinates, sx/sy screen pixels. */
export interface PointerInput {
  x: number;
  y: number;
  sx: number;
  sy: number;
  pressure: number;
  pointerType: 'mouse' | 'pen' | 'touch';
  shift: boolean;
  button: number;
}

export interface KeyInput {
  key: string;
  shift: boolean;
  /** Ctrl on Linux and Windows, Cmd on macOS. */
  mod: boolean;
  alt: boolean;
}

/** One state of a tool's state machine, e.g. `select.dragging`. Handlers are optional. */
export interface ToolState {
  readonly id: string;
  pointerDown?(input: PointerInput): void;
  pointerMove?(input: PointerInput): void;
  pointerUp?(input: PointerInput): void;
  doubleClick?(input: PointerInput): void;
  /** Returns true when the state used the key, so the global shortcuts do not see it. */
  keyDown?(input: KeyInput): boolean;
  /** Abandons the interaction (Escape, a lost pointer, undo mid-gesture) without writing the doc. */
  cancel?(): void;
  exit?(): void;
}

export type ToolName = 'select' | 'hand' | 'actor' | 'relation' | 'note' | 'label' | 'pen' | 'highlighter' | 'eraser';

export const TOOL_NAMES: readonly ToolName[] = ['select', 'hand', 'actor', 'relation', 'note', 'label', 'pen', 'highlighter', 'eraser'];

/** The tools that change nothing, all that a read-only board offers. */
export const READ_ONLY_TOOLS: readonly ToolName[] = ['select', 'hand'];

/** Single-key shortcuts that pick a tool. */
export const TOOL_KEYS: Record<string, ToolName> = {
  v: 'select', h: 'hand', a: 'actor', r: 'relation', n: 'note', t: 'label', p: 'pen', m: 'highlighter', e: 'eraser',
};

/** Screen pixels a pointer must travel before a press becomes a drag. */
export const DRAG_THRESHOLD_PX = 4;
