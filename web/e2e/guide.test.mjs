// End-to-end: a facilitator's day as WORKSHOP-GUIDE.md tells it — create the workshop, show the code,
// watch the overview, timer and lock, "End of day 1" for every board, export, delete. It also takes
// the guide's screenshots: into ../docs/screenshots/ with KARTTA_GUIDE_SHOTS=1 (to refresh the
// committed ones), otherwise into test-artifacts/ so a plain test run leaves the tree clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

const SHOTS = process.env.KARTTA_GUIDE_SHOTS === '1'
  ? resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots')
  : resolve(ARTIFACTS, 'guide');
mkdirSync(SHOTS, { recursive: true });
/** A modest window keeps each screenshot small (well under 150 KB) and still readable. */
const VIEWPORT = { width: 1200, height: 760 };

useServer();

/** Joins with the code, opens the board at `index` and draws a small map on it (test setup through the model). */
async function joinAndDraw(page, code, name, index, actors, links) {
  await page.goto(`${server.origin}/join/${code}`);
  await page.fill('#k-join-name', name);
  await page.click('#k-join');
  await page.waitForSelector('.k-board-card');
  const boardId = await page.locator('.k-board-card').nth(index).getAttribute('data-board');
  await page.click(`[data-open="${boardId}"]`);
  await page.waitForSelector('#k-canvas');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  await page.evaluate(([list, pairs]) => {
    const m = window.kartta.model;
    const ids = {};
    m.batch(() => {
      for (const [label, kind, x, y] of list) ids[label] = m.addActor({ name: label, kind, x, y });
      for (const [from, to, kind] of pairs) m.addRelation(ids[from], ids[to], { kind });
    });
  }, [actors, links]);
  await page.click('#k-fit');
  return boardId;
}

