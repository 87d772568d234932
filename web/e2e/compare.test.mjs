// End-to-end: two group maps side by side (what only one group drew, what both drew differently,
// including the ring an actor sits in), views that move together, and the live wall for the plenary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

/** With KARTTA_GUIDE_SHOTS=1 the screenshots also refresh the workshop guide's (as guide.test.mjs does). */
const GUIDE_SHOTS = process.env.KARTTA_GUIDE_SHOTS === '1' ? resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots') : null;

async function shoot(page, artifact, guideName) {
  await page.screenshot({ path: `${ARTIFACTS}/${artifact}` });
  if (GUIDE_SHOTS) await page.screenshot({ path: `${GUIDE_SHOTS}/${guideName}` });
}

async function api(method, path, token, body) {
  const response = await fetch(`${server.serverOrigin}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Drags the left map from its middle by (dx, dy) screen pixels. */
async function dragLeftMap(page, dx, dy, steps) {
  const box = await page.locator('#k-cmp-left').boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps });
  await page.mouse.up();
}

const actor = (id, name, kind, x, y) => ({ id, name, kind, x, y, description: '', tags: [], alias: '', influence: null, stance: null, isPerson: false });
const relation = (id, from, to, kind) => ({ id, from, to, kind, label: '', direction: 'none', strength: 'normal', coordination: null, status: 'existing' });

/** Puts actors and relations on a board through the import API (what a group would have drawn). */
async function seed(boardId, token, actors, relations) {
  const meta = { title: '', template: 'rings', locale: null, locked: false, timerEndsAt: null, presenting: null };
  await api('POST', `/api/boards/${boardId}/import`, token, { format: 'kartta-board', version: 1, meta, actors, relations, notes: [], strokes: [] });
}

async function workshopWithGroups(groupCount) {
  const created = await api('POST', '/api/workshops', null, { title: 'Forum day', locale: 'en', template: 'rings', groupCount, personalBoards: [] });
  return { workshop: created.workshop, token: created.tokens.facilitator };
}

test('two group maps compared side by side: the list, centring on both sides, panning together', { timeout: 150_000 }, async () => {
  const { workshop, token } = await workshopWithGroups(2);
  const [one, two] = workshop.boards;
  // Turku sits in the core on group 1's map and in the wider network on group 2's.
  await seed(one.id, token, [
    actor('a1', 'Turku', 'municipality', 0, 100),
    actor('a2', 'Varsinais-Suomen liitto', 'regional_authority', 450, 0),
    actor('a3', 'ELY-keskus', 'state_agency', -450, 0),
  ], [relation('r1', 'a1', 'a2', 'collaboration'), relation('r2', 'a1', 'a3', 'information')]);
  await seed(two.id, token, [
    actor('b1', 'Turku', 'municipality', 0, 800),
    actor('b2', 'Varsinais-Suomen liitto', 'regional_authority', 450, 0),
    actor('b3', 'Yrittäjät', 'business', -450, 0),
  ], [relation('s1', 'b1', 'b2', 'funding'), relation('s2', 'b2', 'b3', 'collaboration')]);

  const { page } = await person('Fasilitaattori');
  await page.goto(`${server.origin}/w/${workshop.id}#t=${token}`);
  // From the facilitator page: group 1 on the left, group 2 on the right (the defaults).
  await page.waitForSelector('#k-compare-open');
  await page.selectOption('#k-compare-left', `b:${one.id}`);
  await page.selectOption('#k-compare-right', `b:${two.id}`);
  await page.click('#k-compare-open');
  await page.waitForSelector('.k-cmp-item');
  assert.match(new URL(page.url()).pathname, /\/w\/.+\/compare$/);

  const itemsIn = (type, category) => page.locator(`section[aria-labelledby="k-cmp-${type}"] .k-cmp-${category} .k-cmp-label`).allTextContents();
  assert.deepEqual(await itemsIn('actors', 'onlyLeft'), ['ELY-keskus']);
  assert.deepEqual(await itemsIn('actors', 'onlyRight'), ['Yrittäjät']);
  assert.deepEqual(await itemsIn('actors', 'different'), ['Turku']);
  // What is on both maps is a count until opened.
  const bothToggle = page.locator('#k-cmp-actors-both-toggle');
  assert.equal(await bothToggle.getAttribute('aria-expanded'), 'false');
  assert.match(await bothToggle.textContent(), /On both \(1\)/);
  assert.deepEqual(await itemsIn('actors', 'both'), []);
  await bothToggle.click();
  assert.equal(await bothToggle.getAttribute('aria-expanded'), 'true');
  assert.deepEqual(await itemsIn('actors', 'both'), ['Varsinais-Suomen liitto']);
  assert.deepEqual(await itemsIn('relations', 'onlyLeft'), ['Turku – ELY-keskus']);
  assert.deepEqual(await itemsIn('relations', 'onlyRight'), ['Varsinais-Suomen liitto – Yrittäjät']);
  assert.deepEqual(await itemsIn('relations', 'different'), ['Turku – Varsinais-Suomen liitto']);
  const turku = page.locator('.k-cmp-different .k-cmp-item', { hasText: 'Turku' }).first();
  assert.equal(await turku.locator('.k-cmp-diff').textContent(), `Ring: Core for ${one.title}, Wider network for ${two.title}`);
  assert.equal(await page.locator('section[aria-labelledby="k-cmp-relations"] .k-cmp-different .k-cmp-diff').textContent(),
    `Kind: Collaboration for ${one.title}, Funding for ${two.title}`);
  // Both drawings carry the marks: ELY only on the left, Yrittäjät only on the right, Turku on both.
  const marked = (side) => page.evaluate((which) => {
    const { model } = window.karttaCompare[which];
    const nameOf = (id) => model.actors.get(id)?.name ?? id;
    return [...document.querySelectorAll(`#k-cmp-${which} .k-cmp-mark`)].map((n) => n.getAttribute('data-id'))
      .map((id) => (model.relations.has(id) ? `${nameOf(model.relations.get(id).from)} – ${nameOf(model.relations.get(id).to)}` : nameOf(id))).sort();
  }, side);
  assert.deepEqual(await marked('left'), ['ELY-keskus', 'Turku', 'Turku – ELY-keskus', 'Turku – Varsinais-Suomen liitto']);
  assert.deepEqual(await marked('right'), ['Turku', 'Turku – Varsinais-Suomen liitto', 'Varsinais-Suomen liitto – Yrittäjät', 'Yrittäjät']);

  // Fitted to both maps, every card's one-line name is whole and inside its drawing: the fit keeps
  // room on the right for the names, which run as far as the map leaves space.
  const farNames = await page.evaluate(() => ['left', 'right'].flatMap((side) => {
    const pane = document.getElementById(`k-cmp-${side}`).getBoundingClientRect();
    return [...document.querySelectorAll(`#k-cmp-${side} .k-far-name`)].map((n) => {
      const r = n.getBoundingClientRect();
      return { text: n.textContent, inside: r.left >= pane.left - 0.5 && r.right <= pane.right + 0.5 };
    });
  }));
  assert.deepEqual(farNames.map((n) => n.text).sort(),
    ['ELY-keskus', 'Turku', 'Turku', 'Varsinais-Suomen liitto', 'Varsinais-Suomen liitto', 'Yrittäjät']);
  assert.deepEqual(farNames.filter((n) => !n.inside), [], 'no name is cut by the edge of its drawing');
  await shoot(page, 'compare-1280x800.png', '07-compare.png');
  await axeScan(page, 'compare page');

  // Choosing Turku (by keyboard) centres each side on its own Turku and highlights it.
  await turku.focus();
  await page.keyboard.press('Enter');
  await waitFor(page, () => document.querySelector('#k-cmp-left .k-cmp-focus') && document.querySelector('#k-cmp-right .k-cmp-focus'));
  const centres = () => page.evaluate(() => {
    const { left, right } = window.karttaCompare;
    return { left: left.viewport.center(), right: right.viewport.center(), zooms: [left.viewport.zoom, right.viewport.zoom] };
  });
  const focused = await centres();
  // As close as a board opens on a laptop (75 %), where the card's own name is 10.5 px: whole, on its lines.
  assert.ok(focused.zooms[0] >= 0.75 && focused.zooms[1] === focused.zooms[0], JSON.stringify(focused));
  assert.ok(Math.hypot(focused.left.x - 0, focused.left.y - 100) < 1, JSON.stringify(focused));
  assert.ok(Math.hypot(focused.right.x - 0, focused.right.y - 800) < 1, JSON.stringify(focused));
  assert.equal(await turku.getAttribute('aria-pressed'), 'true');

  // Dragging the left map moves the right one by as much (same zoom, same distance in board units).
  await dragLeftMap(page, -120, -60, 6);
  const panned = await centres();
  const zoom = panned.zooms[0];
  assert.equal(panned.zooms[1], zoom);
  assert.ok(Math.abs(panned.left.x - focused.left.x - 120 / zoom) < 1, JSON.stringify(panned));
  assert.ok(Math.abs(panned.right.x - focused.right.x - 120 / zoom) < 1, JSON.stringify(panned));
  assert.ok(Math.abs(panned.right.y - focused.right.y - 60 / zoom) < 1, JSON.stringify(panned));

  // Zooming the right map with the keyboard zooms the left one too.
  await page.focus('#k-cmp-right');
  await page.keyboard.press('+');
  await waitFor(page, (z) => window.karttaCompare.left.viewport.zoom > z * 1.2, zoom);

  // In Finnish and Swedish, on a laptop and on a phone: the list speaks the reader's language.
  const differs = { fi: 'Vain', sv: 'Bara' };
  for (const lang of ['fi', 'sv']) {
    await page.evaluate((l) => localStorage.setItem('kartta.locale', l), lang);
    for (const [label, viewport] of [['1280x800', { width: 1280, height: 800 }], ['390x844', { width: 390, height: 844 }]]) {
      await page.setViewportSize(viewport);
      await page.reload();
      await page.waitForSelector('.k-cmp-item');
      await waitFor(page, (l) => document.documentElement.lang === l, lang);
      assert.match(await page.locator('.k-cmp-toggle').first().textContent(), new RegExp(differs[lang]));
      for (const control of ['#k-cmp-back', '.k-header select']) {
        const box = await page.locator(control).boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `${lang} ${label}: ${control} ends at ${box.x + box.width}`);
      }
      if (viewport.width > 760) {
        // A laptop: both drawings side by side, each at least a third of the width, and no switch.
        assert.equal(await page.locator('.k-cmp-switch').isVisible(), false);
        for (const pane of ['#k-cmp-left', '#k-cmp-right']) {
          const box = await page.locator(pane).boundingBox();
          assert.ok(await page.locator(pane).isVisible(), `${lang} ${label}: ${pane} shown`);
          assert.ok(box.width >= viewport.width / 3 - 2 && box.height >= 200, `${lang} ${label}: ${pane} is ${box.width}×${box.height}`);
        }
        await page.screenshot({ path: `${ARTIFACTS}/e2e-compare-${lang}-${label}.png` });
        continue;
      }
      await phoneSwitch(page, lang, label, viewport, one.title, two.title);
    }
    await axeScan(page, `compare page in ${lang}`);
  }
  await page.evaluate(() => localStorage.setItem('kartta.locale', 'en'));
});

