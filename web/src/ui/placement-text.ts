//! Where an actor sits on the rings or sectors background, in words, for the details panel and the outline.
import type { Template } from '../generated/protocol';
import { t } from '../i18n';
import type { MessageKey } from '../i18n';
import { placementOf } from '../model/placement';

/**
 * "Ring: Core", "Sector: Public sector", "Ring: outside the rings"; null on a background that gives a
 * position no meaning (blank, the hierarchy–market–network canvas).
 */
export function placementText(template: Template, x: number, y: number): string | null {
  const { ring, sector } = placementOf(template, x, y);
  if (template === 'rings') {
    const value = ring === null ? t('compareMaps.unset') : ring === 'outside' ? t('compareMaps.outside') : t(`ring.${ring}` as MessageKey);
    return `${t('compareMaps.ring')}: ${value}`;
  }
  if (template === 'sectors') {
    const value = sector === null ? t('placement.noSector') : t(`sector.${sector}` as MessageKey);
    return `${t('compareMaps.sector')}: ${value}`;
  }
  return null;
}
