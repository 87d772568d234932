// End-to-end: the facilitator starts a 3-dot vote; two participants in two browsers place dots
// from the outline and the details panel; neither sees the other's dots before the reveal; after
// it both see the totals on the cards, in the outline and in the actor sheet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

/** With KARTTA_GUIDE_SHOTS=1 this step's screenshot also refreshes the workshop guide's (as guide.test.mjs does). */
const GUIDE_SHOTS = process.env.KARTTA_GUIDE_SHOTS === '1' ? resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots') : null;

useServer();

async function api(method, path, token, body) {
  const response = await fetch(`${server.serverOrigin}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response;
}

const boardUrl = (boardId, token) => `${server.origin}/b/${encodeURIComponent(boardId)}#t=${encodeURIComponent(token)}`;

/** Opens the board (as the person named `name` on this device) and waits until it is connected. */
async function openBoard(page, boardId, token, name) {
  await page.addInitScript((n) => localStorage.setItem('kartta.name', n), name);
  await page.goto(boardUrl(boardId, token));
  await page.waitForSelector('#k-canvas');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
}

/** What the cards show: actor name → [count, revealed] of its badge. */
const badges = (page) => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.k-vote-badge')].map((g) => [
  window.kartta.model.actors.get(g.dataset.actor)?.name, [Number(g.dataset.count), g.dataset.revealed === 'true'],
])));

