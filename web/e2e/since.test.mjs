// End-to-end: the "since last time" panel. A board with a snapshot, changed since, shows what changed
// when it is opened again; each line shows those elements on the map; dismissing it lasts on this
// device until a newer snapshot is taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

/** With KARTTA_GUIDE_SHOTS=1 the panel's screenshot also refreshes the workshop guide's (as guide.test.mjs does). */
const GUIDE_SHOTS = process.env.KARTTA_GUIDE_SHOTS === '1' ? resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots') : null;

useServer();

/** The board's export as the server has stored it (the facts the tests wait on). */
async function stored(page) {
  return page.evaluate(async () => {
    const link = document.querySelector('[data-export="export.json"]').getAttribute('href');
    const board = await (await fetch(link)).json();
    return board.actors.map((a) => a.name).sort();
  });
}

async function waitStored(page, names) {
  const want = [...names].sort();
  for (;;) {
    const have = await stored(page);
    if (JSON.stringify(have) === JSON.stringify(want)) return;
    await page.waitForTimeout(100);
  }
}

/** Takes a snapshot through the API with the token this page uses. */
function takeSnapshot(page, boardId, name) {
  return page.evaluate(async ([id, snapshotName]) => {
    const token = new URL(document.querySelector('[data-export="export.json"]').href).searchParams.get('token');
    const response = await fetch(`/api/boards/${id}/snapshots`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: snapshotName }) });
    if (!response.ok) throw new Error(`snapshot: ${response.status} ${await response.text()}`);
    return (await response.json()).id;
  }, [boardId, name]);
}

/** Opens the board again, as coming back to it later (without the creator's share dialog the first visit had). */
async function reopen(page) {
  await page.evaluate(() => history.replaceState(null, ''));
  await page.reload();
  await page.waitForSelector('#k-canvas');
  await waitFor(page, () => document.querySelector('#k-since')?.dataset.checked !== undefined, undefined, 15_000);
}

const lineTexts = (page) => page.locator('#k-since-list button').allTextContents();

