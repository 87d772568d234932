//! The language choice as actions, one per language, each named in its own language: every page's language selector is drawn from them.
import type { Action } from './action';
import type { MessageKey } from '../i18n';
import type { Locale } from '../generated/protocol';
import { LOCALE_CODES } from '../generated/protocol';

/** What choosing a language acts on: the page's current language (`i18n`). */
export interface LanguageContext {
  language(): Locale;
  setLanguage(locale: Locale): void;
}

export interface LanguageAction extends Action<LanguageContext> {
  readonly locale: Locale;
  selected(context: LanguageContext): boolean;
}

export const LANGUAGE_ACTIONS: readonly LanguageAction[] = LOCALE_CODES.map((code) => ({
  id: `language.${code}`, label: `language.${code}` satisfies MessageKey, group: 'view', shortcuts: [], locale: code,
  enabled: () => true,
  selected: (context) => context.language() === code,
  perform: (context) => context.setLanguage(code),
}));
