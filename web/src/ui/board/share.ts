// The share dialog of a board: the links for each role this device knows, and the workshop's join code.
import { t } from '../../i18n';
import { api } from '../../api/client';
import { canManage } from '../../access/roles';
import { boardLink, joinLink } from '../../access/links';
import { accessStore } from '../../access/store';
import { sharedTokensOf } from '../../access/resolve';
import { copyField } from '../common';
import { h } from '../dom';
import type { BoardPage } from './page';

export function openShare(page: BoardPage, justCreated: boolean): void {
  const { root, ctx, role, boardId } = page;
  root.querySelector('#k-share-dialog')?.remove();
  const tokens = accessStore.tokens(ctx.access.board.workshopId);
  tokens[role] ??= ctx.token;
  const origin = location.origin;
  const fields: HTMLElement[] = [];
  if (tokens.participant) fields.push(copyField(t('share.edit'), boardLink(origin, boardId, tokens.participant)));
  if (tokens.viewer) fields.push(copyField(t('share.view'), boardLink(origin, boardId, tokens.viewer)));
  if (tokens.facilitator) fields.push(copyField(t('share.admin'), boardLink(origin, boardId, tokens.facilitator), 'k-copy-secret'));
  const complete = Boolean(tokens.participant && tokens.viewer && tokens.facilitator);
  const dialog = h('dialog', { class: 'k-dialog k-share-dialog', id: 'k-share-dialog', 'aria-labelledby': 'k-share-title' }, [
    h('h2', { id: 'k-share-title' }, [t('share.title')]),
    justCreated ? h('p', {}, [t('share.created')]) : null,
    ...fields,
    complete ? null : h('p', { class: 'k-muted' }, [t('share.unknown')]),
    h('div', { class: 'k-row k-dialog-buttons' }, [h('button', { type: 'button', class: 'k-primary', id: 'k-share-close', onclick: () => dialog.close() }, [t('action.close')])]),
  ]);
  dialog.addEventListener('close', () => {
    dialog.remove();
    root.querySelector<HTMLElement>('#k-share')?.focus();
  });
  root.append(dialog);
  dialog.showModal();
  if (!justCreated && (ctx.access.workshopKind === 'workshop' || (canManage(role) && !complete))) {
    // The facilitator gets the other links back from the server; participants get the join code.
    api.workshop(ctx.access.board.workshopId, ctx.token).then((w) => {
      if (!dialog.isConnected) return;
      const shared = sharedTokensOf(w);
      if (shared && !complete) {
        accessStore.saveToken(w.id, 'participant', shared.participant);
        accessStore.saveToken(w.id, 'viewer', shared.viewer);
        dialog.close();
        openShare(page, false);
        return;
      }
      if (w.joinCode) dialog.querySelector('.k-dialog-buttons')!.before(copyField(t('share.joinCode'), joinLink(origin, w.joinCode)));
    }).catch(() => {});
  }
}
