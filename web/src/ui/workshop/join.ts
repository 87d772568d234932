// The workshop page's join panel: the join code, its QR code, the links, and the code shown large for the projector.
import qrcode from 'qrcode-generator';
import { t } from '../../i18n';
import { accessStore } from '../../access/store';
import { joinLink, workshopLink } from '../../access/links';
import { copyField } from '../common';
import { h, icon, ICONS } from '../dom';
import type { WorkshopContext } from './context';

/** An SVG QR code of `text` (error correction M: readable from a projector across a room). */
export function qrSvg(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createSvgTag({ cellSize: 8, margin: 2, scalable: true });
}

export function joinSection(ctx: WorkshopContext): HTMLElement {
  const w = ctx.workshop();
  const origin = location.origin;
  const tokens = accessStore.tokens(w.id);
  const code = w.joinCode;
  const link = code ? joinLink(origin, code) : null;
  const qr = h('div', { class: 'k-qr', role: 'img', 'aria-label': t('workshop.qr', { link: link ?? '' }) });
  if (link) qr.innerHTML = qrSvg(link);
  qr.querySelector('svg')?.setAttribute('aria-hidden', 'true');
  return h('section', { class: 'k-card k-join-panel', 'aria-labelledby': 'k-join-heading' }, [
    h('h2', { id: 'k-join-heading' }, [t('workshop.joinHeading')]),
    h('div', { class: 'k-join-layout' }, [
      h('div', { class: 'k-join-text' }, [
        code ? h('p', { class: 'k-join-code', id: 'k-join-code-display' }, [code]) : null,
        h('p', {}, [t('workshop.joinHelp', { address: location.host })]),
        code && link ? h('button', { type: 'button', class: 'k-primary', id: 'k-show-code', 'aria-haspopup': 'dialog', onclick: () => showCode(ctx.root, code, link) }, [t('workshop.showCode')]) : null,
        link ? copyField(t('workshop.participantLink'), link) : null,
        tokens.viewer ? labelledLink(t('workshop.viewerLinkIcon'), workshopLink(origin, w.id, tokens.viewer), ICONS.present, 'viewer') : null,
        labelledLink(t('workshop.facilitatorLinkSecret'), workshopLink(origin, w.id, ctx.token), ICONS.key, 'facilitator'),
      ]),
      link ? qr : null,
    ]),
  ]);
}

/**
 * A link to copy whose label cannot be mistaken for the other's: its own icon and wording, and the
 * secret one marked in red. The links differ only in their token, so a cut address would not tell.
 */
function labelledLink(label: string, link: string, iconPath: string, which: 'viewer' | 'facilitator'): HTMLElement {
  const field = copyField(label, link, which === 'facilitator' ? 'k-copy-secret' : 'k-copy-viewer');
  field.dataset.link = which;
  field.querySelector('label')?.prepend(icon(iconPath, 16));
  return field;
}

/**
 * The code and its QR code, large, for the projector: the page itself also shows the secret
 * facilitator link, which the room should not see.
 */
function showCode(root: HTMLElement, code: string, link: string): void {
  const qr = h('div', { class: 'k-qr k-qr-large', role: 'img', 'aria-label': t('workshop.qr', { link }) });
  qr.innerHTML = qrSvg(link);
  qr.querySelector('svg')?.setAttribute('aria-hidden', 'true');
  const dialog = h('dialog', { class: 'k-dialog k-code-dialog', id: 'k-code-dialog', 'aria-labelledby': 'k-code-dialog-title' }, [
    h('h2', { id: 'k-code-dialog-title' }, [t('workshop.joinHeading')]),
    h('div', { class: 'k-code-dialog-body' }, [
      h('div', {}, [
        h('p', { class: 'k-join-code k-join-code-large' }, [code]),
        h('p', { class: 'k-code-address' }, [t('workshop.joinHelp', { address: location.host })]),
      ]),
      qr,
    ]),
    h('div', { class: 'k-row k-dialog-buttons' }, [h('button', { type: 'button', id: 'k-code-close', onclick: () => dialog.close() }, [t('action.close')])]),
  ]);
  dialog.addEventListener('close', () => {
    dialog.remove();
    root.querySelector<HTMLElement>('#k-show-code')?.focus();
  });
  root.append(dialog);
  dialog.showModal();
}
