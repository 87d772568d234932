// End-to-end: presenting and following, importing JSON and CSV sheets through the UI (and a bad file
// that changes nothing), forking a snapshot into an independent board, and exporting and restoring
// from the read-only snapshot page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, axeScan, downloadText, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

const connected = (page) => waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));

/** Creates a quick board from the landing page; returns its links from the share dialog (edit, view, admin). */
async function createBoard(page, name) {
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', name);
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  const [edit, view] = await page.locator('#k-share-dialog .k-copy-input').evaluateAll((inputs) => inputs.map((i) => i.value));
  await page.click('#k-share-close');
  await page.waitForSelector('#k-canvas');
  await connected(page);
  return { edit, view, boardId: new URL(page.url()).pathname.split('/')[2] };
}

/** Opens a board link as a newcomer: the name is asked once. */
/** Opens a link; the name is asked only of someone who can edit (a viewer is never present, so never asked). */
async function openAs(page, link, name) {
  await page.goto(link);
  const asked = await Promise.race([
    page.waitForSelector('#k-ask-name').then(() => true),
    page.waitForSelector('#k-canvas').then(() => false),
  ]);
  if (asked) {
    await page.fill('#k-ask-name', name);
    await page.keyboard.press('Enter');
  }
  await page.waitForSelector('#k-canvas');
  await connected(page);
}

const actorNames = (page) => page.evaluate(() => [...window.kartta.model.actors.values()].map((a) => a.name).sort());
const hasActors = (page, names) => waitFor(page, (want) => {
  const have = [...window.kartta.model.actors.values()].map((a) => a.name).sort().join('|');
  return have === [...want].sort().join('|');
}, names, 15_000);

/** Adds actors (and relations between them by name) through the model, as the test's setup. */
function draw(page, actors, relations = []) {
  return page.evaluate(([list, links]) => {
    const m = window.kartta.model;
    const ids = {};
    m.batch(() => {
      list.forEach((name, i) => (ids[name] = m.addActor({ name, kind: 'association', x: (i % 3) * 240 - 240, y: Math.floor(i / 3) * 140 })));
      for (const [from, to] of links) m.addRelation(ids[from], ids[to]);
    });
  }, [actors, relations]);
}

const view = (page) => page.evaluate(() => {
  const v = window.kartta.viewport;
  const c = v.center();
  return { x: c.x, y: c.y, zoom: v.zoom };
});

/** Drags the board with the hand tool by (dx, dy) screen pixels. */
async function pan(page, dx, dy) {
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('h');
  const box = await page.locator('#k-canvas').boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 4 });
  await page.mouse.move(x + dx, y + dy, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.press('v');
}

function sameView(page, target) {
  return waitFor(page, (want) => {
    const v = window.kartta.viewport;
    const c = v.center();
    return Math.abs(c.x - want.x) < 2 && Math.abs(c.y - want.y) < 2 && Math.abs(v.zoom - want.zoom) < 0.002;
  }, target);
}

