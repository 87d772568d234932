// End-to-end: a relation's end dragged onto another actor reconnects it (and undo puts it back); the
// inspector edits several selected actors or relations at once and shows where their values differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, screenOf, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

/** Eeva's browser, on a quick board of her own, connected. */
async function newBoard(label) {
  const { page } = await person(label);
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Eeva');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  await page.click('#k-share-close');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  return page;
}

const relationOf = (page, id) => page.evaluate((rid) => {
  const m = window.kartta.model;
  const r = m.relations.get(rid);
  return r && { from: m.actors.get(r.from).name, to: m.actors.get(r.to).name, kind: r.kind };
}, id);

test('relation ends reconnect by drag and in the inspector; several actors are edited at once', { timeout: 120_000 }, async () => {
  const page = await newBoard('editing');

  const ids = await page.evaluate(() => {
    const m = window.kartta.model;
    const out = {};
    m.batch(() => {
      out.Kunta = m.addActor({ name: 'Kunta', kind: 'municipality', x: -250, y: -100 });
      out.Yritys = m.addActor({ name: 'Yritys', kind: 'business', x: 250, y: -100 });
      out.Seura = m.addActor({ name: 'Seura', kind: 'association', x: 0, y: 150, influence: 3 });
    });
    out.relation = m.addRelation(out.Kunta, out.Yritys);
    return out;
  });
  await page.click('#k-fit');
  await page.waitForTimeout(100);

  // Select the relation by clicking its line, then drag its end handle (at Yritys) onto Seura.
  const mid = await screenOf(page, 0, -100);
  await page.mouse.click(mid.x, mid.y);
  await waitFor(page, (id) => window.kartta.editor.selection.has(id), ids.relation);
  await waitFor(page, () => document.querySelectorAll('.k-endpoint-handle').length === 2);
  // The line meets Yritys's card (centre 250, −100; as wide as its name) 4 units before its left edge.
  const yritysWidth = await page.evaluate((id) => Number(document.querySelector(`.k-layer-actors [data-id="${id}"] .k-actor-body`).getAttribute('width')), ids.Yritys);
  const handle = await screenOf(page, 250 - yritysWidth / 2 - 4, -100);
  const seura = await screenOf(page, 0, 150);
  await page.mouse.move(handle.x, handle.y);
  await page.mouse.down();
  await page.mouse.move((handle.x + seura.x) / 2, (handle.y + seura.y) / 2, { steps: 5 });
  await page.mouse.move(seura.x, seura.y, { steps: 5 });
  await page.screenshot({ path: `${ARTIFACTS}/e2e-reconnect.png` });
  await page.mouse.up();
  assert.deepEqual(await relationOf(page, ids.relation), { from: 'Kunta', to: 'Seura', kind: 'collaboration' });
  // Undo puts the end back.
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('Control+z');
  assert.deepEqual(await relationOf(page, ids.relation), { from: 'Kunta', to: 'Yritys', kind: 'collaboration' });

  // The inspector moves an end too (the keyboard way): From becomes Seura.
  await page.click('#k-tab-details');
  await page.evaluate((id) => window.kartta.editor.select([id]), ids.relation);
  await page.waitForSelector('.k-inspector select[data-key="from"]');
  await page.selectOption('.k-inspector select[data-key="from"]', ids.Seura);
  assert.deepEqual(await relationOf(page, ids.relation), { from: 'Seura', to: 'Yritys', kind: 'collaboration' });
  await waitFor(page, () => /Seura → Yritys/.test(document.querySelector('.k-relation-ends')?.textContent));

  // Three actors, box-selected (the box reaches into Kunta's and Yritys's short-name cards): the inspector edits them together.
  const topLeft = await screenOf(page, -240, -140);
  const bottomRight = await screenOf(page, 240, 190);
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('Escape');
  await page.mouse.move(topLeft.x, topLeft.y);
  await page.mouse.down();
  await page.mouse.move(bottomRight.x, bottomRight.y, { steps: 6 });
  await page.mouse.up();
  await waitFor(page, () => window.kartta.editor.selection.size === 3);
  await page.waitForSelector('.k-inspector legend');
  assert.equal(await page.textContent('.k-inspector legend'), '3 actors');
  const kind = '.k-inspector select[data-key="kind"]';
  assert.equal(await page.$eval(kind, (s) => s.selectedOptions[0].textContent), 'Mixed values', 'differing kinds show as mixed');
  assert.equal(await page.$eval('.k-inspector select[data-key="influence"]', (s) => s.selectedOptions[0].textContent), 'Mixed values');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-multi-inspector.png` });
  await axeScan(page, 'inspector with three actors');
  await page.selectOption(kind, 'funder');
  await waitFor(page, () => [...window.kartta.model.actors.values()].every((a) => a.kind === 'funder'));
  assert.equal(await page.$eval(kind, (s) => s.value), 'funder');
  // A shared text field: tags for all three, then one undo step takes the tags away from all.
  const tags = page.locator('.k-inspector .k-field', { hasText: 'Tags' }).locator('input');
  await tags.fill('foorumi, 2026');
  await tags.press('Enter');
  await waitFor(page, () => [...window.kartta.model.actors.values()].every((a) => a.tags.join('|') === 'foorumi|2026'));
  // The person checkbox: all at once.
  await page.locator('.k-inspector .k-check input').check();
  await waitFor(page, () => [...window.kartta.model.actors.values()].every((a) => a.isPerson));
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('Control+z');
  await waitFor(page, () => [...window.kartta.model.actors.values()].every((a) => !a.isPerson));
  await page.keyboard.press('Control+z');
  await waitFor(page, () => [...window.kartta.model.actors.values()].every((a) => a.tags.length === 0));
  await page.keyboard.press('Control+z');
  const kinds = await page.evaluate(() => Object.fromEntries([...window.kartta.model.actors.values()].map((a) => [a.name, a.kind])));
  assert.deepEqual(kinds, { Kunta: 'municipality', Yritys: 'business', Seura: 'association' }, 'one undo step per change to all three');
});

test('an update the server cannot place (close 4031) only shows a brief reconnect, then the board syncs', { timeout: 60_000 }, async () => {
  const page = await newBoard('resync');
  await page.evaluate(() => window.kartta.model.addActor({ name: 'Ennen', kind: 'other', x: 0, y: 0 }));

  // A second client's second change, sent without its first: it relies on content the server lacks.
  const closed = await page.evaluate(() => new Promise((resolve) => {
    const { model, provider } = window.kartta;
    const shown = new Set();
    const conn = document.querySelector('#k-conn');
    new MutationObserver(() => shown.add(conn.className)).observe(conn, { attributes: true, attributeFilter: ['class'] });
    const other = new model.constructor(new model.doc.constructor());
    const updates = [];
    other.doc.on('update', (u) => updates.push(u));
    other.addActor({ name: 'Eka', kind: 'other', x: 0, y: 100 });
    other.addActor({ name: 'Toka', kind: 'other', x: 0, y: 200 });
    const update = updates[1];
    const varuint = (n) => { const out = []; while (n > 127) { out.push((n & 127) | 128); n >>>= 7; } out.push(n); return out; };
    provider.once('connection-close', (event) => setTimeout(() => resolve({ code: event?.code, text: conn.textContent, shown: [...shown] }), 50));
    provider.ws.send(new Uint8Array([0, 2, ...varuint(update.length), ...update]));
  }));
  assert.equal(closed.code, 4031);
  assert.match(closed.text, /Reconnecting to catch up/);
  assert.ok(!closed.shown.some((c) => c.includes('disconnected')), `no red "offline" for a resync (${closed.shown.join(', ')})`);
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'), undefined, 15_000);
  assert.equal(await page.locator('.k-banner-error').count(), 0);
  // The board still works: a new edit reaches a second person.
  await page.evaluate(() => window.kartta.model.addActor({ name: 'Jälkeen', kind: 'other', x: 200, y: 0 }));
  const url = page.url();
  const tab = await page.context().newPage();
  await tab.goto(url);
  await waitFor(tab, () => ['Ennen', 'Jälkeen'].every((n) => [...(window.kartta?.model.actors.values() ?? [])].some((a) => a.name === n)), undefined, 15_000);
  assert.equal(await tab.evaluate(() => [...window.kartta.model.actors.values()].some((a) => a.name === 'Toka')), false, 'the refused update was not applied');
});
