// End-to-end: the projector (a viewer link) is never asked for a name nor shown as present, opens the
// presented board by itself in a layout without chrome and follows the presentation from board to board;
// the facilitator page puts the live overview first and manages boards after the workshop is made; and
// a participant joins in one step from the landing page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

async function api(method, path, token, body) {
  return fetch(`${server.serverOrigin}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function apiOk(method, path, token, body) {
  const response = await api(method, path, token, body);
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response;
}

/** A workshop made through the API, with a few actors imported into each board. */
async function workshopWithMaps(locale, boards) {
  const created = await (await apiOk('POST', '/api/workshops', null, { title: 'Kumppanuusfoorumi', locale, template: 'rings', groupCount: boards.length })).json();
  for (const [i, names] of boards.entries()) {
    const actors = names.map((name, j) => ({ id: `a${j}`, name, kind: 'municipality', x: -120 + 120 * j, y: 40 * (j % 2), description: '', tags: [], alias: '', influence: null, stance: null, isPerson: false }));
    await apiOk('POST', `/api/boards/${created.workshop.boards[i].id}/import`, created.tokens.facilitator, {
      format: 'kartta-board', version: 1,
      meta: { title: '', template: 'rings', locale: null, locked: false, timerEndsAt: null, presenting: null },
      actors, relations: [], notes: [], strokes: [],
    });
  }
  return created;
}

const present = (created, boardId) => apiOk('POST', `/api/workshops/${created.workshop.id}/present`, created.tokens.facilitator, { boardId });

test('the projector opens the presented board full screen, follows the presentation and is never a person on the board', { timeout: 180_000 }, async () => {
  const created = await workshopWithMaps('en', [['Turku', 'Salo', 'Raisio'], ['Naantali', 'Kaarina']]);
  const [first, second] = created.workshop.boards.map((b) => b.id);

  // Pekka, a participant, is on the first board.
  const { page: p } = await person('Pekka');
  await p.addInitScript(() => localStorage.setItem('kartta.name', 'Pekka'));
  await p.goto(`${server.origin}/b/${first}#t=${encodeURIComponent(created.tokens.participant)}`);
  await waitFor(p, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected') && window.kartta?.model.actors.size === 3);

  // The projector opens the viewer link: a waiting screen, no name asked.
  const { page: v } = await person('Projector', { viewport: { width: 1920, height: 1080 } });
  await v.goto(`${server.origin}/w/${created.workshop.id}#t=${encodeURIComponent(created.tokens.viewer)}`);
  await v.waitForSelector('#k-projector-waiting');
  assert.equal(await v.locator('#k-ask-name').count(), 0, 'a viewer is not asked for a name');
  await axeScan(v, 'projector waiting screen');

  // The facilitator presents the first board: the projector opens it by itself, in the presentation layout.
  await present(created, first);
  await waitFor(v, (id) => location.pathname === `/b/${id}` && window.kartta?.model.actors.size === 3, first, 15_000);
  await waitFor(v, () => document.getElementById('app').classList.contains('k-projector'));
  assert.equal(await v.locator('#k-ask-name').count(), 0, 'still no name asked on the board');
  assert.equal(await v.evaluate(() => window.kartta.role), 'viewer');
  assert.equal(await v.locator('.k-side').count(), 0, 'no side panel');
  assert.equal(await v.locator('#k-title').count(), 0, 'no header');
  // The canvas fills the screen and the small map is shown large.
  await waitFor(v, () => window.kartta.viewport.zoom >= 0.6);
  const canvas = await v.locator('#k-canvas').boundingBox();
  assert.ok(canvas.width >= 1900 && canvas.height >= 1040, `the map fills the screen: ${JSON.stringify(canvas)}`);
  const zoom = await v.evaluate(() => window.kartta.viewport.zoom);
  assert.ok(zoom >= 0.6, `zoom ${zoom}`);
  await v.mouse.move(900, 500);
  await v.waitForSelector('#k-projector-strip.k-shown');
  await v.screenshot({ path: `${ARTIFACTS}/e2e-projector-1920.png` });
  await axeScan(v, 'projector presentation layout');

  // The server counts the projector's connection, yet nobody names it: it has no awareness state.
  for (;;) {
    const seen = await (await apiOk('GET', `/api/workshops/${created.workshop.id}`, created.tokens.facilitator)).json();
    const board = seen.boards.find((b) => b.id === first);
    if (board.connections === 2) {
      assert.deepEqual(board.people, ['Pekka'], 'the overview names only Pekka');
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Pekka's page sees an edit of the projector's round trip (his own edit reaching the projector) and still lists only himself.
  await p.evaluate(() => window.kartta.model.addActor({ name: 'Lieto', kind: 'municipality', x: 0, y: 160 }));
  await waitFor(v, () => window.kartta.model.actors.size === 4);
  assert.equal(await p.evaluate(() => window.kartta.presence.peers().length), 0, 'Pekka sees nobody else present');
  assert.equal(await p.evaluate(() => window.kartta.presence.awareness.getStates().size), 1, 'only his own awareness state');
  assert.equal(await p.locator('#k-people .k-person').count(), 1, 'the header lists Pekka alone');

  // Another board presented: the projector switches to it, still in the presentation layout.
  await present(created, second);
  await waitFor(v, (id) => location.pathname === `/b/${id}` && window.kartta?.model.actors.size === 2, second, 15_000);
  await waitFor(v, () => document.getElementById('app').classList.contains('k-projector') && window.kartta.viewport.zoom >= 0.6);

  // The presentation ends: back to the waiting screen.
  await present(created, null);
  await v.waitForSelector('#k-projector-waiting', { timeout: 15_000 });
  assert.equal(new URL(v.url()).pathname, `/w/${created.workshop.id}`);
});

test('the facilitator page: overview first, a card opens large, links told apart, the lock says what it does, boards added, renamed and deleted', { timeout: 180_000 }, async () => {
  const created = await workshopWithMaps('fi', [['Turku', 'Salo'], ['Naantali']]);
  const [first] = created.workshop.boards.map((b) => b.id);
  const { page: f } = await person('Fanni', { viewport: { width: 1280, height: 800 } });
  await f.addInitScript(() => localStorage.setItem('kartta.locale', 'fi'));
  await f.goto(`${server.origin}/w/${created.workshop.id}#t=${encodeURIComponent(created.tokens.facilitator)}`);
  await f.waitForSelector('.k-board-card');

  // The overview's heading and first row of cards are within the first screen.
  const top = await f.evaluate(() => ({
    heading: document.querySelector('#k-boards-heading').getBoundingClientRect().top,
    card: document.querySelector('.k-board-card').getBoundingClientRect().top,
    join: document.querySelector('.k-join-panel').getBoundingClientRect().top,
  }));
  assert.ok(top.heading < 800 && top.card < 800 - 200, `overview above the fold: ${JSON.stringify(top)}`);
  assert.ok(top.join > top.card, 'the join panel comes after the overview');

  // The two links: their own wording and icon.
  const labels = await f.evaluate(() => ['viewer', 'facilitator'].map((which) => {
    const label = document.querySelector(`[data-link="${which}"] label`);
    return { text: label.textContent, icon: label.querySelector('svg') !== null };
  }));
  assert.match(labels[0].text, /Projektorin linkki/);
  assert.match(labels[1].text, /salainen/);
  assert.ok(labels.every((l) => l.icon), 'each label has its icon');

  // The lock button says what a press does.
  const lock = f.locator(`[data-lock="${first}"]`);
  assert.equal((await lock.textContent()).trim(), 'Lukitse taulu');
  await lock.click();
  await waitFor(f, (id) => document.querySelector(`[data-lock="${id}"]`).textContent.trim() === 'Avaa lukitus', first);
  await lock.click();
  await waitFor(f, (id) => document.querySelector(`[data-lock="${id}"]`).textContent.trim() === 'Lukitse taulu', first);

  // Adding a board: a blank name is not sent; a name adds the board.
  await f.click('#k-add-board-submit');
  assert.equal(await f.locator('.k-board-card').count(), 2);
  await f.fill('#k-add-board-name', 'Ryhmä 3');
  await f.click('#k-add-board-submit');
  await waitFor(f, () => document.querySelectorAll('.k-board-card').length === 3);
  assert.match(await f.textContent('#k-workshop-status'), /Taulu ”Ryhmä 3” lisättiin/);
  const added = await f.evaluate(() => [...document.querySelectorAll('.k-board-card')].find((c) => c.querySelector('[data-open]').textContent === 'Ryhmä 3').dataset.board);
  await f.evaluate(() => scrollTo(0, 0));
  await f.screenshot({ path: `${ARTIFACTS}/e2e-facilitator-page-fi-1280.png` });
  await axeScan(f, 'facilitator page');

  // Renaming it.
  await f.click(`[data-rename="${added}"]`);
  await f.waitForSelector('#k-rename-dialog');
  await axeScan(f, 'rename dialog');
  await f.fill('#k-rename-input', 'Kolmas ryhmä');
  await f.click('#k-rename-ok');
  await waitFor(f, (id) => document.querySelector(`[data-board="${id}"] [data-open]`).textContent === 'Kolmas ryhmä', added);

  // Deleting it asks first and says the snapshots go too.
  await f.click(`[data-delete="${added}"]`);
  await f.waitForSelector('#k-confirm-text');
  assert.match(await f.textContent('#k-confirm-text'), /tilannekuvat poistuvat myös/);
  await axeScan(f, 'delete board confirmation');
  await f.click('#k-confirm-ok');
  await waitFor(f, () => document.querySelectorAll('.k-board-card').length === 2);
  assert.equal((await api('GET', `/api/boards/${added}`, created.tokens.facilitator)).status, 404);

  // A card opens large: the board alone, live, filling the page.
  await f.click(`[data-large="${first}"]`);
  await f.waitForSelector('.k-wall-1');
  await waitFor(f, () => window.karttaWall?.panes[0]?.synced && window.karttaWall.panes[0].model.actors.size === 2);
  const pane = await f.locator('.k-pane-box').boundingBox();
  assert.ok(pane.width > 1200 && pane.height > 650, `a large view: ${JSON.stringify(pane)}`);
  await axeScan(f, 'a board opened large');
});

test('joining in one step: code and name on the landing page, straight to the boards, with the workshop title', { timeout: 120_000 }, async () => {
  const created = await workshopWithMaps('en', [['Turku'], ['Salo']]);
  const code = created.workshop.joinCode;
  const { page } = await person('Paula');
  await page.goto(`${server.origin}/`);
  await page.fill('#k-join-code', code.toLowerCase().replace('-', ' '));
  await page.fill('#k-name', 'Paula');
  await page.click('#k-join');
  await page.waitForSelector('.k-board-card');
  assert.equal(new URL(page.url()).pathname, `/w/${created.workshop.id}`);
  assert.equal(await page.textContent('#k-workshop-title'), 'Kumppanuusfoorumi');
  assert.equal(await page.locator('.k-board-card').count(), 2);

  // Without a name the landing page asks for it, on the same form.
  const { page: q } = await person('Quentin');
  await q.goto(`${server.origin}/`);
  await q.fill('#k-join-code', code);
  await q.click('#k-join');
  await waitFor(q, () => /name/.test(document.querySelector('#k-join-error').textContent) && document.activeElement?.id === 'k-name');
  await axeScan(q, 'landing page asking for the name');

  // A /join/CODE link (the QR code) still works and shows the workshop's title before joining.
  await q.goto(`${server.origin}/join/${code}`);
  await waitFor(q, () => document.querySelector('#k-join-workshop')?.textContent === 'Workshop: Kumppanuusfoorumi');
  await q.screenshot({ path: `${ARTIFACTS}/e2e-join-title.png` });
  await axeScan(q, 'join page with the workshop title');
  await q.fill('#k-join-name', 'Quentin');
  await q.click('#k-join');
  await q.waitForSelector('.k-board-card');
  assert.equal(new URL(q.url()).pathname, `/w/${created.workshop.id}`);

  // The title can arrive after the name is typed: it fills its reserved line, and the form keeps what
  // was typed and stays where it was (a rebuilt form, pushed down a line, once swallowed a join click).
  const { page: r } = await person('Riikka');
  let release;
  const lookUpHeld = new Promise((done) => (release = done));
  await r.route('**/api/join', async (route) => {
    if (!JSON.parse(route.request().postData() ?? '{}').name) await lookUpHeld;
    await route.continue();
  });
  await r.goto(`${server.origin}/join/${code}`);
  await r.fill('#k-join-name', 'Riikka');
  const buttonBefore = await r.locator('#k-join').boundingBox();
  await r.evaluate(() => { window.joinButtonBefore = document.querySelector('#k-join'); });
  release();
  await waitFor(r, () => document.querySelector('#k-join-workshop')?.textContent === 'Workshop: Kumppanuusfoorumi');
  assert.deepEqual(await r.locator('#k-join').boundingBox(), buttonBefore, 'the join button has not moved');
  assert.equal(await r.evaluate(() => window.joinButtonBefore === document.querySelector('#k-join')), true, 'the form was not rebuilt');
  assert.equal(await r.inputValue('#k-join-name'), 'Riikka');
  await r.click('#k-join');
  await r.waitForSelector('.k-board-card');
});
