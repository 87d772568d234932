// Labelled form fields bound to model values, refreshed in place so typing is never interrupted.
// With several elements selected a field can be "mixed" (their values differ): a select shows a
// placeholder option, a text field a placeholder and a checkbox is indeterminate until changed.
import { h } from './dom';

export interface Binding {
  /** Re-reads the model value into the control, unless the person is editing it right now. */
  refresh(): void;
}

/** What a field's read() returns when the selected elements disagree. */
export const MIXED = '\u0000mixed';

let counter = 0;
const nextId = () => `k-f${++counter}`;

export function textField(
  label: string, read: () => string, write: (v: string) => void, opts: { multiline?: boolean; key?: string; mixedLabel?: string } = {},
): [HTMLElement, Binding] {
  const id = nextId();
  const control = opts.multiline
    ? h('textarea', { id, rows: 3, 'data-key': opts.key })
    : h('input', { id, type: 'text', 'data-key': opts.key });
  const show = () => {
    const value = read();
    control.value = value === MIXED ? '' : value;
    control.placeholder = value === MIXED ? opts.mixedLabel ?? '' : '';
  };
  show();
  // Enter writes, and so does leaving the field: the second is skipped when nothing changed since,
  // so one edit is one undo step.
  const commit = () => {
    const current = read();
    // An untouched mixed field (empty) keeps everyone's own value.
    if (control.value !== current && !(current === MIXED && control.value === '')) write(control.value);
  };
  control.addEventListener('change', commit);
  control.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter' && control instanceof HTMLInputElement) commit();
  });
  const binding = { refresh: () => { if (document.activeElement !== control) show(); } };
  return [h('div', { class: 'k-field' }, [h('label', { for: id }, [label]), control]), binding];
}

export function selectField<V extends string>(
  label: string, options: { value: V | ''; label: string }[], read: () => V | '' | typeof MIXED, write: (v: V | '') => void, key?: string, mixedLabel?: string,
): [HTMLElement, Binding] {
  const id = nextId();
  const control = h('select', { id, 'data-key': key }, options.map((o) => h('option', { value: o.value }, [o.label])));
  const mixed = mixedLabel === undefined ? null : h('option', { value: MIXED, disabled: true }, [mixedLabel]);
  if (mixed) control.prepend(mixed);
  const show = () => {
    const value = read();
    if (mixed) mixed.hidden = value !== MIXED;
    control.value = value;
  };
  show();
  control.addEventListener('change', () => {
    if (control.value !== MIXED) write(control.value as V | '');
  });
  const binding = { refresh: () => { if (document.activeElement !== control) show(); } };
  return [h('div', { class: 'k-field' }, [h('label', { for: id }, [label]), control]), binding];
}

/** A checkbox; read() returning null means mixed (shown indeterminate). */
export function checkField(label: string, read: () => boolean | null, write: (v: boolean) => void, key?: string): [HTMLElement, Binding] {
  const id = nextId();
  const control = h('input', { id, type: 'checkbox', 'data-key': key });
  const show = () => {
    const value = read();
    control.indeterminate = value === null;
    control.checked = value === true;
  };
  show();
  control.addEventListener('change', () => write(control.checked));
  const binding = { refresh: show };
  return [h('div', { class: 'k-field k-check' }, [control, h('label', { for: id }, [label])]), binding];
}
