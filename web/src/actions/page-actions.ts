// The board page's header commands as actions (no shortcuts yet): the header's buttons are drawn from
// this list, as the canvas commands are from `board-actions.ts`.
import type { Action } from './action';

/** What the header's commands act on: the board page, as the header sees it. */
export interface BoardPageCommands {
  /** A facilitator on a live board (not a snapshot), who may lock and present it. */
  readonly manages: boolean;
  /** A live board, not a snapshot: it can be shared. */
  readonly live: boolean;
  presenting(): boolean;
  togglePresent(): void;
  locked(): boolean;
  toggleLock(): void;
  openShare(): void;
}

export interface PageAction extends Action<BoardPageCommands> {
  /** The button's element id (tests and focus return rely on it). */
  readonly elementId: string;
  /** Its icon, from `ICONS`, which may follow the state (a closed or open lock). */
  icon(context: BoardPageCommands): 'lock' | 'unlock' | 'present' | 'link';
  /** A toggle shows whether it is on (`aria-pressed`). */
  pressed?(context: BoardPageCommands): boolean;
  /** Opens a dialog (`aria-haspopup`). */
  readonly opensDialog?: boolean;
}

export const PAGE_ACTIONS: readonly PageAction[] = [
  {
    id: 'lock', label: 'board.lock', group: 'editing', shortcuts: [], elementId: 'k-lock',
    icon: (page) => (page.locked() ? 'lock' : 'unlock'),
    pressed: (page) => page.locked(),
    enabled: (page) => page.manages,
    perform: (page) => page.toggleLock(),
  },
  {
    id: 'present', label: 'present.start', group: 'view', shortcuts: [], elementId: 'k-present',
    icon: () => 'present',
    pressed: (page) => page.presenting(),
    enabled: (page) => page.manages,
    perform: (page) => page.togglePresent(),
  },
  {
    id: 'share', label: 'share.button', group: 'view', shortcuts: [], elementId: 'k-share', opensDialog: true,
    icon: () => 'link',
    enabled: (page) => page.live,
    perform: (page) => page.openShare(),
  },
];

export function pageAction(id: string): PageAction {
  const action = PAGE_ACTIONS.find((a) => a.id === id);
  if (!action) throw new Error(`no page action ${id}`);
  return action;
}
