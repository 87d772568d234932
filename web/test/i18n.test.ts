// Every language has every message, with the same placeholders, and the default follows the browser.
import { describe, expect, it } from 'vitest';
import { MESSAGES, initialLocale } from '../src/i18n';
import { en } from '../src/i18n/en';
import { ACTOR_KIND_CODES, RELATION_KIND_CODES, TEMPLATE_CODES, SECTOR_CODES, RING_CODES, STANCE_CODES, DIRECTION_CODES, STRENGTH_CODES, COORDINATION_CODES, RELATION_STATUS_CODES } from '../src/generated/protocol';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  for (const [locale, messages] of Object.entries(MESSAGES)) {
    it(`${locale} has every key, non-empty, with the same placeholders as English`, () => {
      const missing = Object.keys(en).filter((k) => !(k in messages) || !(messages as Record<string, string>)[k]!.trim());
      const extra = Object.keys(messages).filter((k) => !(k in en));
      expect(missing).toEqual([]);
      expect(extra).toEqual([]);
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        expect(placeholders(messages[key]), `${locale} ${key}`).toEqual(placeholders(en[key]));
      }
    });
  }

  it('every code of the generated schema has a label', () => {
    const keys = [
      ...ACTOR_KIND_CODES.map((c) => `actorKind.${c}`),
      ...RELATION_KIND_CODES.map((c) => `relationKind.${c}`),
      ...TEMPLATE_CODES.map((c) => `template.${c}`),
      ...SECTOR_CODES.map((c) => `sector.${c}`),
      ...RING_CODES.map((c) => `ring.${c}`),
      ...STANCE_CODES.map((c) => `stance.${c}`),
      ...DIRECTION_CODES.map((c) => `direction.${c}`),
      ...STRENGTH_CODES.map((c) => `strength.${c}`),
      ...COORDINATION_CODES.map((c) => `coordination.${c}`),
      ...RELATION_STATUS_CODES.map((c) => `status.${c}`),
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('the default language follows the saved choice, then the browser, then Finnish', () => {
    expect(initialLocale('sv', ['en-GB'])).toBe('sv');
    expect(initialLocale(null, ['de-DE', 'sv-FI', 'en'])).toBe('sv');
    expect(initialLocale(null, ['en-US'])).toBe('en');
    expect(initialLocale(null, ['de'])).toBe('fi');
  });
});