/**
 * On a phone one drawing shows at a time, full width, with a switch named after the two maps: it
 * works by touch and keyboard, the views still move together, and a list item of the other map
 * brings that map up, centred on the item.
 */
async function phoneSwitch(page, lang, label, viewport, leftTitle, rightTitle) {
  const shows = async (side) => {
    const other = side === 'left' ? 'right' : 'left';
    assert.equal(await page.getAttribute(`#k-cmp-show-${side}`, 'aria-pressed'), 'true', `${lang} ${label}: ${side} pressed`);
    assert.equal(await page.getAttribute(`#k-cmp-show-${other}`, 'aria-pressed'), 'false', `${lang} ${label}: ${other} not pressed`);
    assert.ok(await page.locator(`#k-cmp-${side}`).isVisible(), `${lang} ${label}: ${side} drawing shown`);
    assert.equal(await page.locator(`#k-cmp-${other}`).isVisible(), false, `${lang} ${label}: ${other} drawing hidden`);
    const box = await page.locator(`#k-cmp-${side}`).boundingBox();
    assert.ok(box.width >= viewport.width - 2 && box.height >= 300, `${lang} ${label}: ${side} drawing is ${box.width}×${box.height}`);
  };
  // The switch names the maps; the left one shows first.
  assert.equal(await page.locator('.k-cmp-switch').getAttribute('role'), 'group');
  assert.match(await page.textContent('#k-cmp-show-left'), new RegExp(leftTitle));
  assert.match(await page.textContent('#k-cmp-show-right'), new RegExp(rightTitle));
  await shows('left');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-compare-${lang}-${label}.png` });
  await axeScan(page, `compare page on a phone in ${lang}, left map`);

  // A tap shows the right map; the keyboard brings the left one back.
  await page.click('#k-cmp-show-right');
  await shows('right');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-compare-${lang}-${label}-right.png` });
  await axeScan(page, `compare page on a phone in ${lang}, right map`);
  await page.focus('#k-cmp-show-left');
  await page.keyboard.press('Space');
  await shows('left');

  // Dragging the shown map moves the hidden one by as much.
  const centres = () => page.evaluate(() => {
    const { left, right } = window.karttaCompare;
    return { left: left.viewport.center(), right: right.viewport.center(), zoom: left.viewport.zoom };
  });
  const before = await centres();
  await dragLeftMap(page, -80, -40, 5);
  const after = await centres();
  assert.ok(Math.abs(after.left.x - before.left.x - 80 / before.zoom) < 1, JSON.stringify({ before, after }));
  assert.ok(Math.abs(after.right.x - before.right.x - 80 / before.zoom) < 1, JSON.stringify({ before, after }));

  // Yrittäjät is only on the right map: choosing it in the list shows that map, centred on it.
  await page.locator('.k-cmp-onlyRight .k-cmp-item', { hasText: 'Yrittäjät' }).first().click();
  await waitFor(page, () => document.querySelector('#k-cmp-right .k-cmp-focus'));
  await shows('right');
  const onRight = await centres();
  assert.ok(Math.hypot(onRight.right.x + 450, onRight.right.y) < 1, JSON.stringify(onRight));
  // As close as a board opens on a phone (85 %): the chosen card's name is 12 px on screen.
  assert.ok(onRight.zoom >= 0.85, JSON.stringify(onRight));
  // The picture once the drawing is laid out for the new zoom (until then it is the old one, scaled).
  await waitFor(page, () => {
    const drawnAt = /matrix\(([^ ]+)/.exec(document.querySelector('#k-cmp-right .k-world')?.getAttribute('transform') ?? '');
    return drawnAt !== null && Math.abs(Number(drawnAt[1]) - window.karttaCompare.right.viewport.zoom) < 1e-9;
  });
  await page.screenshot({ path: `${ARTIFACTS}/e2e-compare-${lang}-${label}-item.png` });
  // ELY-keskus is only on the left one: back to the left map, centred there.
  await page.locator('.k-cmp-onlyLeft .k-cmp-item', { hasText: 'ELY-keskus' }).first().click();
  await waitFor(page, () => document.querySelector('#k-cmp-left .k-cmp-focus'));
  await shows('left');
  const onLeft = await centres();
  assert.ok(Math.hypot(onLeft.left.x + 450, onLeft.left.y) < 1, JSON.stringify(onLeft));
}

