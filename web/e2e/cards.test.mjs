// End-to-end: long actor names wrap over up to three lines on a taller card and short ones get a
// narrow card, in the browser and in the server's SVG export alike, relations meet the card's real
// edge, and the whole name stays in the tooltip, the details and the outline.
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { useServer, server, person, waitFor, placeActor, screenOf, axeScan, ARTIFACTS } from './harness.mjs';

useServer();

const LONG = 'Varsinais-Suomen elinkeino-, liikenne- ja ympäristökeskus';
const NAMES = [
  LONG,
  'Turun ammattikorkeakoulu',
  'Varsinais-Suomen sairaanhoitopiirin kuntayhtymä',
  'Egentliga Finlands närings-, trafik- och miljöcentral',
  'Elinkeino-, liikenne- ja ympäristökeskusten sekä työ- ja elinkeinotoimistojen kehittämis- ja hallintokeskus',
  'Turku',
];

test('long names wrap onto taller cards that match the server export', { timeout: 120_000 }, async () => {
  const { page } = await person('Liisa');
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Liisa');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  await page.click('#k-share-close');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  await page.evaluate((names) => {
    const m = window.kartta.model;
    m.batch(() => {
      const ids = names.map((name, i) => m.addActor({ name, kind: i % 2 ? 'education_research' : 'state_agency', x: (i % 3) * 520 - 520, y: Math.floor(i / 3) * 420 }));
      m.addRelation(ids[0], ids[3], { kind: 'collaboration' });
      m.addRelation(ids[1], ids[4], { kind: 'funding', direction: 'one_way' });
      m.updateActor(ids[2], { influence: 4, alias: 'VSSHP' });
    });
    window.kartta.editor.zoomToFit();
  }, NAMES);
  await waitFor(page, (n) => document.querySelectorAll('.k-actor').length === n, NAMES.length);

  // The canvas: three lines for the long name, a taller card, the whole name as the tooltip.
  const drawn = await page.evaluate((name) => {
    const card = [...document.querySelectorAll('.k-actor')].find((g) => g.querySelector('title')?.textContent === name);
    const rect = card.querySelector('.k-actor-body');
    const body = rect.getBoundingClientRect();
    const spans = [...card.querySelectorAll('.k-actor-name tspan')];
    // Every line's real glyphs stay inside the card (measured by the browser, not by the table).
    const inside = spans.every((s) => {
      const r = s.getBoundingClientRect();
      return r.left >= body.left - 0.5 && r.right <= body.right + 0.5 && r.top >= body.top - 0.5 && r.bottom <= body.bottom + 0.5;
    });
    return { lines: spans.map((s) => s.textContent), height: Number(rect.getAttribute('height')), inside };
  }, LONG);
  assert.deepEqual(drawn.lines, ['Varsinais-Suomen', 'elinkeino-, liikenne-', 'ja ympäristökeskus']);
  assert.ok(drawn.height > 44, `a three-line card is taller (${drawn.height})`);
  assert.ok(drawn.inside, 'the lines stay inside the card');

  // The relation from the tall card starts at its real bottom edge, not 22 units below its centre.
  const ends = await page.evaluate((name) => {
    const m = window.kartta.model;
    const actor = [...m.actors.values()].find((a) => a.name === name);
    const relation = m.liveRelations().find((r) => r.from === actor.id);
    const d = [...document.querySelectorAll('.k-relation-line')].map((p) => p.getAttribute('d')).find((path) => path.startsWith(`M${actor.x} `));
    return { y: actor.y, path: d, relation: Boolean(relation) };
  }, LONG);
  assert.ok(ends.relation && ends.path, 'the relation is drawn');
  const startY = Number(/^M\S+ (\S+)L/.exec(ends.path)[1]);
  assert.equal(startY, ends.y + drawn.height / 2 + 4);

  // The shortened name (over three lines) ends with an ellipsis on the card; the details and the outline hold all of it.
  const longest = NAMES[4];
  const shortened = await page.evaluate((name) => {
    const card = [...document.querySelectorAll('.k-actor')].find((g) => g.querySelector('title')?.textContent === name);
    return [...card.querySelectorAll('.k-actor-name tspan')].map((s) => s.textContent);
  }, longest);
  assert.equal(shortened.length, 3);
  assert.match(shortened[2], /…$/);
  await page.evaluate((name) => {
    const m = window.kartta.model;
    window.kartta.editor.select([[...m.actors.values()].find((a) => a.name === name).id]);
  }, longest);
  await waitFor(page, (name) => [...document.querySelectorAll('.k-inspector input')].some((i) => i.value === name), longest);
  await page.click('#k-tab-outline');
  await waitFor(page, (name) => [...document.querySelectorAll('.k-outline input')].some((i) => i.value === name), longest);

  // The server's export breaks the names the same way.
  const exported = await page.evaluate(async () => {
    await new Promise((r) => setTimeout(r, 0));
    const link = document.querySelector('[data-export="export.svg"]').getAttribute('href');
    return (await fetch(link)).text();
  });
  for (const line of drawn.lines) assert.ok(exported.includes(`>${line}</text>`), `the export has the line ${line}`);
  assert.ok(exported.includes(`<title>${longest}</title>`), 'the export keeps the whole name as a tooltip');
  assert.ok(exported.includes(`>${shortened[2]}</text>`), 'the export shortens the same way');

  const pngLink = await page.getAttribute('[data-export="export.png"]', 'href');
  writeFileSync(`${ARTIFACTS}/e2e-long-names-export.png`, Buffer.from(await (await fetch(new URL(pngLink, server.origin))).arrayBuffer()));
  const zoom = await page.evaluate(() => window.kartta.viewport.zoom);
  assert.ok(zoom < 1, `the default view fits the board (${zoom})`);
  // Fitted in what the tool bar floating over the map's left side leaves free: no card under it.
  const underTools = await page.evaluate(() => {
    const tools = document.querySelector('.k-tools').getBoundingClientRect();
    return [...document.querySelectorAll('.k-layer-actors .k-actor-body')].filter((body) => {
      const r = body.getBoundingClientRect();
      return r.left < tools.right && r.right > tools.left && r.top < tools.bottom && r.bottom > tools.top;
    }).length;
  });
  assert.equal(underTools, 0, 'no card is under the tool bar');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-long-names-fit.png` });
  await page.evaluate((name) => {
    const v = window.kartta.viewport;
    const actor = [...window.kartta.model.actors.values()].find((a) => a.name === name);
    v.zoom = 1;
    v.centerOn(actor.x + 200, actor.y + 100);
  }, LONG);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-long-names-100.png` });

  // Renaming on the canvas edits at screen scale over the tall card: legible, at least as wide as the card, on it.
  const id = await page.evaluate((name) => {
    const actor = [...window.kartta.model.actors.values()].find((a) => a.name === name);
    window.kartta.editor.host.editActorName(actor.id);
    return actor.id;
  }, LONG);
  const field = await page.locator('.k-inline-name').boundingBox();
  const card = await page.locator(`.k-layer-actors [data-id="${id}"] .k-actor-body`).boundingBox();
  assert.ok(field.width >= card.width - 1, `the field (${field.width} px) is as wide as the card (${card.width} px)`);
  assert.ok(Math.abs(field.y + field.height / 2 - (card.y + card.height / 2)) < 1, `the field sits on the card ${JSON.stringify({ field, card })}`);
  assert.ok(await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.k-inline-name')).fontSize)) >= 16);
  await page.keyboard.press('Escape');
});