test('a facilitator presents: followers see their view move; panning by hand stops following', { timeout: 120_000 }, async () => {
  const { page: f } = await person('Fanni');
  const links = await createBoard(f, 'Fanni');
  await draw(f, ['Kaupunki', 'Yliopisto', 'Kyläyhdistys', 'Rahasto', 'Seurakunta'], [['Kaupunki', 'Yliopisto']]);
  const { page: p } = await person('Pekka');
  await openAs(p, links.edit, 'Pekka');
  const { page: v } = await person('Ville');
  await openAs(v, links.view, 'Ville');
  assert.equal(await v.evaluate(() => window.kartta.role), 'viewer');

  // Fanni presents. A participant is offered to follow; a viewer follows at once.
  await f.click('#k-present');
  assert.equal(await f.getAttribute('#k-present', 'aria-pressed'), 'true');
  await f.waitForSelector('#k-present-stop');
  await p.waitForSelector('#k-follow-start');
  assert.match(await p.textContent('#k-follow'), /Fanni is presenting/);
  await v.waitForSelector('#k-follow-stop');
  await axeScan(p, 'board with a follow offer');
  await p.click('#k-follow-start');
  await p.waitForSelector('#k-follow-stop');
  assert.match(await p.textContent('#k-follow'), /Following Fanni/);
  await sameView(p, await view(f));

  // Fanni zooms in with the keyboard and pans with the hand tool: both followers' views go along.
  await f.locator('#k-canvas').focus();
  await f.keyboard.press('+');
  await f.keyboard.press('+');
  await pan(f, -220, 90);
  const moved = await view(f);
  await sameView(p, moved);
  await sameView(v, moved);
  await p.screenshot({ path: `${ARTIFACTS}/e2e-following.png` });

  // Pekka pans by hand: he stops following and is offered to follow again; Fanni's moves no longer reach him.
  await pan(p, 150, 0);
  await p.waitForSelector('#k-follow-start');
  const own = await view(p);
  await f.locator('#k-canvas').focus();
  await f.keyboard.press('-');
  const movedAgain = await view(f);
  await sameView(v, movedAgain);
  assert.deepEqual(await view(p), own, 'a follower who panned away stays where he is');

  // Fanni stops presenting: the follow bars go away.
  await f.click('#k-present-stop');
  await waitFor(p, () => document.querySelector('#k-follow').hidden);
  await waitFor(v, () => document.querySelector('#k-follow').hidden);
  assert.equal(await f.getAttribute('#k-present', 'aria-pressed'), 'false');
});

/** Chooses a file for the board's import through the export menu's Import button. */
async function importFile(page, name, mimeType, text) {
  await page.click('#k-export-menu summary');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#k-import')]);
  await chooser.setFiles({ name, mimeType, buffer: Buffer.from(text, 'utf8') });
}

const noticeText = async (page, pattern) => {
  await waitFor(page, (source) => new RegExp(source).test(document.querySelector('#k-notice')?.textContent ?? ''), pattern.source, 15_000);
  return page.textContent('#k-notice');
};

test('import: a Kartta JSON export and CSV sheets through the UI; a malformed file says where and changes nothing', { timeout: 120_000 }, async () => {
  // A JSON export of one board…
  const { page: a } = await person('Aino');
  await createBoard(a, 'Aino');
  await draw(a, ['Kunta', 'Oppilaitos', 'Yritys'], [['Kunta', 'Oppilaitos'], ['Oppilaitos', 'Yritys']]);
  await a.click('#k-export-menu summary');
  const [download] = await Promise.all([a.waitForEvent('download'), a.click('[data-export="export.json"]')]);
  const json = await downloadText(download);
  assert.equal(JSON.parse(json).actors.length, 3);

  // …imported into another board through its Import button.
  await createBoard(a, 'Aino');
  await importFile(a, 'kartta.json', 'application/json', json);
  assert.match(await noticeText(a, /Imported/), /Imported 3 actors, 2 relations/);
  assert.equal(await a.getAttribute('#k-notice', 'role'), 'status');
  await hasActors(a, ['Kunta', 'Oppilaitos', 'Yritys']);
  await waitFor(a, () => window.kartta.model.liveRelations().length === 2);

  // An actor sheet and a relation sheet (Kumu's shape: Label/Type, From/To), one after the other.
  await importFile(a, 'actors.csv', 'text/csv', 'Label,Type,Influence,Stance\nKela,state_agency,4,supports\n"Seurakunta, Oulu",association,,neutral\n');
  assert.match(await noticeText(a, /Imported 2 actors/), /Imported 2 actors, 0 relations/);
  await hasActors(a, ['Kela', 'Kunta', 'Oppilaitos', 'Seurakunta, Oulu', 'Yritys']);
  const kela = await a.evaluate(() => [...window.kartta.model.actors.values()].find((x) => x.name === 'Kela'));
  assert.equal(kela.kind, 'state_agency');
  assert.equal(kela.influence, 4);
  await importFile(a, 'relations.csv', 'text/csv', 'From;To;Type\nKela;Seurakunta, Oulu;funding\n');
  assert.match(await noticeText(a, /Imported 0 actors, 1 relations/), /1 relations/);
  await waitFor(a, () => window.kartta.model.liveRelations().some((r) => r.kind === 'funding'));

  // Malformed files: the server's line and reason are shown as an alert and the board is unchanged.
  const before = await a.evaluate(() => ({ actors: window.kartta.model.actors.size, relations: window.kartta.model.liveRelations().length }));
  await importFile(a, 'broken.csv', 'text/csv', 'Label,Influence\nHyvä,3\nHuono,paljon\n');
  const message = await noticeText(a, /Import failed/);
  assert.match(message, /Line 3/);
  assert.match(message, /Influence "paljon" is not a number/);
  assert.equal(await a.getAttribute('#k-notice', 'role'), 'alert');
  await a.screenshot({ path: `${ARTIFACTS}/e2e-import-error.png` });
  await axeScan(a, 'board with an import error');
  await importFile(a, 'relations.csv', 'text/csv', 'From,To\nKela,Nobody\n');
  assert.match(await noticeText(a, /Import failed.*Line 2/), /no actor on the board is called "Nobody"/);
  await importFile(a, 'broken.json', 'application/json', '{"actors": [{"name": 5}]}');
  assert.match(await noticeText(a, /Import failed.*line/i), /line \d+/i);
  await a.waitForTimeout(500);
  const after = await a.evaluate(() => ({ actors: window.kartta.model.actors.size, relations: window.kartta.model.liveRelations().length }));
  assert.deepEqual(after, before, 'a refused import changed nothing');
  assert.equal(await a.evaluate(() => [...window.kartta.model.actors.values()].some((x) => x.name === 'Hyvä')), false, 'not even the good rows before the bad one');
  await a.click('#k-notice button');
  assert.equal(await a.locator('#k-notice').count(), 0);
});