test('a board compared with its own snapshot pairs elements by identity', { timeout: 120_000 }, async () => {
  const { workshop, token } = await workshopWithGroups(1);
  const [board] = workshop.boards;
  await seed(board.id, token, [actor('a1', 'Turku', 'municipality', 0, 100), actor('a2', 'Kaarina', 'municipality', 200, 0)], []);
  const snapshot = await api('POST', `/api/boards/${board.id}/snapshots`, token, { name: 'End of day 1' });
  await seed(board.id, token, [actor('a3', 'Turun yliopisto', 'education_research', 0, -500)], []);
  const { page } = await person('Outi');
  await page.goto(`${server.origin}/w/${workshop.id}/compare?left=s:${snapshot.id}&right=b:${board.id}#t=${token}`);
  await page.waitForSelector('.k-cmp-item');
  assert.equal(await page.textContent('#k-cmp-left-title'), `${board.title} – End of day 1`);
  assert.match(await page.textContent('#k-cmp-note'), /same board|one board/);
  const itemsIn = (category) => page.locator(`section[aria-labelledby="k-cmp-actors"] .k-cmp-${category} .k-cmp-label`).allTextContents();
  assert.deepEqual(await itemsIn('onlyRight'), ['Turun yliopisto']);
  await page.click('#k-cmp-actors-both-toggle');
  assert.deepEqual((await itemsIn('both')).sort(), ['Kaarina', 'Turku']);
});

