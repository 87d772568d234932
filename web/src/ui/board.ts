// The board page's entry: finds a token the server accepts, asks for a name (not a viewer's), then shows the board
// (`board/view.ts`); the page's parts live in `board/`.
import { api } from '../api/client';
import { t } from '../i18n';
import { accessStore } from '../access/store';
import { resolveBoard } from '../access/resolve';
import { accessOrMessage, errorText, messagePage } from './common';
import { displayName, setDisplayName } from './identity';
import { h } from './dom';
import { BoardView } from './board/view';
import type { BoardContext, BoardOpenState, Navigate } from './board/page';

export type { BoardOpenState } from './board/page';
export type { KarttaDebug } from './board/view';

/**
 * Opens a board (or, with `snapshotId`, one of its snapshots read-only): finds a token the server
 * accepts (the link's, or one kept on this device), asks for a name unless the role is viewer, then
 * shows the board.
 */
export function mountBoard(root: HTMLElement, boardId: string, navigate: Navigate, linkToken: string | null, open: BoardOpenState = {}, snapshotId: string | null = null): () => void {
  let destroy: () => void = () => {};
  let cancelled = false;
  const start = async () => {
    const resolved = await accessOrMessage(root, navigate, () => resolveBoard(api, accessStore, boardId, linkToken), () => cancelled, () => void start());
    if (!resolved) return;
    // A viewer (the projector, an observer) is never present to others, so it is never asked who it is.
    const viewer = resolved.value.role === 'viewer';
    const name = viewer ? '' : displayName();
    if (!viewer && !name) {
      askName(root, () => void start());
      return;
    }
    let snapshot: BoardContext['snapshot'] = null;
    if (snapshotId) {
      try {
        const [state, list] = await Promise.all([api.snapshotState(snapshotId, resolved.token), api.snapshots(boardId, resolved.token).catch(() => [])]);
        snapshot = { id: snapshotId, state, meta: list.find((s) => s.id === snapshotId) ?? null };
      } catch (error) {
        if (!cancelled) messagePage(root, navigate, 'access.notFound', errorText(error));
        return;
      }
      if (cancelled) return;
    }
    destroy = new BoardView(root, { boardId, token: resolved.token, access: resolved.value, snapshot, open }, navigate, name).destroy;
  };
  void start();
  return () => {
    cancelled = true;
    destroy();
  };
}

function askName(root: HTMLElement, done: () => void): void {
  const input = h('input', { id: 'k-ask-name', type: 'text', autocomplete: 'nickname', maxlength: 40, required: true });
  const form = h('form', { method: 'dialog', class: 'k-name-form' }, [
    h('h1', { id: 'k-ask-title' }, [t('name.title')]),
    h('p', {}, [t('name.help')]),
    h('label', { for: 'k-ask-name' }, [t('field.name')]),
    input,
    h('button', { type: 'submit', class: 'k-primary' }, [t('name.continue')]),
  ]);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!input.value.trim()) return;
    setDisplayName(input.value);
    done();
  });
  root.replaceChildren(h('main', { class: 'k-landing' }, [h('div', { class: 'k-card' }, [form])]));
  input.focus();
}