test('snapshots: export and restore from the read-only page, and a fork that is independent of its source', { timeout: 150_000 }, async () => {
  const { page: s, context } = await person('Saara');
  const { boardId } = await createBoard(s, 'Saara');
  await draw(s, ['Maakunta', 'Kirjasto'], [['Maakunta', 'Kirjasto']]);
  await s.click('#k-tab-snapshots');
  await s.fill('#k-snapshot-name', 'Aamupäivä');
  await s.click('#k-snapshot-take');
  await s.waitForSelector('.k-snapshot');
  const snapshotId = await s.getAttribute('.k-snapshot', 'data-snapshot');
  await draw(s, ['Iltapäivän toimija']);
  await hasActors(s, ['Iltapäivän toimija', 'Kirjasto', 'Maakunta']);
  await s.evaluate(() => {
    const m = window.kartta.model;
    const actor = [...m.actors.values()].find((v) => v.name === 'Maakunta');
    m.moveElements([{ id: actor.id, x: actor.x + 200, y: actor.y + 120 }]);
  });

  // The read-only snapshot page exports the snapshot itself, not the live board.
  await s.click(`[data-open="${snapshotId}"]`);
  await s.waitForSelector('.k-banner-snapshot');
  await hasActors(s, ['Kirjasto', 'Maakunta']);
  assert.match(await s.textContent('#k-banner'), /Aamupäivä/);
  // Then and now: the snapshot page lists what changed on the board since, and outlines it.
  await s.click('#k-snapshot-compare');
  await s.waitForSelector('#k-compare-list');
  const compared = await s.textContent('#k-compare-list');
  assert.match(compared, /Actors added \(1\): Iltapäivän toimija/);
  assert.match(compared, /Actors moved: 1/);
  assert.doesNotMatch(compared, /removed/);
  assert.equal(await s.getAttribute('#k-snapshot-compare', 'aria-pressed'), 'true');
  await waitFor(s, () => document.querySelector('.k-layer-overlay rect[stroke="#b45309"]') !== null);
  await s.screenshot({ path: `${ARTIFACTS}/e2e-snapshot-compare.png` });
  await axeScan(s, 'snapshot compared with the board now');
  await s.click('#k-snapshot-compare');
  await waitFor(s, () => document.querySelector('#k-compare').hidden && !document.querySelector('.k-layer-overlay rect[stroke="#b45309"]'));
  await s.click('#k-export-menu summary');
  assert.match(await s.textContent('#k-export-menu'), /This snapshot/);
  assert.match(await s.getAttribute('[data-export="export.json"]', 'href'), new RegExp(`/api/snapshots/${snapshotId}/export\\.json`));
  await s.screenshot({ path: `${ARTIFACTS}/e2e-snapshot-page.png` });
  await axeScan(s, 'snapshot page with its export menu');
  const [jsonDownload] = await Promise.all([s.waitForEvent('download'), s.click('[data-export="export.json"]')]);
  assert.deepEqual(JSON.parse(await downloadText(jsonDownload)).actors.map((a) => a.name).sort(), ['Kirjasto', 'Maakunta']);
  await s.click('#k-export-menu summary');
  const [csvDownload] = await Promise.all([s.waitForEvent('download'), s.click('[data-export="actors.csv"]')]);
  const csv = await downloadText(csvDownload);
  assert.match(csv, /^\uFEFF?Label,Type/);
  assert.ok(csv.includes('Maakunta') && !csv.includes('Iltapäivän'), 'the CSV is the snapshot');
  const [svgDownload] = await Promise.all([s.waitForEvent('download'), s.click('#k-export-menu summary').then(() => s.click('[data-export="export.svg"]'))]);
  assert.ok((await downloadText(svgDownload)).includes('Kirjasto'));

  // Fork from the snapshot page: a new board opens with the snapshot's content.
  await s.click('#k-snapshot-fork');
  await waitFor(s, (source) => /^\/b\/[^/]+$/.test(location.pathname) && !location.pathname.endsWith(source), boardId);
  const forkId = new URL(s.url()).pathname.split('/')[2];
  assert.notEqual(forkId, boardId);
  await s.waitForSelector('#k-canvas');
  await connected(s);
  await hasActors(s, ['Kirjasto', 'Maakunta']);
  assert.match(await noticeText(s, /copied from the snapshot/), /do not touch the original/);
  assert.equal(await s.evaluate(() => window.kartta.model.liveRelations().length), 1);

  // The fork and its source change independently of each other.
  await draw(s, ['Vain kopiossa']);
  const source = await context.newPage();
  await source.goto(`${server.origin}/b/${boardId}`);
  await source.waitForSelector('#k-canvas');
  await connected(source);
  await hasActors(source, ['Iltapäivän toimija', 'Kirjasto', 'Maakunta']);
  await draw(source, ['Vain lähteessä']);
  await hasActors(source, ['Iltapäivän toimija', 'Kirjasto', 'Maakunta', 'Vain lähteessä']);
  await s.waitForTimeout(700);
  assert.deepEqual(await actorNames(s), ['Kirjasto', 'Maakunta', 'Vain kopiossa'], 'the source\'s edit did not reach the fork');
  await s.reload();
  await s.waitForSelector('#k-canvas');
  await connected(s);
  await hasActors(s, ['Kirjasto', 'Maakunta', 'Vain kopiossa']);
  assert.equal(await s.locator('#k-notice').count(), 0, 'the fork notice is shown once, not after a reload');
  await source.close();

  // Restore from the snapshot page: asks first, then the live board shows the snapshot again.
  await s.goto(`${server.origin}/b/${boardId}/s/${snapshotId}`);
  await s.waitForSelector('#k-snapshot-restore');
  await s.click('#k-snapshot-restore');
  await s.waitForSelector('#k-confirm-text');
  assert.match(await s.textContent('#k-confirm-text'), /saved as a snapshot first/);
  await s.click('#k-confirm-ok');
  await waitFor(s, (id) => location.pathname === `/b/${id}`, boardId);
  await s.waitForSelector('#k-canvas');
  await hasActors(s, ['Kirjasto', 'Maakunta']);
  assert.match(await noticeText(s, /Restored/), /Restored “Aamupäivä”/);
  await s.click('#k-tab-snapshots');
  await waitFor(s, () => document.querySelectorAll('.k-snapshot').length === 2);
  assert.match(await s.textContent('.k-snapshot-list'), /Saved before a restore/);
});
