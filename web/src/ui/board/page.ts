// What the parts of the board page share: who opened it and how, and the page's common services.
import type { BoardModel } from '../../model/board';
import type { Presence } from '../../model/presence';
import type { Viewport } from '../../render/viewport';
import type { SceneRenderer } from '../../render/scene';
import type { Editor } from '../../tools/editor';
import type { BoardAccess, Role, Snapshot } from '../../generated/protocol';

/**
 * What the board page was opened with (history state): the creator sees the share links at once, a presenter
 * presents, whoever came to the presented board from another one follows the presenter's view, and a viewer
 * sent there by the workshop page (a projector) sees it in the presentation layout.
 */
export interface BoardOpenState { share?: boolean; present?: boolean; follow?: boolean; notice?: string; projector?: boolean }

/** Everything a board view needs to know about who opens it; `snapshot` makes it a read-only view of one. */
export interface BoardContext { boardId: string; token: string; access: BoardAccess; snapshot: { id: string; meta: Snapshot | null; state: Uint8Array } | null; open: BoardOpenState }

export type Navigate = (path: string, state?: unknown) => void;

/** The parts of the page redrawn on the next animation frame. */
export type DirtyPart = 'scene' | 'view' | 'panels' | 'presence';

/** The board page as its parts see it: the board's layers and a few services of the page. */
export interface BoardPage {
  readonly root: HTMLElement;
  readonly ctx: BoardContext;
  readonly boardId: string;
  readonly role: Role;
  readonly navigate: Navigate;
  readonly model: BoardModel;
  readonly editor: Editor;
  readonly viewport: Viewport;
  readonly presence: Presence;
  readonly renderer: SceneRenderer;
  /** Locked in the document, or (before the first sync) as the API said. */
  isLocked(): boolean;
  canEditNow(): boolean;
  schedule(...parts: DirtyPart[]): void;
  /** A dismissable message under the header (import results and errors). */
  showNotice(text: string | (() => string), isError: boolean): void;
}
