// End-to-end: network figures on a hand-drawn map — off while drawing, then brokers, isolated actors
// and a sortable, keyboard-usable table in the outline, recomputed as the group keeps drawing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServer, server, person, openBoard, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

/** With KARTTA_GUIDE_SHOTS=1 the figures screenshot also refreshes the workshop guide's (as guide.test.mjs does). */
const GUIDE_SHOTS = process.env.KARTTA_GUIDE_SHOTS === '1' ? resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots') : null;

useServer();

async function addActorInOutline(page, name) {
  await page.fill('#k-outline-new', name);
  await page.press('#k-outline-new', 'Enter');
  return waitFor(page, (n) => [...window.kartta.model.actors.values()].some((a) => a.name === n), name);
}

async function connectInOutline(page, from, to) {
  const ids = await page.evaluate(([a, b]) => {
    const byName = (n) => [...window.kartta.model.actors.values()].find((actor) => actor.name === n).id;
    return [byName(a), byName(b)];
  }, [from, to]);
  await page.selectOption('#k-connect-from', ids[0]);
  await page.selectOption('#k-connect-to', ids[1]);
  await page.click('#k-connect');
  await waitFor(page, ([a, b]) => window.kartta.model.liveRelations().some((r) => r.from === a && r.to === b), ids);
}

/** The table's cells by actor name: { name: { degree, inDegree, … } }. */
async function tableByName(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#k-figures-table tbody tr')].map((row) => [
    row.querySelector('th').textContent,
    Object.fromEntries([...row.querySelectorAll('td')].map((cell) => [cell.dataset.column, cell.textContent])),
  ])));
}

