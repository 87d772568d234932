// End-to-end: the personal phase. A facilitator creates a workshop with personal boards at join; two
// participants join with their names in browsers of their own, each lands on a board of their own and
// draws; neither can open the other's; the facilitator sees both and shares them; then they read each
// other's board, read-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS, placeActor, actorNames, api } from './harness.mjs';

/** With KARTTA_GUIDE_SHOTS=1 this step's screenshot also refreshes the workshop guide's (as guide.test.mjs does). */
const GUIDE_SHOTS = process.env.KARTTA_GUIDE_SHOTS === '1' ? resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots') : null;

useServer();

/** Joins with the code and a name; returns the id of the board the join page opened. */
async function joinWithName(page, code, name) {
  await page.goto(`${server.origin}/join/${code}`);
  await page.fill('#k-join-name', name);
  await page.click('#k-join');
  await page.waitForSelector('#k-canvas');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  return new URL(page.url()).pathname.split('/')[2];
}

test('personal boards: made at join, private to their owners, shared by the facilitator', { timeout: 180_000 }, async () => {
  const { page: f } = await person('Fanni', { viewport: { width: 1366, height: 900 } });
  await f.goto(`${server.origin}/`);
  await f.fill('#k-name', 'Fanni');
  await f.click('#k-workshop-details summary');
  await f.fill('#k-w-title', 'Kumppanuusfoorumi');
  await f.fill('#k-w-groups', '1');
  await f.check('#k-w-personal-at-join');
  await f.click('#k-w-create');
  await f.waitForSelector('#k-join-code-display');
  const code = (await f.textContent('#k-join-code-display')).trim();
  assert.equal(await f.isChecked('#k-personal-at-join'), true, 'the facilitator page shows the option on');
  assert.equal(await f.locator('.k-board-card').count(), 1, 'only the group board before anyone joins');

  // Two participants join with their names and land on boards of their own.
  const { page: a } = await person('Aino');
  const { page: b } = await person('Bertil');
  const aBoard = await joinWithName(a, code, 'Aino');
  const bBoard = await joinWithName(b, code, 'Bertil');
  assert.notEqual(aBoard, bBoard);
  assert.equal(await a.evaluate(() => window.kartta.role), 'participant');
  assert.equal(await a.evaluate(() => window.kartta.model.meta.title), 'Aino');
  await placeActor(a, 'Turun kaupunki', -120, -40);
  await placeActor(b, 'Kyläyhdistys', 120, 40);

  // Bertil's workshop page lists the group board and his own, and offers no way to Aino's.
  await b.click('#k-workshop-link');
  await b.waitForSelector('.k-board-card');
  assert.equal(await b.locator('.k-board-card').count(), 1, 'others\u2019 personal boards are not listed');
  assert.equal(await b.locator(`[data-board="${aBoard}"]`).count(), 0);
  assert.equal(await b.getAttribute('#k-my-board', 'href'), `/b/${bBoard}`);
  // Typing the address of Aino's board gives an error page, and keeps Bertil's own access.
  await b.goto(`${server.origin}/b/${aBoard}`);
  await b.waitForSelector('.k-page-title');
  // (His device does not know which workshop the board is in, so it has no token to try.)
  assert.match(await b.textContent('.k-page-title'), /You need a link to open this|This does not exist/);
  assert.equal(await b.locator('#k-canvas').count(), 0);
  await b.goto(`${server.origin}/b/${bBoard}`);
  await b.waitForSelector('#k-canvas');
  await waitFor(b, () => [...window.kartta.model.actors.values()].some((x) => x.name === 'Kyläyhdistys'));
  assert.equal(await b.evaluate(() => window.kartta.role), 'participant', 'his own board opens with his capability');

  // The facilitator sees both personal boards, named, with live thumbnails.
  await waitFor(f, (ids) => ids.every((id) => document.querySelector(`[data-board="${id}"]`)), [aBoard, bBoard], 15_000);
  assert.equal(await f.textContent(`[data-open="${aBoard}"]`), 'Aino');
  assert.equal(await f.textContent(`[data-open="${bBoard}"]`), 'Bertil');
  assert.match(await f.textContent(`[data-board="${aBoard}"] .k-board-meta`), /Personal board · Not shared/);
  const thumbnails = () => f.evaluate(async (ids) => Promise.all(ids.map(async (id) => {
    const img = document.querySelector(`img[data-thumb="${id}"]`);
    const response = img ? await fetch(img.src, { cache: 'no-store' }) : null;
    return response ? await response.text() : '';
  })), [aBoard, bBoard]);
  let thumbs = [];
  for (let i = 0; i < 40; i++) {
    thumbs = await thumbnails();
    if (thumbs[0].includes('Turun kaupunki') && thumbs[1].includes('Kyläyhdistys')) break;
    await f.waitForTimeout(500);
  }
  assert.ok(thumbs[0].includes('Turun kaupunki'), 'Aino\u2019s thumbnail shows her actor');
  assert.ok(thumbs[1].includes('Kyläyhdistys'), 'Bertil\u2019s thumbnail shows his actor');
  // Wait for the page's own images to show the drawings before the screenshot.
  await waitFor(f, () => [...document.querySelectorAll('img[data-thumb]')].every((img) => img.complete && img.naturalWidth > 0), undefined, 15_000);
  await f.waitForTimeout(5500);
  await f.evaluate(() => document.querySelector('.k-overview').scrollIntoView());
  await f.screenshot({ path: `${ARTIFACTS}/e2e-personal-overview.png` });
  if (GUIDE_SHOTS) await f.screenshot({ path: `${GUIDE_SHOTS}/09-personal-boards.png` });
  await axeScan(f, 'workshop page with personal boards');

  // Presenting Bertil's board, unshared, shows it to everyone while it is presented.
  const workshopPath = new URL(f.url()).pathname;
  await f.click(`[data-present="${bBoard}"]`);
  await f.waitForSelector('#k-canvas');
  await a.waitForSelector('#k-presented-go', { timeout: 15_000 });
  await a.click('#k-presented-go');
  await waitFor(a, (id) => location.pathname === `/b/${id}` && [...(window.kartta?.model.actors.values() ?? [])].some((x) => x.name === 'Kyläyhdistys'), bBoard, 15_000);
  assert.equal(await a.evaluate(() => window.kartta.role), 'viewer', 'a presented personal board is read-only for others');
  // Leaving the board ends the presentation; Aino goes back to her own board.
  await f.goto(`${server.origin}${workshopPath}`);
  await f.waitForSelector(`[data-share="${aBoard}"]`);
  await a.goto(`${server.origin}/b/${aBoard}`);
  await a.waitForSelector('#k-canvas');
  await waitFor(a, () => window.kartta.role === 'participant' && document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));

  // Share all: the cards say so, and Bertil reads Aino's board, read-only.
  await f.click('#k-share-all');
  await waitFor(f, (id) => /Shared, read-only/.test(document.querySelector(`[data-board="${id}"] .k-board-meta`)?.textContent ?? ''), aBoard);
  assert.equal(await f.getAttribute(`[data-share="${aBoard}"]`, 'aria-pressed'), 'true');
  await f.evaluate(() => document.querySelector('.k-overview').scrollIntoView());
  await f.screenshot({ path: `${ARTIFACTS}/e2e-personal-shared.png` });
  // Bertil's workshop page now lists Aino's board; he opens it from there.
  await b.goto(`${server.origin}${workshopPath}`);
  await b.waitForSelector(`[data-open="${aBoard}"]`);
  await b.click(`[data-open="${aBoard}"]`);
  await b.waitForSelector('#k-canvas');
  await waitFor(b, () => [...window.kartta.model.actors.values()].some((x) => x.name === 'Turun kaupunki'));
  assert.equal(await b.evaluate(() => window.kartta.role), 'viewer', 'a shared personal board is read-only for others');
  assert.deepEqual(await actorNames(b), ['Turun kaupunki']);
  // Aino keeps editing; Bertil sees it.
  await placeActor(a, 'Åbo Akademi', 0, 120);
  await waitFor(b, () => [...window.kartta.model.actors.values()].some((x) => x.name === 'Åbo Akademi'));

  // Stopping sharing closes Bertil's view of it at once, and his page says why; Aino keeps hers.
  await f.click('#k-share-all');
  await waitFor(f, (id) => !/Shared, read-only/.test(document.querySelector(`[data-board="${id}"] .k-board-meta`)?.textContent ?? ''), aBoard);
  await waitFor(b, () => /no longer shown to you/.test(document.querySelector('#k-conn')?.textContent ?? ''), undefined, 15_000);
  assert.match(await b.getAttribute('#k-conn', 'class'), /k-conn-disconnected/);
  await placeActor(a, 'Turun ammattikorkeakoulu', 0, 240);
  assert.ok(await a.evaluate(() => document.querySelector('#k-conn').classList.contains('k-conn-connected')));

  // Joining again on the same device gets the same board back.
  const again = await joinWithName(a, code, 'Aino');
  assert.equal(again, aBoard);
  assert.deepEqual(await actorNames(a), ['Turun ammattikorkeakoulu', 'Turun kaupunki', 'Åbo Akademi']);
});

