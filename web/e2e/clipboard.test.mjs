// End-to-end: what people expect in the first ten minutes (issue 11, item 14): copy and paste between
// two boards of one browser, duplicate, find, the context menu, pasting text, and a read-only board's paste.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, waitFor, axeScan, placeActor, actorNames, screenOf, ARTIFACTS } from './harness.mjs';

useServer();

/** Creates a quick board from the landing page, closes the share dialog and waits for the first sync; returns its links. */
async function openNewBoard(page, name = 'Saara') {
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', name);
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  const [edit, view] = await page.locator('#k-share-dialog .k-copy-input').evaluateAll((inputs) => inputs.map((i) => i.value));
  await page.click('#k-share-close');
  await waitFor(page, () => window.kartta?.provider?.synced === true && document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  return { edit, view, url: page.url() };
}

const boardState = (page) => page.evaluate(() => ({
  actors: [...window.kartta.model.actors.values()].map((a) => ({ id: a.id, name: a.name, x: a.x, y: a.y })),
  relations: window.kartta.model.liveRelations().map((r) => ({ id: r.id, from: r.from, to: r.to, kind: r.kind })),
}));

test('two actors and their relation copied on one board are pasted on another with new ids', { timeout: 120_000 }, async () => {
  const { page } = await person('Saara');
  await openNewBoard(page);
  await placeActor(page, 'Turun kaupunki', -150, 0);
  await placeActor(page, 'Varsinais-Suomen Yrittäjät ry', 150, 0);
  // The relation is drawn through the model: the relation tool is not what this test is about.
  await page.evaluate(() => {
    const [a, b] = [...window.kartta.model.actors.keys()];
    window.kartta.model.addRelation(a, b, { kind: 'funding' });
  });
  const onA = await boardState(page);
  assert.equal(onA.relations.length, 1);

  await page.locator('#k-canvas').focus();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+c');
  await waitFor(page, () => localStorage.getItem('kartta.clipboard')?.includes('Turun kaupunki'));

  // Board B in the same browser: the group's board, where the idea moves to.
  await openNewBoard(page);
  assert.deepEqual(await actorNames(page), []);
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('Control+v');
  await waitFor(page, () => window.kartta.model.actors.size === 2 && window.kartta.model.liveRelations().length === 1);
  const onB = await boardState(page);
  assert.deepEqual(onB.actors.map((a) => a.name).sort(), ['Turun kaupunki', 'Varsinais-Suomen Yrittäjät ry']);
  const idsOnA = new Set([...onA.actors.map((a) => a.id), ...onA.relations.map((r) => r.id)]);
  for (const id of [...onB.actors.map((a) => a.id), onB.relations[0].id]) assert.ok(!idsOnA.has(id), `${id} is a new id`);
  const idOf = (name) => onB.actors.find((a) => a.name === name).id;
  assert.deepEqual([onB.relations[0].from, onB.relations[0].to].sort(), [idOf('Turun kaupunki'), idOf('Varsinais-Suomen Yrittäjät ry')].sort());
  assert.equal(onB.relations[0].kind, 'funding');
  // The paste is selected and one undo step takes it all back.
  assert.equal(await page.evaluate(() => window.kartta.editor.selection.size), 3);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-clipboard-pasted.png` });
  await page.keyboard.press('Control+z');
  await waitFor(page, () => window.kartta.model.actors.size === 0 && window.kartta.model.relations.size === 0);
});

test('Ctrl+D duplicates, Ctrl+F finds "Turun kaupunki" from "turun"', { timeout: 120_000 }, async () => {
  const { page } = await person('Saara');
  await openNewBoard(page);
  await placeActor(page, 'Turun kaupunki', -200, -100);
  await placeActor(page, 'Kela', 200, 100);
  await placeActor(page, 'Raision kaupunki', 0, 150);

  // Duplicate Kela: a second card beside it, selected, not on top of it.
  const original = await page.evaluate(() => {
    const kela = [...window.kartta.model.actors.values()].find((a) => a.name === 'Kela');
    window.kartta.editor.select([kela.id]);
    return kela.id;
  });
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('Control+d');
  await waitFor(page, () => [...window.kartta.model.actors.values()].filter((a) => a.name === 'Kela').length === 2);
  const kelas = await page.evaluate(() => [...window.kartta.model.actors.values()].filter((a) => a.name === 'Kela').map((a) => ({ id: a.id, x: a.x, y: a.y })));
  const copy = kelas.find((k) => k.id !== original);
  const kela = kelas.find((k) => k.id === original);
  const kelaWidth = await page.evaluate((id) => Number(document.querySelector(`.k-layer-actors [data-id="${id}"] .k-actor-body`).getAttribute('width')), original);
  assert.ok(Math.abs(copy.x - kela.x) >= kelaWidth || Math.abs(copy.y - kela.y) >= 44, 'the copy does not cover the original');
  assert.deepEqual(await page.evaluate(() => [...window.kartta.editor.selection]), [copy.id]);

  // Find: the outline shows the found row, the map centres and selects it.
  await page.click('#k-tab-outline');
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('Control+f');
  await page.waitForSelector('#k-find-input:focus');
  await page.keyboard.type('turun');
  await waitFor(page, () => {
    const [id] = window.kartta.editor.selection;
    return window.kartta.model.actors.get(id)?.name === 'Turun kaupunki';
  });
  const centred = await page.evaluate(() => {
    const [id] = window.kartta.editor.selection;
    const actor = window.kartta.model.actors.get(id);
    const p = window.kartta.viewport.toScreen(actor.x, actor.y);
    return { dx: Math.abs(p.x - window.kartta.viewport.width / 2), dy: Math.abs(p.y - window.kartta.viewport.height / 2) };
  });
  assert.ok(centred.dx < 1 && centred.dy < 1, `the found actor is in the middle of the view (${JSON.stringify(centred)})`);
  await page.waitForSelector('#k-side li.k-outline-selected[aria-current="true"]');
  assert.match(await page.locator('#k-side li.k-outline-selected input').first().inputValue(), /Turun kaupunki/);
  // The found row is scrolled into the outline's view.
  await waitFor(page, () => {
    const row = document.querySelector('#k-side li.k-outline-selected').getBoundingClientRect();
    const side = document.querySelector('#k-side').getBoundingClientRect();
    return row.top >= side.top && row.bottom <= side.bottom;
  });
  assert.equal(await page.locator('#k-find-position').textContent(), '1 of 1');
  // "kaupunki" matches two; Enter goes on to the next, round the list.
  await page.fill('#k-find-input', 'kaupunki');
  await waitFor(page, () => document.querySelector('#k-find-position')?.textContent === '1 of 2');
  await page.keyboard.press('Enter');
  await waitFor(page, () => document.querySelector('#k-find-position')?.textContent === '2 of 2');
  const second = await page.evaluate(() => window.kartta.model.actors.get([...window.kartta.editor.selection][0]).name);
  assert.equal(second, 'Turun kaupunki');
  await axeScan(page, 'find field open');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-find.png` });
  await page.keyboard.press('Escape');
  await waitFor(page, () => document.activeElement?.id === 'k-canvas' && document.querySelector('#k-find').hidden);
});