test('a comparison drawn from the boards\' stored states then follows them live', { timeout: 120_000 }, async () => {
  const { workshop, token } = await workshopWithGroups(2);
  const [one, two] = workshop.boards;
  await seed(one.id, token, [actor('a1', 'Turku', 'municipality', 0, 100)], []);
  await seed(two.id, token, [actor('b1', 'Turku', 'municipality', 0, 100)], []);
  const { page } = await person('Outi');
  await page.goto(`${server.origin}/w/${workshop.id}/compare?left=b:${one.id}&right=b:${two.id}#t=${token}`);
  await waitFor(page, () => document.getElementById('app')?.dataset.compared === 'ready');
  // Both boards came over HTTP, one request per board for the plain view drawn first and one for
  // the stored state decoded once they were on screen.
  const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('/state') || p.endsWith('/view')));
  assert.deepEqual(fetched.sort(), [`/api/boards/${one.id}/state`, `/api/boards/${one.id}/view`, `/api/boards/${two.id}/state`, `/api/boards/${two.id}/view`].sort());
  // The panes' documents hold the boards' states after the first drawing.
  await waitFor(page, () => window.karttaCompare.left.model.doc.getMap('actors').size === 1 && window.karttaCompare.right.model.doc.getMap('actors').size === 1);
  // Then the panes connect: what a group draws now reaches the list and the drawing.
  await seed(two.id, token, [actor('b2', 'Kaarina', 'municipality', 300, 0)], []);
  await waitFor(page, () => [...document.querySelectorAll('section[aria-labelledby="k-cmp-actors"] .k-cmp-onlyRight .k-cmp-label')].some((n) => n.textContent === 'Kaarina'));
  assert.ok(await page.evaluate(() => [...window.karttaCompare.right.model.actors.values()].some((a) => a.name === 'Kaarina')));
});

