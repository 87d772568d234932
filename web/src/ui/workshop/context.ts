// What the parts of the workshop page share: the workshop as last fetched, who looks at it, and the page's services.
import type { Role, Workshop } from '../../generated/protocol';

export type Navigate = (path: string, state?: unknown) => void;

export interface WorkshopContext {
  readonly root: HTMLElement;
  readonly token: string;
  readonly role: Role;
  readonly navigate: Navigate;
  /** The workshop as the last poll (or the page's opening) returned it. */
  workshop(): Workshop;
  /**
   * Runs an action against the server: its message (if any) becomes the page's status, a failure its
   * error; then the overview is polled again.
   */
  act(action: () => Promise<string | void>): Promise<void>;
  poll(): Promise<void>;
  showError(text: string): void;
}