test('the owner of a personal board chooses its background; a group board\u2019s stays the facilitator\u2019s', { timeout: 120_000 }, async () => {
  const created = await (await api('POST', '/api/workshops', null, { title: 'Kumppanuusfoorumi', locale: 'fi', template: 'rings', groupCount: 1, personalBoardsAtJoin: true })).json();
  const group = created.workshop.boards[0].id;
  const { page } = await person('Aino', { viewport: { width: 1280, height: 800 } });
  await joinWithName(page, created.workshop.joinCode, 'Aino');
  await waitFor(page, () => window.kartta.model.meta.template === 'rings');
  assert.equal(await page.isEnabled('#k-template'), true, 'the owner may change the background of their own board');
  await page.selectOption('#k-template', 'sectors');
  await waitFor(page, () => window.kartta.model.meta.template === 'sectors');
  // Stored by the server, not only shown here: the facilitator reads it from the board.
  const board = new URL(page.url()).pathname.split('/')[2];
  const exported = await (await api('GET', `/api/boards/${board}/export.json`, created.tokens.facilitator)).json();
  assert.equal(exported.meta.template, 'sectors');
  assert.equal(await page.isEnabled('#k-title'), true);
  assert.equal(await page.getAttribute('#k-title', 'readonly'), '', 'the title (the owner\u2019s name) stays the facilitator\u2019s');
  await axeScan(page, 'personal board, background chosen by its owner');

  // On the group board the same person is one of the group: the background is not theirs to change.
  await page.goto(`${server.origin}/b/${group}#t=${encodeURIComponent(created.tokens.participant)}`);
  await page.waitForSelector('#k-canvas');
  await waitFor(page, (id) => location.pathname === `/b/${id}` && window.kartta?.model.meta.template === 'rings', group);
  assert.equal(await page.isDisabled('#k-template'), true, 'a group board\u2019s background is the facilitator\u2019s');
});