test('running a workshop, as the guide tells it (and the guide\'s screenshots)', { timeout: 180_000 }, async () => {
  // 1. Create the workshop.
  const { page: f } = await person('Fanni', { viewport: VIEWPORT });
  await f.goto(`${server.origin}/`);
  await f.fill('#k-name', 'Fanni');
  await f.click('#k-workshop-details summary');
  await f.fill('#k-w-title', 'Kumppanuusfoorumi 2026');
  await f.fill('#k-w-groups', '3');
  await f.selectOption('#k-w-template', 'rings');
  await f.locator('#k-workshop-details').scrollIntoViewIfNeeded();
  await f.evaluate(() => document.querySelector('#k-workshop-details').scrollIntoView({ block: 'start' }));
  await f.screenshot({ path: `${SHOTS}/01-create-workshop.png` });
  await f.click('#k-w-create');

  // 2. The join code, its QR code and the links.
  await f.waitForSelector('#k-join-code-display');
  const code = (await f.textContent('#k-join-code-display')).trim();
  // The code large for the projector, without the secret facilitator link beside it.
  await f.click('#k-show-code');
  await f.waitForSelector('#k-code-dialog[open]');
  assert.equal(await f.textContent('#k-code-dialog .k-join-code'), code);
  const secret = await f.evaluate(() => [...document.querySelectorAll('.k-copy-secret input')].map((i) => i.value)[0]);
  assert.ok(!(await f.evaluate(() => document.querySelector('#k-code-dialog').innerHTML)).includes(secret.split('#t=')[1]), 'no facilitator link on the projector');
  await f.screenshot({ path: `${SHOTS}/02-join-code.png` });
  await axeScan(f, 'join code for the projector');
  await f.keyboard.press('Escape');
  await waitFor(f, () => !document.querySelector('#k-code-dialog') && document.activeElement?.id === 'k-show-code');

  // 3. Groups join and draw; the overview shows their boards live.
  const { page: p1 } = await person('Pekka', { viewport: VIEWPORT });
  const { page: p2 } = await person('Paula', { viewport: VIEWPORT });
  const { page: p3 } = await person('Pirjo', { viewport: VIEWPORT });
  const b1 = await joinAndDraw(p1, code, 'Pekka', 0, [
    ['Oulun kaupunki', 'municipality', 0, 0], ['Oulun yliopisto', 'education_research', 260, -60], ['Business Oulu', 'business', -240, 80], ['ELY-keskus', 'state_agency', 40, 190],
  ], [['Oulun kaupunki', 'Oulun yliopisto', 'collaboration'], ['Oulun kaupunki', 'Business Oulu', 'funding'], ['ELY-keskus', 'Oulun kaupunki', 'agreement']]);
  await joinAndDraw(p2, code, 'Paula', 1, [
    ['Kyläyhdistys', 'association', 0, 0], ['Leader-ryhmä', 'funder', 250, 40], ['Seurakunta', 'association', -240, -60],
  ], [['Leader-ryhmä', 'Kyläyhdistys', 'funding'], ['Seurakunta', 'Kyläyhdistys', 'collaboration']]);
  const b3 = await joinAndDraw(p3, code, 'Pirjo', 2, [
    ['Maakuntaliitto', 'regional_authority', 0, 0], ['Paikallislehti', 'media', 240, 90],
  ], [['Maakuntaliitto', 'Paikallislehti', 'information']]);
  await waitFor(f, () => [...document.querySelectorAll('.k-board-meta')].every((m) => /: 1\b/.test(m.textContent)), undefined, 15_000);
  // The overview refreshes thumbnails every few seconds: wait for a round that shows the drawings.
  await f.waitForTimeout(5500);
  await waitFor(f, () => [...document.querySelectorAll('img[data-thumb]')].every((img) => img.complete && img.naturalWidth > 0 && !/[?&]v=0\b/.test(img.src)), undefined, 15_000);

  // 4. Timer for everyone, and a lock on group 3's board.
  await f.fill('#k-timer-minutes', '20');
  await f.click('#k-timer-start');
  await waitFor(f, () => /left/.test(document.querySelector('#k-timer-status').textContent));
  await f.click(`[data-lock="${b3}"]`);
  await waitFor(f, (id) => document.querySelector(`[data-board="${id}"]`)?.classList.contains('k-locked'), b3);
  await f.waitForTimeout(300);
  // A taller window for this one, so the controls and every board's card fit in one picture.
  await f.setViewportSize({ width: VIEWPORT.width, height: 1320 });
  await waitFor(f, () => document.querySelectorAll('.k-board-people:not([hidden])').length === 3, undefined, 15_000);
  await f.evaluate(() => document.querySelector('.k-workshop').scrollTo(0, 0));
  await f.waitForTimeout(300);
  await f.screenshot({ path: `${SHOTS}/03-overview.png` });
  await f.setViewportSize(VIEWPORT);
  await waitFor(p1, () => /Time left 1\d:\d\d/.test(document.querySelector('#k-timer')?.textContent ?? ''));
  await waitFor(p3, () => /locked this board/.test(document.querySelector('#k-banner')?.textContent ?? ''));
  // Closer in than "fit" (which shows the whole background), so the names can be read.
  for (let i = 0; i < 3; i++) await p1.click('#k-zoom-in');
  await p1.locator('#k-canvas').focus();
  // The drawing is laid out at the new zoom once the view stands still: until then the far-out names
  // are only scaled up by the compositor.
  await waitFor(p1, () => window.kartta.viewport.zoom >= 0.5 && !document.querySelector('.k-names-far'));
  await p1.screenshot({ path: `${SHOTS}/04-group-board.png` });

  // 5. "End of day 1": a snapshot of every board at once, listed on each board.
  await f.fill('#k-snapshot-all-name', 'End of day 1');
  await f.click('#k-snapshot-all');
  await waitFor(f, () => /Saved “End of day 1” of 3 boards/.test(document.querySelector('#k-workshop-status').textContent));
  await p1.click('#k-tab-snapshots');
  await p1.waitForSelector('.k-snapshot');
  assert.match(await p1.textContent('.k-snapshot'), /End of day 1.*Saved for the whole workshop/s);
  await p1.click('.k-snapshot .k-inline-menu summary');
  await p1.screenshot({ path: `${SHOTS}/05-snapshots.png` });
  await p1.click('.k-snapshot .k-inline-menu summary');

  // 6. Everything as a ZIP, then deleting the workshop for good.
  const zip = await f.getAttribute('#k-export-zip', 'href');
  const zipBytes = await f.evaluate(async (href) => (await fetch(href)).arrayBuffer().then((b) => b.byteLength), zip);
  assert.ok(zipBytes > 1000, 'the workshop ZIP downloads');
  await f.click('#k-delete-workshop');
  await f.waitForSelector('#k-confirm-text');
  await f.screenshot({ path: `${SHOTS}/06-delete.png` });
  await f.click('#k-confirm-ok');
  await waitFor(f, () => location.pathname === '/');
  const gone = await f.evaluate(async (id) => (await fetch(`/api/boards/${id}`)).status, b1);
  assert.ok(gone === 404 || gone === 401 || gone === 403, `the boards are gone (${gone})`);
});
