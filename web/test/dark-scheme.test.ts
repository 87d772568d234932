// The dark scheme's map rules: every relation colour and ink has a lighter twin on a dark map, and exports carry none of it.
import { describe, expect, it } from 'vitest';
import { RELATION_COLOR, RELATION_COLOR_DARK, SCENE_CSS, SCENE_DARK_CSS } from '../src/render/style';
import { RELATION_KIND_CODES } from '../src/generated/protocol';
import { INK_COLORS } from '../src/model/types';

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => (Math.max(luminance(a), luminance(b)) + 0.05) / (Math.min(luminance(a), luminance(b)) + 0.05);
/** The colour the dark map's rules draw a line or ink of `colour` in. */
const twinOf = (colour: string) =>
  new RegExp(`\\.k-relation \\[stroke="${colour}"\\], \\.k-stroke\\[stroke="${colour}"\\] \\{ stroke: (#[0-9a-f]{6}); \\}`).exec(SCENE_DARK_CSS)?.[1];

describe('the dark map', () => {
  it('gives each ink a twin that stands out on the dark background', () => {
    const darkBackground = '#111923';
    for (const colour of INK_COLORS) {
      const twin = twinOf(colour);
      expect(twin, `a twin for ${colour}`).toBeDefined();
      expect(contrast(twin!, darkBackground), `${twin} on the dark map`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('draws each relation kind in its dark colour of the protocol, where the kinds are tested to stay apart', () => {
    for (const kind of RELATION_KIND_CODES) {
      expect(twinOf(RELATION_COLOR[kind]), kind).toBe(RELATION_COLOR_DARK[kind]);
    }
    // No ink shares a light colour with a relation kind but not its twin (one rule serves both).
    for (const colour of INK_COLORS) {
      const kind = RELATION_KIND_CODES.find((k) => RELATION_COLOR[k] === colour);
      if (kind) expect(twinOf(colour)).toBe(RELATION_COLOR_DARK[kind]);
    }
  });

  it('is not in the rules exports embed, so exported pictures stay light', () => {
    expect(SCENE_CSS).not.toContain('prefers-color-scheme');
    expect(SCENE_DARK_CSS).toContain('prefers-color-scheme: dark');
  });
});
