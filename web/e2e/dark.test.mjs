// End-to-end: the dark colour scheme when the system asks for it (issue 11, item 14): page, panels and map dark, axe clean, the map's kinds still told apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, waitFor, axeScan, ARTIFACTS } from './harness.mjs';

useServer();

test('a dark system scheme gives a dark page, panels and map; axe finds nothing', { timeout: 120_000 }, async () => {
  const { page } = await person('Saara', { colorScheme: 'dark' });
  await page.goto(`${server.origin}/`);
  await axeScan(page, 'landing, dark');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-dark-landing.png` });
  await page.fill('#k-name', 'Saara');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  await axeScan(page, 'share dialog, dark');
  await page.click('#k-share-close');
  await waitFor(page, () => window.kartta?.provider?.synced === true && document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  await page.selectOption('#k-template', 'rings');
  // A small map with every kind of actor and a few relations, drawn through the model (the subject is how it looks).
  await page.evaluate(() => {
    const m = window.kartta.model;
    const kinds = ['municipality', 'regional_authority', 'state_agency', 'business', 'education_research', 'association', 'residents', 'funder', 'media', 'other'];
    const names = ['Turun kaupunki', 'Varsinais-Suomen liitto', 'Kela', 'Yrittäjät ry', 'Turun yliopisto', 'Kylätoimikunta', 'Asukkaat', 'Business Finland', 'Turun Sanomat', 'Muu'];
    const ids = kinds.map((kind, i) => m.addActor({ name: names[i], kind, x: Math.cos(i / 10 * 2 * Math.PI) * 420, y: Math.sin(i / 10 * 2 * Math.PI) * 320 }));
    const relationKinds = ['collaboration', 'information', 'funding', 'agreement', 'membership', 'conflict', 'other'];
    relationKinds.forEach((kind, i) => m.addRelation(ids[i], ids[(i + 3) % ids.length], { kind, label: i === 2 ? 'avustus' : '' }));
    m.addNote({ x: -120, y: -60, body: 'Kysy Kelasta' });
    m.addNote({ x: -80, y: 60, variant: 'label', color: '#1f2933', body: 'Ydin' });
  });
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('Shift+!');
  await page.click('#k-tab-outline');
  await waitFor(page, () => document.querySelectorAll('#k-side li[data-id]').length >= 10);
  const colours = await page.evaluate(() => ({
    page: getComputedStyle(document.querySelector('.k-stage')).backgroundColor,
    side: getComputedStyle(document.querySelector('#k-side')).backgroundColor,
    text: getComputedStyle(document.body).color,
    ring: getComputedStyle(document.querySelector('.k-template-fill-a')).fill,
    funding: getComputedStyle(document.querySelector('.k-relation [stroke="#1c481f"]')).stroke,
  }));
  const luminance = (css) => {
    const [r, g, b] = css.match(/\d+/g).slice(0, 3).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  };
  assert.ok(luminance(colours.page) < 0.2, `the map's background is dark (${colours.page})`);
  assert.ok(luminance(colours.ring) < 0.2, `the rings are dark (${colours.ring})`);
  assert.ok(luminance(colours.text) > 0.8, `text is light (${colours.text})`);
  // A funding relation keeps its green, lighter so it stands out on the dark map.
  assert.equal(colours.funding, 'rgb(158, 254, 88)');
  await axeScan(page, 'board, dark');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-dark-board.png` });

  // The context menu and the find field in the dark too.
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('Control+f');
  await page.keyboard.type('turun');
  await waitFor(page, () => document.querySelector('#k-find-position')?.textContent === '1 of 3');
  await axeScan(page, 'find, dark');
  await page.keyboard.press('Escape');
  const box = await page.locator('#k-canvas').boundingBox();
  await page.mouse.click(box.x + 40, box.y + box.height - 40, { button: 'right' });
  await page.waitForSelector('#k-context-menu:not([hidden])');
  await axeScan(page, 'context menu, dark');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-dark-menu.png` });
});
