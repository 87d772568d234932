// The dark scheme's map rules: every relation colour and ink has a lighter twin on a dark map, and exports carry none of it.
import { describe, expect, it } from 'vitest';
import { RELATION_COLOR, SCENE_CSS, SCENE_DARK_CSS } from '../src/render/style';
import { INK_COLORS } from '../src/model/types';

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => (Math.max(luminance(a), luminance(b)) + 0.05) / (Math.min(luminance(a), luminance(b)) + 0.05);

describe('the dark map', () => {
  it('gives each relation colour and ink a twin that stands out on the dark background', () => {
    const darkBackground = '#111923';
    for (const colour of [...Object.values(RELATION_COLOR), ...INK_COLORS]) {
      const twin = new RegExp(`\\.k-relation \\[stroke="${colour}"\\], \\.k-stroke\\[stroke="${colour}"\\] \\{ stroke: (#[0-9a-f]{6}); \\}`).exec(SCENE_DARK_CSS)?.[1];
      expect(twin, `a twin for ${colour}`).toBeDefined();
      expect(contrast(twin!, darkBackground), `${twin} on the dark map`).toBeGreaterThanOrEqual(4.5);
    }
    // Kinds stay told apart: no two relation kinds share a twin.
    const twins = Object.values(RELATION_COLOR).map((c) => new RegExp(`\\[stroke="${c}"\\][^{]*\\{ stroke: (#[0-9a-f]{6})`).exec(SCENE_DARK_CSS)?.[1]);
    expect(new Set(twins).size).toBe(new Set(Object.values(RELATION_COLOR)).size);
  });

  it('is not in the rules exports embed, so exported pictures stay light', () => {
    expect(SCENE_CSS).not.toContain('prefers-color-scheme');
    expect(SCENE_DARK_CSS).toContain('prefers-color-scheme: dark');
  });
});
