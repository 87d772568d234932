// The keyboard shortcut sheet, a modal dialog drawn from the board's actions.
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import { BOARD_ACTIONS } from '../actions/board-actions';
import { shortcutSheet, shortcutText } from '../actions/action';
import type { ActionGroup, SheetRow } from '../actions/action';
import { h } from './dom';

const CAPTIONS: Record<ActionGroup, MessageKey> = { tools: 'help.tools', editing: 'help.editing', view: 'help.view' };

export function helpDialog(): HTMLDialogElement {
  const dialog = h('dialog', { class: 'k-dialog', id: 'k-help', 'aria-labelledby': 'k-help-title' });
  const row = ({ keys, text }: SheetRow) => h('tr', {}, [
    h('td', {}, keys.flatMap((k, i) => [i > 0 ? ' / ' : '', h('kbd', {}, [shortcutText(k)])])),
    h('td', {}, [t(text)]),
  ]);
  const sheet = shortcutSheet(BOARD_ACTIONS);
  dialog.replaceChildren(
    h('h2', { id: 'k-help-title' }, [t('help.title')]),
    h('div', { class: 'k-help-grid' }, (Object.keys(CAPTIONS) as ActionGroup[]).map((group) =>
      h('table', {}, [h('caption', {}, [t(CAPTIONS[group])]), h('tbody', {}, sheet[group].map(row))]))),
    h('form', { method: 'dialog' }, [h('button', { type: 'submit', class: 'k-primary' }, [t('action.close')])]),
  );
  return dialog;
}