test('opening a changed board shows what changed since its latest snapshot, until dismissed', { timeout: 150_000 }, async () => {
  const { page } = await person('Outi');
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Outi');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  const [, viewLink] = await page.locator('#k-share-dialog .k-copy-input').evaluateAll((inputs) => inputs.map((i) => i.value));
  await page.click('#k-share-close');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  const boardId = new URL(page.url()).pathname.split('/')[2];
  const first = ['Turun kaupunki', 'Kaarinan kaupunki', 'Turun yliopisto', 'Kyläyhdistys', 'Varsinais-Suomen liitto'];
  await page.evaluate((names) => {
    const m = window.kartta.model;
    m.batch(() => {
      const ids = names.map((name, i) => m.addActor({ name, kind: 'association', x: (i % 3) * 260, y: Math.floor(i / 3) * 160 }));
      m.addRelation(ids[0], ids[3], { kind: 'collaboration' });
      m.addRelation(ids[1], ids[2], { kind: 'information' });
    });
  }, first);
  await waitStored(page, first);
  // A board without changes since its snapshot opens without the panel.
  await takeSnapshot(page, boardId, 'End of day 1');
  await reopen(page);
  assert.equal(await page.getAttribute('#k-since', 'data-checked'), 'unchanged');
  assert.equal(await page.isVisible('#k-since'), false);

  // Add two, remove one (with its relation), rename one.
  await page.evaluate(() => {
    const m = window.kartta.model;
    const byName = (name) => [...m.actors.values()].find((a) => a.name === name).id;
    m.addActor({ name: 'Lounais-Suomen Partiolaiset', kind: 'association', x: 900, y: 600 });
    m.addActor({ name: 'Turun Sanomat', kind: 'media', x: 1100, y: 600 });
    m.deleteElements([byName('Kyläyhdistys')]);
    m.updateActor(byName('Kaarinan kaupunki'), { name: 'Kaarina' });
  });
  const second = ['Turun kaupunki', 'Kaarina', 'Turun yliopisto', 'Varsinais-Suomen liitto', 'Lounais-Suomen Partiolaiset', 'Turun Sanomat'];
  await waitStored(page, second);

  await reopen(page);
  assert.equal(await page.getAttribute('#k-since', 'data-checked'), 'open');
  assert.match(await page.textContent('#k-since-title'), /^Since End of day 1 \(\d{1,2} [A-Z][a-z]{2}\)$/);
  assert.deepEqual(await lineTexts(page), ['+2 actors added', '−1 actor removed', 'Δ1 actor changed', '−1 relation removed']);
  await waitFor(page, () => /^Since End of day 1 .*: 2 actors added, 1 actor removed, 1 actor changed, 1 relation removed\.$/.test(document.querySelector('#k-since-status').textContent));

  // "Added" selects the two new actors and brings them into view.
  await page.click('[data-since="actorsAdded"]');
  const shown = await page.evaluate(() => {
    const { model, editor, viewport } = window.kartta;
    const names = [...editor.selection].map((id) => model.actors.get(id)?.name).sort();
    const view = viewport.visibleWorld();
    const inView = [...editor.selection].every((id) => {
      const a = model.actors.get(id);
      return a.x > view.x && a.x < view.x + view.w && a.y > view.y && a.y < view.y + view.h;
    });
    return { names, inView };
  });
  assert.deepEqual(shown, { names: ['Lounais-Suomen Partiolaiset', 'Turun Sanomat'], inView: true });
  // "Removed" draws the removed actor as a ghost where it was.
  await page.click('[data-since="actorsRemoved"]');
  await waitFor(page, () => [...document.querySelectorAll('.k-gone title')].map((t) => t.textContent).join() === 'Kyläyhdistys');
  assert.equal(await page.getAttribute('[data-since="actorsRemoved"]', 'aria-pressed'), 'true');
  await page.click('[data-since="relationsRemoved"]');
  await waitFor(page, () => document.querySelectorAll('.k-gone-line').length === 1 && document.querySelectorAll('.k-gone').length === 0);
  await page.click('[data-since="actorsRemoved"]');
  await waitFor(page, () => document.querySelectorAll('.k-gone').length === 1);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-since-panel.png` });
  if (GUIDE_SHOTS) await page.screenshot({ path: `${GUIDE_SHOTS}/12-since.png` });
  await axeScan(page, 'board with the since-last-time panel');

  // Keyboard: the lines are reachable with Tab, Enter shows one, and focus stays on it.
  await page.focus('[data-since="actorsAdded"]');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.since), 'actorsRemoved');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.kartta.editor.selection.size === 2);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.since), 'actorsAdded');

  // Dismissed on this device: gone after a reload.
  await page.click('#k-since-dismiss');
  assert.equal(await page.isVisible('#k-since'), false);
  assert.equal(await page.locator('.k-gone').count(), 0, 'the ghosts go with the panel');
  await reopen(page);
  assert.equal(await page.getAttribute('#k-since', 'data-checked'), 'dismissed');
  assert.equal(await page.isVisible('#k-since'), false);

  // A newer snapshot and a change since: the panel is back, against the newer snapshot.
  await takeSnapshot(page, boardId, 'End of day 2');
  await page.evaluate(() => window.kartta.model.addActor({ name: 'Åbo Akademi', kind: 'education_research', x: 0, y: 600 }));
  await waitStored(page, [...second, 'Åbo Akademi']);
  await reopen(page);
  assert.equal(await page.getAttribute('#k-since', 'data-checked'), 'open');
  assert.match(await page.textContent('#k-since-title'), /End of day 2/);
  assert.deepEqual(await lineTexts(page), ['+1 actor added']);
  // Another baseline can be chosen: since day 1, three actors were added.
  await page.selectOption('#k-since-baseline', { label: await page.locator('#k-since-baseline option', { hasText: 'End of day 1' }).textContent() });
  await waitFor(page, () => /End of day 1/.test(document.querySelector('#k-since-title').textContent));
  assert.deepEqual((await lineTexts(page))[0], '+3 actors added');

  // In Finnish, with the Finnish date and plural forms.
  await page.selectOption('#k-lang', 'fi');
  await waitFor(page, () => document.documentElement.lang === 'fi');
  await waitFor(page, () => /^Tilannekuvan End of day 1 \(\d{1,2}\.\d{1,2}\.\) jälkeen$/.test(document.querySelector('#k-since-title')?.textContent ?? ''));
  assert.equal((await lineTexts(page))[0], '+3 toimijaa lisätty');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-since-panel-fi.png` });

  // A viewer (the projector) gets no panel over the map: the board view never builds one for them.
  const { page: projector } = await person('Projector');
  // A viewer is never asked for a name.
  await projector.goto(viewLink);
  await waitFor(projector, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected') && window.kartta?.role === 'viewer');
  assert.equal(await projector.locator('#k-since').count(), 0);
});
