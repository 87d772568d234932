// Labelled form fields bound to model values, refreshed in place so typing is never interrupted.
import { h } from './dom';

export interface Binding {
  /** Re-reads the model value into the control, unless the person is editing it right now. */
  refresh(): void;
}

let counter = 0;
const nextId = () => `k-f${++counter}`;

export function textField(label: string, read: () => string, write: (v: string) => void, opts: { multiline?: boolean; key?: string } = {}): [HTMLElement, Binding] {
  const id = nextId();
  const control = opts.multiline
    ? h('textarea', { id, rows: 3, 'data-key': opts.key })
    : h('input', { id, type: 'text', 'data-key': opts.key });
  control.value = read();
  control.addEventListener('change', () => write(control.value));
  control.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter' && control instanceof HTMLInputElement) write(control.value);
  });
  const binding = { refresh: () => { if (document.activeElement !== control) control.value = read(); } };
  return [h('div', { class: 'k-field' }, [h('label', { for: id }, [label]), control]), binding];
}

export function selectField<V extends string>(
  label: string, options: { value: V | ''; label: string }[], read: () => V | '', write: (v: V | '') => void, key?: string,
): [HTMLElement, Binding] {
  const id = nextId();
  const control = h('select', { id, 'data-key': key }, options.map((o) => h('option', { value: o.value }, [o.label])));
  control.value = read();
  control.addEventListener('change', () => write(control.value as V | ''));
  const binding = { refresh: () => { if (document.activeElement !== control) control.value = read(); } };
  return [h('div', { class: 'k-field' }, [h('label', { for: id }, [label]), control]), binding];
}

export function checkField(label: string, read: () => boolean, write: (v: boolean) => void): [HTMLElement, Binding] {
  const id = nextId();
  const control = h('input', { id, type: 'checkbox' });
  control.checked = read();
  control.addEventListener('change', () => write(control.checked));
  const binding = { refresh: () => { control.checked = read(); } };
  return [h('div', { class: 'k-field k-check' }, [control, h('label', { for: id }, [label])]), binding];
}