test('a dot vote: hidden dots before the reveal, totals on every card after', { timeout: 180_000 }, async () => {
  const created = await (await api('POST', '/api/workshops', null, { title: 'Foorumi', locale: 'en', template: 'blank', groupCount: 1 })).json();
  const boardId = created.workshop.boards[0].id;
  const { facilitator, participant } = created.tokens;

  // The facilitator puts four actors on the board.
  const { page: f } = await person('Fanni', { viewport: { width: 1366, height: 900 } });
  await openBoard(f, boardId, facilitator, 'Fanni');
  await f.evaluate(() => {
    const model = window.kartta.model;
    model.addActor({ name: 'Turku', kind: 'municipality', x: -300, y: 0 });
    model.addActor({ name: 'Salo', kind: 'municipality', x: 0, y: 0 });
    model.addActor({ name: 'Åbo Akademi', kind: 'university', x: 300, y: 0 });
    model.addActor({ name: 'Kaarina', kind: 'municipality', x: 0, y: 200 });
  });
  // A server fact: the stored board has the four actors.
  for (;;) {
    const stored = await (await api('GET', `/api/boards/${boardId}/export.json`, participant)).json();
    if (stored.actors.length === 4) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  // It starts a vote with three dots each from the workshop overview.
  await f.goto(`${server.origin}/w/${encodeURIComponent(created.workshop.id)}#t=${encodeURIComponent(facilitator)}`);
  await f.waitForSelector('#k-vote-start');
  await f.fill('#k-vote-question', 'Who matters most?');
  await f.fill('#k-vote-dots', '3');
  await f.click('#k-vote-start');
  await waitFor(f, () => /Voting: Who matters most\? · 3 dots each/.test(document.querySelector('#k-vote-status')?.textContent ?? ''));
  await axeScan(f, 'workshop overview with a running vote');

  // Two participants on two devices.
  const { page: p1 } = await person('Pekka', { viewport: { width: 1366, height: 900 } });
  const { page: p2 } = await person('Paula', { viewport: { width: 1366, height: 900 } });
  for (const [page, name] of [[p1, 'Pekka'], [p2, 'Paula']]) {
    await openBoard(page, boardId, participant, name);
    await page.click('#k-tab-outline');
    await waitFor(page, () => document.querySelector('#k-vote-state')?.textContent.startsWith('You have 3 of 3 dots left'));
  }

  // Pekka, from the outline: two dots on Turku, one on Salo; then he has none left.
  for (const name of ['Turku', 'Turku', 'Salo']) {
    const before = await p1.textContent('#k-vote-state');
    await p1.getByRole('button', { name: `Place a dot on ${name}` }).click();
    await waitFor(p1, (text) => document.querySelector('#k-vote-state')?.textContent !== text, before);
  }
  await waitFor(p1, () => document.querySelector('#k-vote-state')?.textContent.startsWith('You have 0 of 3 dots left'));
  assert.equal(await p1.getByRole('button', { name: 'Place a dot on Åbo Akademi' }).isDisabled(), true, 'no dots left');
  await axeScan(p1, 'outline with a running vote');

  // Paula, by keyboard from the details panel: select Turku through the outline, place one dot there,
  // place one on Salo and take it back.
  const turku = await p2.evaluate(() => [...window.kartta.model.actors.values()].find((a) => a.name === 'Turku').id);
  await p2.locator(`[data-key="show:${turku}"]`).focus();
  await p2.keyboard.press('Enter');
  await p2.click('#k-tab-details');
  const place = p2.getByRole('button', { name: 'Place a dot on Turku' });
  await place.focus();
  await p2.keyboard.press('Enter');
  await waitFor(p2, () => document.querySelector('[data-vote-mine]')?.dataset.voteMine === '1');
  await p2.click('#k-tab-outline');
  await p2.getByRole('button', { name: 'Place a dot on Salo' }).click();
  await waitFor(p2, () => document.querySelector('#k-vote-state')?.textContent.startsWith('You have 1 of 3 dots left'));
  await p2.getByRole('button', { name: 'Take a dot back from Salo' }).click();
  await waitFor(p2, () => document.querySelector('#k-vote-state')?.textContent.startsWith('You have 2 of 3 dots left'));

  // Paula's dot on an actor Pekka then deletes is not lost: she takes it back.
  await p2.getByRole('button', { name: 'Place a dot on Kaarina' }).click();
  await waitFor(p2, () => document.querySelector('#k-vote-state')?.textContent.startsWith('You have 1 of 3 dots left'));
  await p1.evaluate(() => window.kartta.model.deleteElements([[...window.kartta.model.actors.values()].find((a) => a.name === 'Kaarina').id]));
  await waitFor(p2, () => document.querySelector('#k-vote-stranded')?.textContent.startsWith('Dots on deleted actors: 1.'));
  await p2.click('#k-vote-stranded button');
  await waitFor(p2, () => document.querySelector('#k-vote-state')?.textContent.startsWith('You have 2 of 3 dots left'));
  assert.equal(await p2.locator('#k-vote-stranded').count(), 0);

  // Before the reveal each sees only their own dots, even after reloading (what the server hands out),
  // and no board document holds a total.
  await p1.reload();
  await p1.waitForSelector('#k-canvas');
  await waitFor(p1, () => document.querySelectorAll('.k-vote-badge').length === 2);
  assert.deepEqual(await badges(p1), { Turku: [2, false], Salo: [1, false] });
  await waitFor(p2, () => document.querySelectorAll('.k-vote-badge').length === 1);
  assert.deepEqual(await badges(p2), { Turku: [1, false] });
  for (const page of [p1, p2]) assert.equal(await page.evaluate(() => window.kartta.model.meta.vote.totals), undefined);

  // The facilitator shows the results.
  await f.click('#k-vote-reveal');
  await waitFor(f, () => /Results shown/.test(document.querySelector('#k-vote-status')?.textContent ?? ''));
  for (const page of [p1, p2]) {
    await waitFor(page, () => document.querySelector('.k-vote-badge[data-revealed="true"]') !== null);
    assert.deepEqual(await badges(page), { Turku: [3, true], Salo: [1, true] });
  }
  const radius = (page, name) => page.evaluate((n) => {
    const actor = [...window.kartta.model.actors.values()].find((a) => a.name === n);
    return Number(document.querySelector(`.k-vote-badge[data-actor="${actor.id}"] circle`).getAttribute('r'));
  }, name);
  assert.ok(await radius(p1, 'Turku') > await radius(p1, 'Salo'), 'more votes, a larger badge');
  await p2.click('#k-tab-outline');
  await waitFor(p2, () => document.querySelector('#k-vote-state')?.textContent.startsWith('The results are out'));
  const column = await p2.evaluate(() => [...document.querySelectorAll('.k-outline-list [data-vote-total]')].map((c) => c.textContent));
  assert.deepEqual(column.sort(), ['Dots: 0', 'Dots: 1', 'Dots: 3']);
  await axeScan(p2, 'outline with revealed results');
  await p1.click('#k-tab-outline');
  await p1.evaluate(() => window.kartta.viewport.fit(null));
  await waitFor(p1, () => document.querySelectorAll('.k-vote-badge[data-revealed="true"]').length === 2);
  await p1.screenshot({ path: `${ARTIFACTS}/e2e-voting-results.png` });
  if (GUIDE_SHOTS) await p1.screenshot({ path: `${GUIDE_SHOTS}/10-vote-results.png` });

  // The actor sheet carries the totals.
  const sheet = await (await api('GET', `/api/boards/${boardId}/actors.csv`, participant)).text();
  const [header, ...rows] = sheet.trim().split('\n').map((line) => line.split(','));
  const votes = Object.fromEntries(rows.map((row) => [row[header.indexOf('Label')], row[header.indexOf('Votes')]]));
  assert.deepEqual(votes, { Turku: '3', Salo: '1', 'Åbo Akademi': '0' });
});
