// The language switcher; each option is labelled in its own language with the matching lang attribute.
import { LOCALE_CODES } from '../generated/protocol';
import type { Locale } from '../generated/protocol';
import { LOCALE_NAMES, locale, setLocale, t } from '../i18n';
import { h } from './dom';

export function languageSelect(): HTMLSelectElement {
  const select = h('select', { class: 'k-lang', 'aria-label': t('action.language'), id: 'k-lang' },
    LOCALE_CODES.map((code) => h('option', { value: code, lang: code, selected: code === locale() }, [LOCALE_NAMES[code]])));
  select.value = locale();
  select.addEventListener('change', () => setLocale(select.value as Locale));
  return select;
}
