// Small pieces shared by the pages: a copyable link, a status line, a confirm dialog, dates and times.
import { locale, t } from '../i18n';
import type { MessageKey } from '../i18n';
import { ApiError } from '../api/client';
import type { Resolved } from '../access/resolve';
import { h } from './dom';
import { languageSelect } from './language';

let fieldCount = 0;

/** A read-only text field with its label and a Copy button (falls back to selecting the text). */
export function copyField(label: string, value: string, extraClass = ''): HTMLElement {
  const id = `k-copy-${++fieldCount}`;
  const input = h('input', { id, type: 'text', readonly: true, value, class: 'k-copy-input', spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
  const button = h('button', { type: 'button', class: 'k-small', 'aria-describedby': id }, [t('common.copy')]);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      button.textContent = t('common.copied');
      setTimeout(() => (button.textContent = t('common.copy')), 2000);
    } catch {
      input.focus();
      input.select();
    }
  });
  return h('div', { class: `k-copy ${extraClass}`.trim() }, [h('label', { for: id }, [label]), h('div', { class: 'k-row' }, [input, button])]);
}

/** A message for an API failure, in the user's language where the server's sentence is not enough. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.status === 0 ? t('error.network') : error.message;
  return String(error);
}

/** A modal yes/no question; resolves true when confirmed. Focus returns to where it was. */
export function confirmDialog(message: string, confirmLabel: string, danger = false): Promise<boolean> {
  const returnFocus = document.activeElement as HTMLElement | null;
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'k-dialog k-confirm', 'aria-labelledby': 'k-confirm-text' }, [
      h('p', { id: 'k-confirm-text' }, [message]),
      h('div', { class: 'k-row k-dialog-buttons' }, [
        h('button', { type: 'button', id: 'k-confirm-cancel', onclick: () => dialog.close('cancel') }, [t('common.cancel')]),
        h('button', { type: 'button', id: 'k-confirm-ok', class: danger ? 'k-primary k-danger-fill' : 'k-primary', onclick: () => dialog.close('ok') }, [confirmLabel]),
      ]),
    ]);
    dialog.addEventListener('close', () => {
      dialog.remove();
      returnFocus?.focus();
      resolve(dialog.returnValue === 'ok');
    });
    document.body.append(dialog);
    dialog.showModal();
    (dialog.querySelector('#k-confirm-cancel') as HTMLElement).focus();
  });
}

export function formatDateTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleDateString(locale(), { dateStyle: 'long' });
}

export function formatClock(ms: number): string {
  return new Date(ms).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
}

/** Remaining time as m:ss (or h:mm:ss). */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** A simple page with a heading, a sentence and links back (loading and access errors). */
export function messagePage(root: HTMLElement, navigate: (path: string) => void, titleKey: MessageKey, text: string, retry?: () => void): void {
  root.replaceChildren(h('main', { class: 'k-landing' }, [
    h('div', { class: 'k-landing-top' }, [languageSelect()]),
    h('div', { class: 'k-card', role: titleKey === 'access.loading' ? 'status' : 'alert' }, [
      h('h1', { class: 'k-page-title' }, [t(titleKey)]),
      text ? h('p', {}, [text]) : null,
      h('div', { class: 'k-row' }, [
        retry ? h('button', { type: 'button', class: 'k-primary', onclick: retry }, [t('access.retry')]) : null,
        h('a', { href: '/', onclick: (e: Event) => { e.preventDefault(); navigate('/'); } }, [t('access.back')]),
      ]),
    ]),
  ]));
}

/** The sentence for a failed access resolution. */
export function accessMessage(reason: 'no_token' | 'denied' | 'not_found' | 'network', message: string): { title: MessageKey; text: string } {
  switch (reason) {
    case 'no_token': return { title: 'access.noToken', text: '' };
    case 'not_found': return { title: 'access.notFound', text: '' };
    case 'network': return { title: 'error.network', text: '' };
    case 'denied': return { title: 'access.denied', text: message };
  }
}

/**
 * The start of a page that needs access: the loading page while `resolve` looks for a token the server
 * accepts, then why there is none (with a retry, `retry`, after a network failure). Answers the access,
 * or null when there is none or the page was left meanwhile (`left`).
 */
export async function accessOrMessage<T>(root: HTMLElement, navigate: (path: string) => void, resolve: () => Promise<Resolved<T>>, left: () => boolean, retry: () => void): Promise<Extract<Resolved<T>, { ok: true }> | null> {
  messagePage(root, navigate, 'access.loading', '');
  const resolved = await resolve();
  if (left()) return null;
  if (!resolved.ok) {
    const { title, text } = accessMessage(resolved.reason, resolved.message);
    messagePage(root, navigate, title, text, resolved.reason === 'network' ? retry : undefined);
    return null;
  }
  return resolved;
}
