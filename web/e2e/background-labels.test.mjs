// End-to-end: the background's names (the rings' "Core", "Close partners", "Wider network" and the
// sectors' names) run along each area's outer edge, where cards rarely sit, so a card placed where
// the first cards go — the top of the core, the middle of a wedge — leaves both readable (issue 11).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, waitFor, axeScan, ARTIFACTS } from './harness.mjs';

useServer();

/** The template labels that a card's body overlaps on screen, as "label / card" pairs. */
const covered = (page) => page.evaluate(() => {
  const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const labels = [...document.querySelectorAll('.k-template-label')].map((l) => ({ text: l.textContent, box: l.getBoundingClientRect() }));
  const cards = [...document.querySelectorAll('.k-layer-actors .k-actor')].map((g) => ({ name: g.querySelector('title').textContent, box: g.querySelector('.k-actor-body').getBoundingClientRect() }));
  return labels.flatMap((l) => cards.filter((c) => overlap(l.box, c.box)).map((c) => `${l.text} / ${c.name}`));
});

test('ring and sector names stay clear of cards placed where the first cards go', { timeout: 120_000 }, async () => {
  const { page } = await person('Fanni', { viewport: { width: 1280, height: 800 }, locale: 'fi-FI' });
  await page.addInitScript(() => localStorage.setItem('kartta.locale', 'fi'));
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Fanni');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  await page.click('#k-share-close');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  await page.selectOption('#k-template', 'rings');
  // Where the names used to be: above the middle of the core and of each ring, the first places people use.
  await page.evaluate(() => {
    const m = window.kartta.model;
    m.batch(() => {
      m.addActor({ name: 'Turun kaupunki', kind: 'municipality', x: 0, y: -270 });
      m.addActor({ name: 'Kela', kind: 'state_agency', x: 0, y: -450 });
      m.addActor({ name: 'Varsinais-Suomen yrittäjät', kind: 'business', x: 0, y: -780 });
      m.addActor({ name: 'Åbo Akademi', kind: 'education_research', x: 120, y: -40 });
    });
    window.kartta.editor.zoomToFit();
  });
  await waitFor(page, () => document.querySelectorAll('.k-layer-actors .k-actor').length === 4 && document.querySelectorAll('.k-template-label').length === 3);
  const texts = await page.evaluate(() => [...document.querySelectorAll('.k-template-label')].map((l) => l.textContent));
  assert.deepEqual(texts, ['Ydin', 'Läheiset kumppanit', 'Laajempi verkosto']);
  assert.deepEqual(await covered(page), [], 'no card covers a ring name');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-ring-labels-fit.png` });
  // Up close, the core's name and the card at the top of the core are both whole.
  await page.evaluate(() => {
    const v = window.kartta.viewport;
    v.zoom = 0.9;
    v.centerOn(-120, -200);
  });
  await waitFor(page, () => Math.abs(Number(/matrix\(([^ ]+)/.exec(document.querySelector('.k-world').getAttribute('transform'))?.[1]) - 0.9) < 1e-9);
  assert.deepEqual(await covered(page), []);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-ring-labels-core.png` });
  await axeScan(page, 'the rings background with cards');

  // Sectors: a card in the middle of each wedge, where the names used to be.
  await page.selectOption('#k-template', 'sectors');
  await page.evaluate(() => {
    const m = window.kartta.model;
    const names = ['Kunta', 'Turun yliopisto', 'Yritys Oy', 'Kyläyhdistys', 'Asukasraati'];
    m.batch(() => names.forEach((name, i) => {
      const mid = -Math.PI / 2 + (i + 0.5) * (2 * Math.PI / 5);
      m.addActor({ name, kind: 'other', x: 780 * Math.cos(mid), y: 780 * Math.sin(mid) });
    }));
    window.kartta.editor.zoomToFit();
  });
  await waitFor(page, () => document.querySelectorAll('.k-layer-actors .k-actor').length === 9 && document.querySelectorAll('.k-template-label').length === 5);
  assert.deepEqual(await covered(page), [], 'no card covers a sector name');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-sector-labels-fit.png` });
});
