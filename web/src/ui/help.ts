// The keyboard shortcut sheet, a modal dialog.
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import { TOOL_KEYS } from '../tools/tool';
import { h } from './dom';

export function helpDialog(): HTMLDialogElement {
  const dialog = h('dialog', { class: 'k-dialog', id: 'k-help', 'aria-labelledby': 'k-help-title' });
  const row = (keys: string[], text: string) => h('tr', {}, [
    h('td', {}, keys.flatMap((k, i) => [i > 0 ? ' / ' : '', h('kbd', {}, [k])])),
    h('td', {}, [text]),
  ]);
  const table = (caption: MessageKey, rows: HTMLElement[]) => h('table', {}, [h('caption', {}, [t(caption)]), h('tbody', {}, rows)]);
  dialog.replaceChildren(
    h('h2', { id: 'k-help-title' }, [t('help.title')]),
    h('div', { class: 'k-help-grid' }, [
      table('help.tools', Object.entries(TOOL_KEYS).map(([key, tool]) => row([key.toUpperCase()], t(`tool.${tool}`)))),
      table('help.editing', [
        row(['Ctrl Z'], t('help.undo')),
        row(['Ctrl Shift Z', 'Ctrl Y'], t('help.redo')),
        row(['Delete', 'Backspace'], t('help.delete')),
        row(['Ctrl A'], t('help.selectAll')),
        row(['← ↑ → ↓'], t('help.move')),
        row(['[', ']'], t('help.cycle')),
        row(['Enter'], t('help.rename')),
        row(['Esc'], t('help.escape')),
      ]),
      table('help.view', [
        row(['+', '−'], t('help.zoom')),
        row(['Shift 1'], t('help.fit')),
        row(['0'], t('help.zoomReset')),
        row(['Space'], t('help.pan')),
        row(['O'], t('help.outline')),
        row(['?'], t('help.help')),
      ]),
    ]),
    h('form', { method: 'dialog' }, [h('button', { type: 'submit', class: 'k-primary' }, [t('action.close')])]),
  );
  return dialog;
}