test('a short name gets a narrow card: drawn, hit, joined and exported at its own width', { timeout: 120_000 }, async () => {
  const { page } = await person('Liisa', { viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Liisa');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  await page.click('#k-share-close');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  // Placed and named as a person would: the actor tool, a click, typing.
  await placeActor(page, 'Turku', -260, 0);
  await placeActor(page, LONG, 200, 0);
  const ids = await page.evaluate((long) => {
    const m = window.kartta.model;
    const byName = (n) => [...m.actors.values()].find((a) => a.name === n).id;
    const turku = byName('Turku');
    const long_ = byName(long);
    // On one line, so the relation meets the narrow card's side.
    m.updateActor(turku, { y: m.actors.get(long_).y });
    const relation = m.addRelation(long_, turku, { kind: 'collaboration' });
    window.kartta.editor.select([]);
    return { turku, long: long_, relation };
  }, LONG);
  await waitFor(page, () => document.querySelectorAll('.k-layer-relations .k-relation-line').length === 1);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-card-widths.png` });

  const boxes = await page.evaluate((idList) => {
    const out = {};
    for (const [key, id] of Object.entries(idList)) {
      const body = document.querySelector(`.k-layer-actors [data-id="${id}"] .k-actor-body`);
      if (!body) continue;
      const r = body.getBoundingClientRect();
      out[key] = { left: r.left, right: r.right, width: r.width, boardWidth: Number(body.getAttribute('width')) };
    }
    const d = document.querySelector('.k-layer-relations .k-relation-line').getAttribute('d');
    const [, x1, y1, x2, y2] = /^M(\S+) (\S+)L(\S+) (\S+)$/.exec(d).map(Number);
    const turku = window.kartta.model.actors.get(idList.turku);
    out.turku.x = turku.x;
    out.turku.y = turku.y;
    return { ...out, line: { x1, y1, x2, y2 } };
  }, ids);
  assert.ok(boxes.turku.width < boxes.long.width * 0.6, `Turku's card (${boxes.turku.width} px) is narrower than the long name's (${boxes.long.width} px)`);
  assert.ok(boxes.turku.boardWidth < 100 && boxes.long.boardWidth > 176, `board widths ${boxes.turku.boardWidth}, ${boxes.long.boardWidth}`);
  // The relation ends 4 units beside Turku's own right side, not 92 units from its centre.
  assert.equal(boxes.line.x2, boxes.turku.x + boxes.turku.boardWidth / 2 + 4);
  assert.equal(boxes.line.y2, boxes.turku.y);

  // A click just right of Turku's narrow card, inside where a 184-unit card would reach (and clear of the line), selects nothing.
  const outside = await screenOf(page, boxes.turku.x + boxes.turku.boardWidth / 2 + 12, boxes.turku.y + 16);
  await page.mouse.click(outside.x, outside.y);
  assert.deepEqual(await page.evaluate(() => [...window.kartta.editor.selection]), []);
  const inside = await screenOf(page, boxes.turku.x + boxes.turku.boardWidth / 2 - 6, boxes.turku.y);
  await page.mouse.click(inside.x, inside.y);
  await waitFor(page, (id) => window.kartta.editor.selection.has(id), ids.turku);

  // A longer name widens the card to both sides: its centre stays where it was.
  await page.evaluate((id) => window.kartta.model.updateActor(id, { name: 'Turun kaupunki' }), ids.turku);
  await waitFor(page, ([id, before]) => Number(document.querySelector(`.k-layer-actors [data-id="${id}"] .k-actor-body`).getAttribute('width')) > before, [ids.turku, boxes.turku.boardWidth]);
  const after = await page.evaluate((id) => {
    const r = document.querySelector(`.k-layer-actors [data-id="${id}"] .k-actor-body`).getBoundingClientRect();
    return (r.left + r.right) / 2;
  }, ids.turku);
  assert.ok(Math.abs(after - (boxes.turku.left + boxes.turku.right) / 2) < 0.5, 'the card grew around its centre');
  await page.evaluate((id) => window.kartta.model.updateActor(id, { name: 'Turku' }), ids.turku);

  // The server's export draws the same narrow card, once the name set back above has reached it
  // (the export asked for at once may still read the longer name: the update is on its way).
  const narrowCard = `width="${boxes.turku.boardWidth}" height="44"`;
  const exportedNarrow = () => page.evaluate(async (wanted) => {
    const link = document.querySelector('[data-export="export.svg"]').getAttribute('href');
    return (await (await fetch(link)).text()).includes(wanted);
  }, narrowCard);
  let exported = false;
  for (let tries = 0; tries < 40 && !(exported = await exportedNarrow()); tries++) await page.waitForTimeout(250);
  assert.ok(exported, 'the export has the narrow card');
  await axeScan(page, 'a board with narrow and wide cards');
});