test('a first look from a link asks for the match table with the maps; a participant\'s look pairs by id', { timeout: 120_000 }, async () => {
  const created = await api('POST', '/api/workshops', null, { title: 'Forum day', locale: 'en', template: 'rings', groupCount: 2, personalBoards: [] });
  const [one, two] = created.workshop.boards;
  const token = created.tokens.facilitator;
  await seed(one.id, token, [actor('a1', 'Turku', 'municipality', 0, 100), actor('a2', 'Kaarina', 'municipality', 300, 0)], []);
  await seed(two.id, token, [actor('b1', 'Turku', 'municipality', 0, 100)], []);
  const comparison = `${server.origin}/w/${created.workshop.id}/compare?left=b:${one.id}&right=b:${two.id}`;
  const requestStarts = (page) => page.evaluate(() => Object.fromEntries(performance.getEntriesByType('resource')
    .map((e) => [new URL(e.name).pathname, e.startTime])));

  // A device that keeps no token of the workshop: the table is asked for before the workshop
  // answers who the token is (it used to wait for that answer, and the first look with it).
  const facilitator = await person('Fasilitaattori');
  await facilitator.page.goto(`${comparison}#t=${token}`);
  await waitFor(facilitator.page, () => document.getElementById('app')?.dataset.compared === 'ready');
  const started = await requestStarts(facilitator.page);
  const propose = started[`/api/workshops/${created.workshop.id}/matches/propose`];
  const workshop = started[`/api/workshops/${created.workshop.id}`];
  assert.ok(propose !== undefined && workshop !== undefined, JSON.stringify(started));
  assert.ok(propose < workshop, `the match table (${propose} ms) is asked for before the workshop (${workshop} ms)`);
  assert.match(await facilitator.page.textContent('#k-cmp-note'), /paired by the workshop’s matches/);
  const both = (page) => page.locator('section[aria-labelledby="k-cmp-actors"] .k-cmp-both .k-cmp-label').allTextContents();
  await facilitator.page.click('#k-cmp-actors-both-toggle');
  assert.deepEqual(await both(facilitator.page), ['Turku']);

  // A participant's link: the early request is refused, and the page pairs what shares an origin
  // (nothing here) and says so, as before.
  const participant = await person('Osallistuja');
  await participant.page.goto(`${comparison}#t=${created.tokens.participant}`);
  await waitFor(participant.page, () => document.getElementById('app')?.dataset.compared === 'ready');
  assert.match(await participant.page.textContent('#k-cmp-note'), /Only the facilitator can pair actors by name/);
  assert.deepEqual((await participant.page.locator('section[aria-labelledby="k-cmp-actors"] .k-cmp-onlyLeft .k-cmp-label').allTextContents()).sort(), ['Kaarina', 'Turku']);
  await axeScan(participant.page, 'compare as a participant');
});