test('the right-click menu lists the registry\'s actions, works from the keyboard, and its Duplicate duplicates', { timeout: 120_000 }, async () => {
  const { page } = await person('Saara');
  await openNewBoard(page);
  await placeActor(page, 'Turun kaupunki');
  await page.keyboard.press('Escape');
  const actor = await page.evaluate(() => [...window.kartta.model.actors.values()][0]);
  const at = await screenOf(page, actor.x, actor.y);
  await page.mouse.click(at.x, at.y, { button: 'right' });
  await page.waitForSelector('#k-context-menu:not([hidden]) [role="menuitem"]:focus');
  const items = await page.$$eval('#k-context-menu [role="menuitem"]', (els) => els.map((e) => e.dataset.action));
  assert.deepEqual(items, ['cut', 'copy', 'paste', 'duplicate', 'rename', 'delete', 'selectAll', 'find']);
  await axeScan(page, 'context menu open');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-context-menu.png` });
  // Esc closes it and focus goes back to the map.
  await page.keyboard.press('Escape');
  await waitFor(page, () => document.querySelector('#k-context-menu').hidden && document.activeElement?.id === 'k-canvas');

  // Again, by keyboard: down three times reaches Duplicate (cut, copy, paste, duplicate).
  await page.mouse.click(at.x, at.y, { button: 'right' });
  await page.waitForSelector('#k-context-menu [data-action="cut"]:focus');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await page.waitForSelector('#k-context-menu [data-action="duplicate"]:focus');
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.kartta.model.actors.size === 2);
  assert.deepEqual(await actorNames(page), ['Turun kaupunki', 'Turun kaupunki']);
  await waitFor(page, () => document.querySelector('#k-context-menu').hidden && document.activeElement?.id === 'k-canvas');
});

test('pasted lines of text become actors; on a board one may not change, a paste says why', { timeout: 120_000 }, async () => {
  const { page } = await person('Saara', { permissions: ['clipboard-read', 'clipboard-write'] });
  const links = await openNewBoard(page);
  await page.evaluate(() => navigator.clipboard.writeText('Turun kaupunki\n\n<b>Kela</b>\n'));
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('Control+v');
  await waitFor(page, () => window.kartta.model.actors.size === 2);
  assert.deepEqual(await actorNames(page), ['<b>Kela</b>', 'Turun kaupunki']);

  // A viewer, in a browser of their own, with the same text on their clipboard.
  const { page: viewer } = await person('Ville', { permissions: ['clipboard-read', 'clipboard-write'] });
  // A viewer is never asked for a name (it is never shown as present).
  await viewer.goto(links.view);
  await waitFor(viewer, () => window.kartta?.provider?.synced === true && window.kartta.model.actors.size === 2);
  await viewer.evaluate(() => navigator.clipboard.writeText('Raision kaupunki'));
  await viewer.locator('#k-canvas').focus();
  await viewer.keyboard.press('Control+v');
  await viewer.waitForSelector('#k-notice');
  assert.match(await viewer.locator('#k-notice').textContent(), /you cannot change this board/);
  assert.deepEqual(await actorNames(viewer), ['<b>Kela</b>', 'Turun kaupunki']);
});

test('a long press on a touch screen opens the same menu', { timeout: 120_000 }, async () => {
  const { page } = await person('Saara', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await openNewBoard(page);
  await placeActor(page, 'Kela');
  await page.keyboard.press('Escape');
  const actor = await page.evaluate(() => [...window.kartta.model.actors.values()][0]);
  const at = await screenOf(page, actor.x, actor.y);
  const cdp = await page.context().newCDPSession(page);
  // The finger rests on the card; the menu opens while it is still down.
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: at.x, y: at.y }] });
  await page.waitForSelector('#k-context-menu:not([hidden]) [data-action="duplicate"]');
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.screenshot({ path: `${ARTIFACTS}/e2e-context-menu-phone.png` });
  await page.tap('#k-context-menu [data-action="duplicate"]');
  await waitFor(page, () => window.kartta.model.actors.size === 2);
  // The press did not move the card: a long press is not a drag.
  const moved = await page.evaluate((id) => window.kartta.model.actors.get(id), actor.id);
  assert.deepEqual([moved.x, moved.y], [actor.x, actor.y]);
});
