// The board's websocket connection: the Yjs provider, what the server's close codes mean, and the connection indicator.
import type * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { t } from '../../i18n';
import type { MessageKey } from '../../i18n';
import { CLOSE_CODE } from '../../generated/protocol';
import { h } from '../dom';

const TERMINAL_CLOSE_CODES = new Set<number>([CLOSE_CODE.invalidBoard, CLOSE_CODE.boardTooLarge, CLOSE_CODE.accessWithdrawn]);
const CLOSE_MESSAGES: Record<number, MessageKey> = {
  [CLOSE_CODE.boardFull]: 'conn.boardFull',
  [CLOSE_CODE.boardTooLarge]: 'conn.boardTooLarge',
  [CLOSE_CODE.invalidBoard]: 'conn.invalidBoard',
  // A personal board stopped being shared: reconnecting would only be refused.
  [CLOSE_CODE.accessWithdrawn]: 'conn.accessWithdrawn',
  [CLOSE_CODE.tooSlow]: 'conn.slow',
  [CLOSE_CODE.tooManyPending]: 'conn.slow',
  // The server refused an update that relies on content it lacks; y-websocket reconnects and resyncs.
  [CLOSE_CODE.missingDependencies]: 'conn.resync',
};
/** Closes after which the reconnect is routine: shown as "connecting", not as an error. */
const ROUTINE_CLOSE_MESSAGES = new Set<MessageKey>(['conn.resync', 'conn.slow']);
type Status = 'connecting' | 'connected' | 'disconnected';

/** A live board's connection; it keeps the state the header's indicator (`#k-conn`) shows. */
export class BoardConnection {
  readonly provider: WebsocketProvider;
  private status: Status = 'connecting';
  /** Why the server closed the last connection, when it said (a close code from the protocol). */
  private closeReason: MessageKey | null = null;

  constructor(private readonly root: HTMLElement, boardId: string, doc: Y.Doc, token: string, onSync: (synced: boolean) => void) {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
    this.provider = new WebsocketProvider(url, boardId, doc, {
      params: { token },
      // Reconnecting cannot help with a bad board id or a board at its size limit; everything else retries.
      shouldReconnect: (event: CloseEvent) => !TERMINAL_CLOSE_CODES.has(event.code),
    });
    this.provider.on('status', ({ status }: { status: Status }) => {
      this.status = status;
      if (status === 'connected') this.closeReason = null;
      this.render();
    });
    // y-websocket reports the close before the status change: the socket is gone either way.
    this.provider.on('connection-close', (event: CloseEvent | null) => {
      this.status = 'disconnected';
      this.closeReason = event ? CLOSE_MESSAGES[event.code] ?? null : null;
      this.render();
    });
    this.provider.on('sync', onSync);
  }

  /** Shows the connection's state in the header's indicator, if the header has one. */
  render(): void {
    const el = this.root.querySelector('#k-conn');
    if (!el) return;
    const key = this.status === 'connected' ? 'conn.connected' : this.closeReason ?? (this.status === 'connecting' ? 'conn.connecting' : 'conn.offline');
    const routine = this.status !== 'connected' && this.closeReason !== null && ROUTINE_CLOSE_MESSAGES.has(this.closeReason);
    el.className = `k-conn k-conn-${routine ? 'connecting' : this.status}`;
    el.setAttribute('title', t(key));
    el.replaceChildren(h('span', { class: 'k-conn-text' }, [t(key)]));
  }

  destroy(): void {
    this.provider.destroy();
  }
}