test('a long list of differences shows a page at a time, and more on request by keyboard', { timeout: 120_000 }, async () => {
  const { workshop, token } = await workshopWithGroups(2);
  const [one, two] = workshop.boards;
  const many = Array.from({ length: 120 }, (_, i) => actor(`m${i}`, `Yhdistys ${String(i).padStart(3, '0')}`, 'association', (i % 12) * 260 - 1500, Math.floor(i / 12) * 160 - 800));
  await seed(one.id, token, many, []);
  await seed(two.id, token, [actor('k1', 'Kaarina', 'municipality', 0, 0)], []);
  const { page } = await person('Fasilitaattori');
  await page.goto(`${server.origin}/w/${workshop.id}/compare?left=b:${one.id}&right=b:${two.id}#t=${token}`);
  await waitFor(page, () => document.getElementById('app')?.dataset.compared === 'ready', undefined, 30_000);
  const onlyLeft = page.locator('section[aria-labelledby="k-cmp-actors"] .k-cmp-onlyLeft .k-cmp-item');
  assert.match(await page.textContent('#k-cmp-actors-onlyLeft-toggle'), /\(120\)/, 'the heading counts them all');
  assert.equal(await onlyLeft.count(), 50);
  assert.equal(await page.textContent('#k-cmp-actors-onlyLeft-more'), 'Show 50 more (70 not shown)');
  await page.focus('#k-cmp-actors-onlyLeft-more');
  await page.keyboard.press('Enter');
  await waitFor(page, () => document.querySelectorAll('section[aria-labelledby="k-cmp-actors"] .k-cmp-onlyLeft .k-cmp-item').length === 100);
  // Focus lands on the first item just shown, so a keyboard or screen-reader user reads on from there.
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Yhdistys 050');
  await page.click('#k-cmp-actors-onlyLeft-more');
  await waitFor(page, () => document.querySelectorAll('section[aria-labelledby="k-cmp-actors"] .k-cmp-onlyLeft .k-cmp-item').length === 120);
  assert.equal(await page.locator('#k-cmp-actors-onlyLeft-more').count(), 0);
  // Closing a category keeps its count in the heading and drops its buttons.
  await page.click('#k-cmp-actors-onlyLeft-toggle');
  assert.equal(await onlyLeft.count(), 0);
  assert.equal(await page.getAttribute('#k-cmp-actors-onlyLeft-toggle', 'aria-expanded'), 'false');
  await axeScan(page, 'compare page with a long list');
});

