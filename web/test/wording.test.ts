// The Finnish and Swedish wordings a facilitator asked for (issue 11, "Language"), pinned so they
// cannot drift back, and the key names of the shortcut sheet in each language.
import { afterEach, describe, expect, it } from 'vitest';
import { fi } from '../src/i18n/fi';
import { sv } from '../src/i18n/sv';
import { MESSAGES, setLocale, tn } from '../src/i18n';
import { shortcutText } from '../src/actions/action';

describe('wordings asked for by the facilitator', () => {
  it('Finnish', () => {
    expect({
      minutes: fi['workshop.minutes'],
      snapshotDefault: fi['workshop.snapshotDefault'],
      snapshotted: fi['workshop.snapshotted'],
      relationLabel: fi['field.label'],
      assign: fi['workshop.assign'],
      joinHelp: fi['workshop.joinHelp'],
      outlineAction: fi['action.outline'],
      outlineTitle: fi['outline.title'],
    }).toEqual({
      minutes: 'minuuttia',
      snapshotDefault: 'Päivän 1 loppu',
      snapshotted: 'Tilannekuva ”{name}” otettiin {count} taulusta.',
      relationLabel: 'Selite',
      assign: 'Ohjaa taululle',
      joinHelp: 'Avaa {address}, kirjoita koodi ja nimesi ja paina Liity. Voit myös lukea QR-koodin.',
      outlineAction: 'Tekstinäkymä',
      outlineTitle: 'Tekstinäkymä',
    });
    // The legend's help says it plainly, without the stacked "-ksesi" infinitives.
    expect(fi['legend.help']).not.toMatch(/ksesi/);
    expect(Object.values(fi).join('\n')).not.toMatch(/Jäsennys|jäsennys/);
  });

  it('Swedish', () => {
    expect({
      weakening: sv['status.weakening'],
      otherActor: sv['actorKind.other'],
      otherRelation: sv['relationKind.other'],
      legendTab: sv['action.legend'],
      legendHeading: sv['legend.title'],
      outlineAction: sv['action.outline'],
      outlineTitle: sv['outline.title'],
      snapshotted: sv['workshop.snapshotted'],
    }).toEqual({
      weakening: 'Försvagad',
      otherActor: 'Övrig',
      otherRelation: 'Övrig',
      legendTab: 'Förklaring',
      legendHeading: 'Förklaring',
      outlineAction: 'Textvy',
      outlineTitle: 'Textvy',
      snapshotted: 'Sparade ”{name}” för {count} tavlor.',
    });
  });
});

describe('the join help on the workshop page and the projector', () => {
  it('tells the one-step join of the front page: the code, one\'s name and its button, no second page', () => {
    for (const messages of Object.values(MESSAGES)) {
      const help = messages['workshop.joinHelp'];
      expect(help).toContain('{address}');
      expect(help).toContain(messages['landing.joinButton']);
      expect(help).not.toContain('/join');
    }
  });
});

describe('key names on the shortcut sheet', () => {
  afterEach(() => setLocale('en'));

  it('name the space bar in the language and write the others as printed on the key', () => {
    setLocale('fi');
    expect(['Space', 'Ctrl Shift Z', 'Backspace', 'Esc'].map(shortcutText)).toEqual(['Välilyönti', 'Ctrl Shift Z', 'Askelpalautin', 'Esc']);
    setLocale('sv');
    expect(shortcutText('Space')).toBe('Mellanslag');
    setLocale('en');
    expect(shortcutText('Space')).toBe('Space');
  });
});

describe('counts agree with their nouns', () => {
  afterEach(() => setLocale('en'));

  it('one undecided match is singular in every language, two are plural', () => {
    const undecided = (count: number) => tn('compareMaps.undecided', count).split(':')[0];
    setLocale('sv');
    expect([undecided(1), undecided(2)]).toEqual(['1 möjlig matchning är oavgjord och används inte', '2 möjliga matchningar är oavgjorda och används inte']);
    setLocale('fi');
    expect([undecided(1), undecided(2)]).toEqual(['1 mahdollinen vastaavuus on ratkaisematta eikä sitä käytetä', '2 mahdollista vastaavuutta on ratkaisematta eikä niitä käytetä']);
    setLocale('en');
    expect([undecided(1), undecided(2)]).toEqual(['1 possible match is undecided and not used', '2 possible matches are undecided and not used']);
  });
});
