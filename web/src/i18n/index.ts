// Translations: the current locale, `t(key, params)`, and the browser's preferred language as default.
import type { Locale } from '../generated/protocol';
import { LOCALE_CODES } from '../generated/protocol';
import { en } from './en';
import type { MessageKey, Messages } from './en';
import { fi } from './fi';
import { sv } from './sv';

export type { MessageKey, Messages };
export const MESSAGES: Record<Locale, Messages> = { fi, sv, en };
export const LOCALE_NAMES: Record<Locale, string> = { fi: 'Suomi', sv: 'Svenska', en: 'English' };

const STORAGE_KEY = 'kartta.locale';
let current: Locale = 'en';
const listeners = new Set<() => void>();

export function locale(): Locale {
  return current;
}

export function setLocale(next: Locale): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Storage can be unavailable (private mode); the choice then lasts for this page only.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function onLocaleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = MESSAGES[current][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** The message keys that come in plural forms: `base.one`, `base.other` (what Intl.PluralRules says for fi, sv and en). */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer Base}.other` ? Base : never) : never;

/** A message about `count` things in the form the language uses for that count ("1 actor", "5 actors"). */
export function tn(key: PluralKey, count: number, params: Record<string, string | number> = {}): string {
  const form = `${key}.${new Intl.PluralRules(current).select(count)}`;
  return t((form in en ? form : `${key}.other`) as MessageKey, { ...params, count });
}

/** The saved choice, else the first browser language we have (sv-FI → sv), else Finnish. */
export function initialLocale(saved: string | null, browserLanguages: readonly string[]): Locale {
  const known = (code: string | null | undefined): Locale | null => {
    const base = (code ?? '').toLowerCase().split('-')[0]!;
    return (LOCALE_CODES as readonly string[]).includes(base) ? (base as Locale) : null;
  };
  return known(saved) ?? browserLanguages.map(known).find((l): l is Locale => l !== null) ?? 'fi';
}

export function savedLocale(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