test('many differences are marked one look at a time, each element with its sign', { timeout: 120_000 }, async () => {
  const { workshop, token } = await workshopWithGroups(2);
  const [one, two] = workshop.boards;
  // 320 actors only on the left: more marks than a pane draws one by one.
  const many = Array.from({ length: 320 }, (_, i) => actor(`m${i}`, `Yhdistys ${String(i).padStart(3, '0')}`, 'association', (i % 20) * 260 - 2600, Math.floor(i / 20) * 160 - 1300));
  await seed(one.id, token, many, []);
  await seed(two.id, token, [actor('k1', 'Kaarina', 'municipality', 0, 0)], []);
  const { page } = await person('Fasilitaattori');
  await page.goto(`${server.origin}/w/${workshop.id}/compare?left=b:${one.id}&right=b:${two.id}#t=${token}`);
  await waitFor(page, () => document.getElementById('app')?.dataset.compared === 'ready', undefined, 30_000);
  const badges = (which) => page.evaluate((side) => [...document.querySelectorAll(`#k-cmp-${side} .k-cmp-badges`)].map((g) => {
    const text = g.querySelector('text');
    return { signs: text.textContent, xs: text.getAttribute('x').split(' ').length, ys: text.getAttribute('y').split(' ').length, circles: (g.querySelector('path').getAttribute('d').match(/z/g) ?? []).length };
  }), which);
  // One badge group for the left's look: a circle and a sign placed for each of the 320.
  assert.deepEqual(await badges('left'), [{ signs: '←'.repeat(320), xs: 320, ys: 320, circles: 320 }]);
  assert.equal(await page.locator('#k-cmp-left .k-cmp-badge').count(), 0);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-compare-many-marks.png` });
  // Far out a pane draws its cheap overview, boxes without names (at 15 % a board's scene would draw
  // names standing out of the small cards: hundreds here); closer, the cards and their names return.
  const overviewAt = async (zoom) => {
    await page.evaluate((z) => { const v = window.karttaCompare.left.viewport; v.zoomBy(z / v.zoom); }, zoom);
    await waitFor(page, (z) => {
      const overview = document.querySelector('#k-cmp-left .k-layer-overview');
      return overview && (overview.style.display !== 'none') === (z < 0.2);
    }, zoom);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  };
  const farNames = () => page.locator('#k-cmp-left .k-far-name').count();
  await overviewAt(0.15);
  assert.equal(await farNames(), 0, 'the overview at 15 % draws no names');
  await overviewAt(0.3);
  await waitFor(page, () => document.querySelectorAll('#k-cmp-left .k-far-name').length > 0);
  await overviewAt(0.15);
  assert.equal(await farNames(), 0, 'back at 15 % the names go with the cards');
  // The chosen one is drawn on its own, with its own badge, on top of the others.
  const first = page.locator('section[aria-labelledby="k-cmp-actors"] .k-cmp-onlyLeft .k-cmp-item >> nth=0');
  const chosenName = await first.textContent();
  await first.click();
  await waitFor(page, () => document.querySelectorAll('#k-cmp-left .k-cmp-badge').length === 1);
  assert.deepEqual(await badges('left'), [{ signs: '←'.repeat(319), xs: 319, ys: 319, circles: 319 }]);
  const markedId = await page.getAttribute('#k-cmp-left .k-cmp-mark', 'data-id');
  assert.equal(await page.evaluate((id) => window.karttaCompare.left.model.actors.get(id)?.name, markedId), chosenName);
  await axeScan(page, 'compare page with many marks');
});

test('the wall shows three boards large and live', { timeout: 150_000 }, async () => {
  const { workshop, token } = await workshopWithGroups(3);
  for (const [i, board] of workshop.boards.entries()) {
    await seed(board.id, token, [
      actor(`w${i}a`, `Kaupunki ${i + 1}`, 'municipality', 0, 0),
      actor(`w${i}b`, 'Varsinais-Suomen elinkeino-, liikenne- ja ympäristökeskus', 'state_agency', 320, 160),
      actor(`w${i}c`, 'Turun ammattikorkeakoulu', 'education_research', -320, 160),
    ], [relation(`w${i}r`, `w${i}a`, `w${i}b`, 'collaboration')]);
  }
  const { page } = await person('Fasilitaattori', { viewport: { width: 1920, height: 1080 } });
  await page.goto(`${server.origin}/w/${workshop.id}#t=${token}`);
  await page.waitForSelector('#k-wall-open');
  // The first three boards are chosen already; the wall opens with them.
  await page.click('#k-wall-open');
  await page.waitForSelector('.k-wall-board');
  assert.deepEqual(await page.locator('.k-wall-title').allTextContents(), workshop.boards.map((b) => b.title));
  await waitFor(page, () => document.querySelectorAll('.k-wall .k-actor').length === 9);

  // Someone draws on the third board from their own browser: the wall shows it.
  const { page: other } = await person('Ryhmä 3');
  await other.addInitScript(() => localStorage.setItem('kartta.name', 'Ryhmä 3'));
  await other.goto(`${server.origin}/b/${workshop.boards[2].id}#t=${token}`);
  await waitFor(other, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  await waitFor(other, () => window.kartta.model.actors.size === 3);
  await other.evaluate(() => window.kartta.model.addActor({ name: 'Lounais-Suomen Partiolaiset', kind: 'association', x: 0, y: 360 }));
  await waitFor(page, () => [...document.querySelectorAll('.k-wall-board')[2].querySelectorAll('.k-actor')].some((n) => n.textContent.includes('Partiolaiset')));
  // The wall keeps the board fitted: the new actor is inside the third board's box.
  await waitFor(page, () => {
    const box = document.querySelectorAll('.k-wall-board .k-pane-box')[2].getBoundingClientRect();
    const node = [...document.querySelectorAll('.k-wall-board')[2].querySelectorAll('.k-actor')].find((n) => n.textContent.includes('Partiolaiset'));
    const r = node.getBoundingClientRect();
    return r.top >= box.top && r.bottom <= box.bottom && r.left >= box.left && r.right <= box.right;
  });
  // Read across a room: each card's name is at least 10.5 px on the projector, whole or, where a
  // neighbour is close, shortened. Fitted below 75 %, the cards show one-line names at 11 px (their
  // own three-line names would be 7–10.5 px).
  await waitFor(page, () => document.querySelectorAll('.k-wall .k-far-name').length === 10);
  const names = await page.evaluate(() => [...document.querySelectorAll('.k-wall .k-far-name')].map((text) => ({
    text: text.textContent,
    px: Number(text.getAttribute('font-size')) * text.getScreenCTM().a,
  })));
  for (const name of names) assert.ok(name.px >= 10.5, `${name.text} is ${name.px} px on the wall`);
  assert.ok(names.some((n) => n.text === 'Turun ammattikorkeakoulu'), JSON.stringify(names));
  await shoot(page, 'wall-1920x1080.png', '08-wall.png');
  await axeScan(page, 'wall');
});
