// The language switcher, drawn from the language actions; each option is labelled in its own language with the matching lang attribute.
import { locale, setLocale, t } from '../i18n';
import { LANGUAGE_ACTIONS } from '../actions/language-actions';
import type { LanguageContext } from '../actions/language-actions';
import { h } from './dom';

const PAGE_LANGUAGE: LanguageContext = { language: locale, setLanguage: setLocale };

export function languageSelect(context: LanguageContext = PAGE_LANGUAGE): HTMLSelectElement {
  const select = h('select', { class: 'k-lang', 'aria-label': t('action.language'), id: 'k-lang' },
    LANGUAGE_ACTIONS.map((action) => h('option', { value: action.locale, lang: action.locale, selected: action.selected(context) }, [t(action.label)])));
  select.value = LANGUAGE_ACTIONS.find((action) => action.selected(context))?.locale ?? '';
  select.addEventListener('change', () => {
    const chosen = LANGUAGE_ACTIONS.find((action) => action.locale === select.value);
    if (chosen?.enabled(context)) chosen.perform(context);
  });
  return select;
}