test('figures show the hub of a star as a broker and an isolated actor as isolated, on the map and in the outline', async () => {
  const { page } = await person('facilitator');
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Fasilitaattori');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  await page.click('#k-share-close');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));

  await page.click('#k-tab-outline');
  const hub = 'Varsinais-Suomen liitto';
  const leaves = ['Turun kaupunki', 'Turun yliopisto', 'Sinapsi ry'];
  const alone = 'Kyläyhdistys';
  for (const name of [hub, ...leaves, alone]) await addActorInOutline(page, name);
  for (const leaf of leaves) await connectInOutline(page, hub, leaf);

  // Off by default while drawing: no figures on the map, none in the outline.
  assert.equal(await page.getAttribute('#k-figures-toggle', 'aria-pressed'), 'false');
  assert.equal(await page.locator('#k-figures-table').count(), 0);

  await page.click('#k-figures-toggle');
  assert.equal(await page.getAttribute('#k-figures-toggle', 'aria-pressed'), 'true');
  await page.waitForSelector('#k-figures-caveat');
  assert.match(await page.textContent('#k-figures-caveat'), /These figures describe the map we drew, not the world/);

  const ids = await page.evaluate(() => Object.fromEntries([...window.kartta.model.actors.values()].map((a) => [a.name, a.id])));
  await page.waitForSelector(`.k-figure-broker[data-id="${ids[hub]}"]`);
  await page.waitForSelector(`.k-figure-isolated[data-id="${ids[alone]}"]`);
  assert.equal(await page.getAttribute(`.k-figure-broker[data-id="${ids[hub]}"]`, 'data-rank'), '1');
  assert.match(await page.textContent(`.k-figure-broker[data-id="${ids[hub]}"]`), /Broker #1/);
  assert.match(await page.textContent(`.k-figure-isolated[data-id="${ids[alone]}"]`), /No relations/);
  // Only the hub lies between others: the leaves and the isolated actor are no brokers.
  assert.equal(await page.locator('.k-figure-broker').count(), 1);
  assert.equal(await page.locator(`.k-layer-halos [data-id="${ids[hub]}"]`).count(), 1);

  await page.waitForSelector('#k-figures-table');
  const table = await tableByName(page);
  assert.equal(table[hub].degree, '3');
  for (const leaf of leaves) assert.equal(table[leaf].degree, '1');
  // An isolated actor is told in its connections cell.
  assert.equal(table[alone].degree, '0No relations');
  assert.equal(await page.textContent(`#k-figures-table tr[data-id="${ids[alone]}"] .k-figures-isolated`), 'No relations');
  assert.equal(table[hub].degree, '3');
  // Three pairs of leaves meet only through the hub: 6 ordered pairs of (5−1)(5−2) = 12.
  assert.equal(table[hub].betweenness, '0.50');

  // Lines without a direction: no In and Out columns (all 0), and the table fits the side panel.
  assert.equal(table[hub].inDegree, undefined);
  assert.equal(await page.locator('[data-key="figures-sort:inDegree"]').count(), 0);
  const fits = () => page.evaluate(() => {
    const scroll = document.querySelector('.k-figures-scroll');
    return { scroll: scroll.scrollWidth, client: scroll.clientWidth, headers: [...scroll.querySelectorAll('th[scope="col"]')].map((th) => `${th.textContent}:${Math.round(th.getBoundingClientRect().width)}`) };
  });
  const fit = await fits();
  assert.ok(fit.scroll <= fit.client + 1, `the figures table fits the side panel: ${JSON.stringify(fit)}`);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-figures.png` });
  if (GUIDE_SHOTS) await page.screenshot({ path: `${GUIDE_SHOTS}/11-figures.png` });
  await axeScan(page, 'network figures');
  // One relation with a direction: In and Out appear, counted along it.
  await page.evaluate(([from, to]) => {
    const { model } = window.kartta;
    const relation = model.liveRelations().find((r) => r.from === from && r.to === to);
    model.updateRelation(relation.id, { direction: 'one_way' });
  }, [ids[hub], ids[leaves[0]]]);
  await waitFor(page, () => document.querySelector('[data-key="figures-sort:inDegree"]') !== null);
  await waitFor(page, (name) => [...document.querySelectorAll('#k-figures-table tbody tr')]
    .some((row) => row.querySelector('th').textContent === name && row.querySelector('[data-column="inDegree"]')?.textContent === '1'), leaves[0]);
  const directed = await tableByName(page);
  assert.equal(directed[hub].outDegree, '1');
  assert.equal(directed[leaves[1]].inDegree, '0');
  // In Finnish, with In and Out, the table is wider than the panel: it scrolls sideways, by keyboard too.
  await page.selectOption('#k-lang', 'fi');
  await waitFor(page, () => document.documentElement.lang === 'fi' && document.querySelector('#k-figures-table thead')?.textContent.includes('Sisään'));
  const wide = await fits();
  assert.ok(wide.scroll > wide.client, `the Finnish table with In and Out is wider than the panel: ${JSON.stringify(wide)}`);
  await page.focus('.k-figures-scroll');
  await page.keyboard.press('ArrowRight');
  await waitFor(page, () => document.querySelector('.k-figures-scroll').scrollLeft > 0);
  await axeScan(page, 'network figures, a table wider than the panel');
  await page.selectOption('#k-lang', 'en');
  await waitFor(page, () => document.documentElement.lang === 'en');

  // Keyboard: sort by connections (ascending after a second press), then pick a row with Enter.
  await page.focus('[data-key="figures-sort:degree"]');
  await page.keyboard.press('Enter');
  await waitFor(page, () => document.querySelector('#k-figures-table tbody tr th')?.textContent === 'Varsinais-Suomen liitto');
  await page.focus('[data-key="figures-sort:degree"]');
  await page.keyboard.press('Enter');
  await waitFor(page, () => document.querySelector('#k-figures-table tbody tr th')?.textContent === 'Kyläyhdistys');
  assert.equal(await page.getAttribute('th:has([data-key="figures-sort:degree"])', 'aria-sort'), 'ascending');
  await page.focus(`[data-key="figures-show:${ids[alone]}"]`);
  await page.keyboard.press('Enter');
  await waitFor(page, (id) => window.kartta.editor.selection.has(id) && window.kartta.editor.selection.size === 1, ids[alone]);

  // Drawing on recomputes: tying the lone actor to a leaf takes its isolated mark away.
  await connectInOutline(page, alone, leaves[0]);
  await waitFor(page, (id) => !document.querySelector(`.k-figure-isolated[data-id="${id}"]`), ids[alone]);
  await waitFor(page, (name) => [...document.querySelectorAll('#k-figures-table tbody tr')]
    .some((row) => row.querySelector('th').textContent === name && row.querySelector('[data-column="degree"]').textContent === '1'), alone);

  // Off again: the map loses its marks.
  await page.click('#k-figures-toggle');
  await waitFor(page, () => document.querySelectorAll('.k-figure-marks, .k-figure-halo').length === 0);
});

test('on a large board the outline lists its first rows, the selected actor and, on request, all of them', { timeout: 120_000 }, async () => {
  const created = await (await fetch(`${server.serverOrigin}/api/boards`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Forum', template: 'blank' }),
  })).json();
  const { page } = await openBoard('Fasilitaattori', created.workshop.boards[0].id, created.tokens.participant);
  // 230 actors in a chain of 229 relations: more of each than the outline builds at first (200).
  const last = await page.evaluate(() => {
    const { model, editor } = window.kartta;
    const ids = [];
    model.batch(() => {
      for (let i = 1; i <= 230; i++) ids.push(model.addActor({ name: `Toimija ${String(i).padStart(3, '0')}`, kind: 'other', x: (i % 20) * 230, y: Math.floor(i / 20) * 110 }));
      for (let i = 1; i < ids.length; i++) model.addRelation(ids[i - 1], ids[i]);
    });
    // The last actor by name, selected on the map: its row is listed although it is past the first 200.
    editor.select([ids[229]]);
    return ids[229];
  });
  await page.click('#k-tab-outline');
  await page.waitForSelector('#k-figures-toggle');
  const rows = (list) => page.locator(`ul[data-list="${list}"] > li[data-id]`).count();
  assert.equal(await rows('actors'), 201);
  assert.equal(await page.locator(`ul[data-list="actors"] > li[data-id="${last}"]`).count(), 1);
  assert.equal(await rows('relations'), 200);
  assert.equal(await page.textContent('[data-key="show-all:actors"]'), 'Show all 230 actors');
  assert.equal(await page.textContent('[data-key="show-all:relations"]'), 'Show all 229 relations');
  await axeScan(page, 'outline of a large board');

  // The figures beside it still come: the table's first 100 rows.
  await page.click('#k-figures-toggle');
  await waitFor(page, () => document.querySelectorAll('#k-figures-table tbody tr').length === 100);

  // "Show all" by keyboard lists every actor and moves focus to the first row it added.
  await page.focus('[data-key="show-all:actors"]');
  await page.keyboard.press('Enter');
  assert.equal(await rows('actors'), 230);
  assert.equal(await page.locator('[data-key="show-all:actors"]').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), await page.evaluate(() => {
    const row = document.querySelectorAll('ul[data-list="actors"] > li[data-id]')[200];
    return `name:${row.dataset.id}`;
  }));
  assert.equal(await rows('relations'), 200);
  await page.click('[data-key="show-all:relations"]');
  assert.equal(await rows('relations'), 229);
});
