// End-to-end: where an actor sits is said where people look. On a closeness-rings board, dragging an
// actor from the core ring out to the wider network changes its ring in the details panel and in the
// outline (in Finnish here), and the server's export derives the same ring from the stored position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, screenOf, axeScan, waitFor } from './harness.mjs';

useServer();

/** The ring the server derives for each actor of the stored board (what the exports say). */
function storedRings(page) {
  return page.evaluate(async () => {
    const link = document.querySelector('[data-export="export.json"]').getAttribute('href');
    const board = await (await fetch(link)).json();
    return Object.fromEntries(board.actors.map((a) => [a.name, a.ring ?? null]));
  });
}

test('moving an actor to an outer ring shows its new ring in the details and the outline', { timeout: 120_000 }, async () => {
  const { page } = await person('Kaisa', { viewport: { width: 1366, height: 900 } });
  await page.addInitScript(() => localStorage.setItem('kartta.locale', 'fi'));
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Kaisa');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  await page.click('#k-share-close');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  await page.selectOption('#k-template', 'rings');
  await waitFor(page, () => window.kartta.model.meta.template === 'rings');

  const id = await page.evaluate(() => {
    const { model, editor, viewport } = window.kartta;
    const added = model.addActor({ name: 'Turun kaupunki', kind: 'municipality', x: 100, y: 0 });
    // Both the core and the wider ring in view, so the drag stays on the canvas.
    viewport.fit({ x: -1000, y: -400, w: 2000, h: 800 });
    editor.select([added]);
    return added;
  });
  await waitFor(page, () => document.querySelector('#k-placement')?.textContent === 'Kehä: Ydin');
  await page.click('#k-tab-outline');
  await waitFor(page, (actorId) => document.querySelector(`[data-placement="${actorId}"]`)?.textContent === 'Kehä: Ydin', id);

  // Drag the card out past the close partners (300–620) into the wider network (620–960).
  const from = await screenOf(page, 100, 0);
  const to = await screenOf(page, 760, 0);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let step = 1; step <= 10; step++) await page.mouse.move(from.x + ((to.x - from.x) * step) / 10, from.y);
  await page.mouse.up();
  await waitFor(page, (actorId) => window.kartta.model.actors.get(actorId).x > 620, id);

  await waitFor(page, (actorId) => document.querySelector(`[data-placement="${actorId}"]`)?.textContent === 'Kehä: Laajempi verkosto', id);
  const row = await page.textContent(`.k-outline li[data-id="${id}"]`);
  assert.doesNotMatch(row, /Ydin/);
  await page.click('#k-tab-details');
  await waitFor(page, () => document.querySelector('#k-placement')?.textContent === 'Kehä: Laajempi verkosto');
  await axeScan(page, 'details panel with the ring, in Finnish');

  // The server derives the same ring from the stored position.
  for (;;) {
    const rings = await storedRings(page);
    if (rings['Turun kaupunki'] === 'wider') break;
    await page.waitForTimeout(100);
  }
});
