// End-to-end: the facilitator's day of WORKSHOP-GUIDE.fi.md and WORKSHOP-GUIDE.sv.md, in Finnish and
// in Swedish: create the workshop, show the code, watch the overview, a participant joining in one
// step, another on a personal board of her own, a dot vote and its results, "End of day 1", comparing
// two groups, merging their maps, deleting. Every view is checked to
// be in the chosen language and free of axe violations, and its screenshot is the guide's: into
// ../docs/screenshots/<lang>/ with KARTTA_GUIDE_SHOTS=1, otherwise into test-artifacts/guide-<lang>/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useServer, server, person, axeScan, waitFor, placeActor, ARTIFACTS } from './harness.mjs';

useServer();

const VIEWPORT = { width: 1200, height: 760 };

/** What each language's pages must say; the texts come from the app's own dictionaries. */
const LANGUAGES = {
  fi: {
    workshop: 'Kumppanuusfoorumi 2026', snapshot: 'Päivän 1 loppu', timeLeft: /Aikaa jäljellä/, snapshotted: /Tilannekuva ”Päivän 1 loppu” otettiin 3 taulusta/, merged: 'Foorumin kartta', participant: 'Pekka', sinceActor: 'Turun Sanomat',
    personal: { name: 'Aino', actors: ['Turun kaupunki', 'Kylätoimikunta', 'Turun yliopisto'] },
  },
  sv: {
    workshop: 'Partnerskapsforum 2026', snapshot: 'Slutet av dag 1', timeLeft: /Tid kvar/, snapshotted: /”Slutet av dag 1” för 3 tavlor/, merged: 'Forumets karta', participant: 'Petra', sinceActor: 'Åbo Underrättelser',
    personal: { name: 'Alva', actors: ['Åbo stad', 'Byalaget', 'Åbo Akademi'] },
  },
};

const actor = (id, name, kind, x, y) => ({ id, name, kind, x, y, description: '', tags: [], alias: '', influence: null, stance: null, isPerson: false });
const relation = (id, from, to, kind = 'collaboration') => ({ id, from, to, kind, label: '', direction: 'none', strength: 'normal', coordination: null, status: 'existing' });

/** Three groups' maps: Turku in three spellings, the regional council also as "VSL", two entrepreneurs' associations. */
const MAPS = [
  {
    actors: [actor('g1-t', 'Turun kaupunki', 'municipality', 0, 120), actor('g1-v', 'Varsinais-Suomen liitto', 'regional_authority', 420, -80), actor('g1-y', 'Yrittäjät', 'association', -380, 300), actor('g1-u', 'Turun yliopisto', 'education_research', 300, 420)],
    relations: [relation('g1-r', 'g1-t', 'g1-v'), relation('g1-s', 'g1-u', 'g1-t', 'information')],
  },
  {
    actors: [actor('g2-t', 'Turku', 'municipality', 0, 700), actor('g2-v', 'Varsinais-Suomen liitto', 'regional_authority', 420, -80), actor('g2-y', 'Varsinais-Suomen Yrittäjät', 'association', -420, 200)],
    relations: [relation('g2-r', 'g2-t', 'g2-v', 'funding'), relation('g2-s', 'g2-y', 'g2-v')],
  },
  {
    actors: [actor('g3-t', 'Åbo stad', 'municipality', 0, 100), actor('g3-s', 'VSL', 'regional_authority', 400, 0)],
    relations: [relation('g3-r', 'g3-t', 'g3-s')],
  },
];

/** A person whose device chose `lang` (the harness would otherwise start them in English). */
async function personIn(lang, label) {
  const c = await person(label, { viewport: VIEWPORT });
  await c.page.addInitScript((chosen) => localStorage.setItem('kartta.locale', chosen), lang);
  return c.page;
}

/** The page is in the language, and axe finds nothing on it. */
async function checkView(page, lang, label) {
  assert.equal(await page.getAttribute('html', 'lang'), lang, `${label}: the page's language`);
  await axeScan(page, `${label} (${lang})`);
}

for (const [lang, expected] of Object.entries(LANGUAGES)) {
  test(`the guide's day in ${lang}: every view in ${lang}, axe-clean, with the guide's screenshots`, { timeout: 240_000 }, async () => {
    const shots = process.env.KARTTA_GUIDE_SHOTS === '1'
      ? resolve(dirname(fileURLToPath(import.meta.url)), `../../docs/screenshots/${lang}`)
      : resolve(ARTIFACTS, `guide-${lang}`);
    mkdirSync(shots, { recursive: true });

    // 1. Create the workshop.
    const f = await personIn(lang, 'Fanni');
    await f.goto(`${server.origin}/`);
    await f.fill('#k-name', 'Fanni');
    await f.click('#k-workshop-details summary');
    await f.fill('#k-w-title', expected.workshop);
    await f.selectOption('#k-w-locale', lang);
    await f.fill('#k-w-groups', '3');
    await f.selectOption('#k-w-template', 'rings');
    await f.evaluate(() => document.querySelector('#k-workshop-details').scrollIntoView({ block: 'start' }));
    await checkView(f, lang, 'the workshop form');
    await f.screenshot({ path: `${shots}/01-create-workshop.png` });
    await f.click('#k-w-create');

    // 2. The join code for the projector.
    await f.waitForSelector('#k-join-code-display');
    const workshopUrl = f.url();
    const code = (await f.textContent('#k-join-code-display')).trim();
    await f.click('#k-show-code');
    await f.waitForSelector('#k-code-dialog[open]');
    await checkView(f, lang, 'the join code for the projector');
    await f.screenshot({ path: `${shots}/02-join-code.png` });
    await f.keyboard.press('Escape');
    await waitFor(f, () => !document.querySelector('#k-code-dialog'));

    // 3. The groups' maps (seeded through the import API), the timer, a lock; the overview.
    const boardIds = await f.locator('.k-board-card').evaluateAll((cards) => cards.map((c) => c.dataset.board));
    assert.equal(boardIds.length, 3);
    await f.evaluate(async ([ids, maps]) => {
      const token = new URL(document.querySelector('#k-export-zip').href).searchParams.get('token');
      for (const [i, id] of ids.entries()) {
        const board = { format: 'kartta-board', version: 1, meta: { title: '', template: 'rings', locale: null, locked: false, timerEndsAt: null, presenting: null }, ...maps[i], notes: [], strokes: [] };
        const response = await fetch(`/api/boards/${id}/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(board) });
        if (!response.ok) throw new Error(`import: ${response.status} ${await response.text()}`);
      }
    }, [boardIds, MAPS]);
    await f.fill('#k-timer-minutes', '20');
    await f.click('#k-timer-start');
    await f.click(`[data-lock="${boardIds[2]}"]`);
    await waitFor(f, (id) => document.querySelector(`[data-board="${id}"]`)?.classList.contains('k-locked'), boardIds[2]);
    await waitFor(f, () => [...document.querySelectorAll('img[data-thumb]')].every((img) => img.complete && img.naturalWidth > 0 && !/[?&]v=0\b/.test(img.src)), undefined, 20_000);
    await f.setViewportSize({ width: VIEWPORT.width, height: 1100 });
    await f.evaluate(() => document.querySelector('.k-workshop')?.scrollTo(0, 0));
    await checkView(f, lang, 'the workshop page');
    await f.screenshot({ path: `${shots}/03-overview.png` });
    await f.setViewportSize(VIEWPORT);

    // 4. A participant joins in one step and opens group 1's board: the timer runs there.
    const p = await personIn(lang, expected.participant);
    await p.goto(`${server.origin}/`);
    await p.fill('#k-join-code', code);
    await p.fill('#k-name', expected.participant);
    await p.click('#k-join');
    await p.waitForSelector('.k-board-card');
    await p.click(`[data-open="${boardIds[0]}"]`);
    await p.waitForSelector('#k-canvas');
    await waitFor(p, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected') && window.kartta.model.actors.size === 4);
    await waitFor(p, (pattern) => new RegExp(pattern).test(document.querySelector('#k-timer')?.textContent ?? ''), expected.timeLeft.source);
    await checkView(p, lang, 'a group board');
    await p.screenshot({ path: `${shots}/04-group-board.png` });

    // 5. "End of day 1" for every board, listed on the participant's board.
    await f.fill('#k-snapshot-all-name', expected.snapshot);
    await f.click('#k-snapshot-all');
    await waitFor(f, (pattern) => new RegExp(pattern).test(document.querySelector('#k-workshop-status').textContent), expected.snapshotted.source);
    await p.click('#k-tab-snapshots');
    await p.waitForSelector('.k-snapshot');
    assert.match(await p.textContent('.k-snapshot'), new RegExp(expected.snapshot));
    await p.click('.k-snapshot .k-inline-menu summary');
    await checkView(p, lang, 'the snapshots tab');
    await p.screenshot({ path: `${shots}/05-snapshots.png` });

    // 4b. The personal phase: with a board for everyone who joins, a participant joining now lands on a
    // board of their own and maps the region as she sees it.
    await f.check('#k-personal-at-join');
    await waitFor(f, async () => {
      const id = location.pathname.split('/')[2];
      const token = new URL(document.querySelector('#k-export-zip').href).searchParams.get('token');
      const response = await fetch(`/api/workshops/${id}`, { headers: { authorization: `Bearer ${token}` } });
      return response.ok && (await response.json()).personalBoardsAtJoin === true;
    });
    const own = await personIn(lang, expected.personal.name);
    await own.goto(`${server.origin}/`);
    await own.fill('#k-join-code', code);
    await own.fill('#k-name', expected.personal.name);
    await own.click('#k-join');
    await own.waitForSelector('#k-canvas');
    await waitFor(own, (name) => window.kartta?.model.meta.title === name && document.querySelector('#k-conn')?.classList.contains('k-conn-connected'), expected.personal.name);
    assert.equal(await own.evaluate(() => window.kartta.model.actors.size), 0, 'a new, empty board of her own');
    const [first, second, third] = expected.personal.actors;
    await placeActor(own, first, -140, -30);
    await placeActor(own, second, 150, -90);
    await placeActor(own, third, 60, 130);
    // Their kinds and two relations, set through the model (the subject here is how the board looks).
    await own.evaluate((names) => {
      const model = window.kartta.model;
      const id = (name) => [...model.actors.values()].find((a) => a.name === name).id;
      const [city, village, university] = names.map(id);
      model.updateActor(village, { kind: 'association' });
      model.updateActor(university, { kind: 'education_research' });
      model.addRelation(city, village, { kind: 'collaboration' });
      model.addRelation(university, city, { kind: 'information' });
    }, expected.personal.actors);
    await waitFor(own, () => document.querySelectorAll('.k-relation').length === 2);
    await own.click('#k-tab-outline');
    await own.evaluate(() => document.querySelector('#k-tabpanel').scrollTo(0, 0));
    await checkView(own, lang, 'a personal board');
    await own.screenshot({ path: `${shots}/09-personal-board.png` });

    // 4c. A dot vote: the participant of group 1 places three dots, the facilitator shows the results.
    await f.fill('#k-vote-dots', '3');
    await f.click('#k-vote-start');
    await p.click('#k-tab-outline');
    await waitFor(p, () => document.querySelectorAll('[data-vote-mine]').length === 4);
    for (const [count, name] of [[1, 'Turun kaupunki'], [2, 'Turun kaupunki'], [3, 'Varsinais-Suomen liitto']]) {
      const id = await p.evaluate((n) => [...window.kartta.model.actors.values()].find((a) => a.name === n).id, name);
      await p.click(`[data-key="dot+:${id}"]`);
      await waitFor(p, (wanted) => [...document.querySelectorAll('[data-vote-mine]')].reduce((sum, cell) => sum + Number(cell.dataset.voteMine), 0) === wanted, count);
    }
    await f.click('#k-vote-reveal');
    await waitFor(p, () => document.querySelectorAll('.k-vote-badge[data-revealed="true"]').length === 2);
    await waitFor(p, () => document.querySelectorAll('[data-vote-total]').length === 4);
    await p.evaluate(() => {
      // The group's actors, not the whole background: their names and dots stay readable.
      const actors = [...window.kartta.model.actors.values()];
      const xs = actors.map((a) => a.x);
      const ys = actors.map((a) => a.y);
      const [left, top] = [Math.min(...xs) - 120, Math.min(...ys) - 60];
      window.kartta.viewport.fit({ x: left, y: top, w: Math.max(...xs) + 120 - left, h: Math.max(...ys) + 60 - top });
      document.querySelector('#k-tabpanel').scrollTo(0, 0);
    });
    await checkView(p, lang, 'the results of a dot vote');
    await p.screenshot({ path: `${shots}/10-vote-results.png` });
    await f.click('#k-vote-end');
    await waitFor(p, () => !window.kartta.model.meta.vote);

    // 5b. Two groups compared side by side.
    await f.selectOption('#k-compare-left', `b:${boardIds[0]}`);
    await f.selectOption('#k-compare-right', `b:${boardIds[1]}`);
    await f.click('#k-compare-open');
    await f.waitForSelector('.k-cmp-item');
    const onlyLeft = await f.locator('section[aria-labelledby="k-cmp-actors"] .k-cmp-onlyLeft .k-cmp-label').allTextContents();
    assert.ok(onlyLeft.includes('Turun yliopisto'), `only group 1 drew the university: ${onlyLeft}`);
    await checkView(f, lang, 'the comparison');
    await f.screenshot({ path: `${shots}/07-compare.png` });

    // 6. The three group maps merged into a forum map.
    await f.goto(workshopUrl);
    await f.waitForSelector('#k-merge-all-group');
    await f.click('#k-merge-all-group');
    await f.fill('#k-merge-title', expected.merged);
    await f.click('#k-merge-propose');
    await f.waitForSelector('#k-match-table tbody tr');
    await checkView(f, lang, 'the match table');
    await f.locator('#k-match-region').screenshot({ path: `${shots}/07-match-table.png` });
    await f.click('#k-merge-run');
    await f.waitForSelector('#k-merged-open');
    await f.click('#k-merged-open');
    await f.waitForSelector('#k-canvas');
    // Turku's three spellings are one actor, and VSL (a likely match, not rejected) is the council.
    await waitFor(f, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected') && window.kartta.model.actors.size === 5);
    await f.evaluate(() => document.querySelector('#k-share-close')?.click());
    await waitFor(f, () => document.querySelectorAll('.k-layer-actors .k-support-badge').length === 5);
    await checkView(f, lang, 'the merged map');
    await f.screenshot({ path: `${shots}/08-merged-map.png` });

    // 6b. Network figures on the forum map: Turku and the council broker, the entrepreneurs one group
    // drew alone are tied to no one.
    await f.click('#k-tab-outline');
    await f.click('#k-figures-toggle');
    await f.waitForSelector('.k-figure-broker[data-rank="1"]');
    await f.waitForSelector('.k-figure-isolated');
    await f.waitForSelector('#k-figures-table tbody tr');
    await f.evaluate(() => {
      // Every actor of the forum map in view, and the figures at the top of the side panel.
      const actors = [...window.kartta.model.actors.values()];
      const xs = actors.map((a) => a.x);
      const ys = actors.map((a) => a.y);
      const [left, top] = [Math.min(...xs) - 160, Math.min(...ys) - 120];
      window.kartta.viewport.fit({ x: left, y: top, w: Math.max(...xs) + 160 - left, h: Math.max(...ys) + 120 - top });
      const panel = document.querySelector('#k-tabpanel');
      panel.scrollTop += document.querySelector('.k-figures').getBoundingClientRect().top - panel.getBoundingClientRect().top;
    });
    await waitFor(f, () => Math.abs(Number(/matrix\(([^ ]+)/.exec(document.querySelector('.k-world').getAttribute('transform'))?.[1]) - window.kartta.viewport.zoom) < 1e-9);
    await checkView(f, lang, 'network figures');
    await f.screenshot({ path: `${shots}/11-figures.png` });

    // 5, the next training day: group 1's board changed after "End of day 1", and opening it says
    // what changed since.
    await p.evaluate((name) => window.kartta.model.addActor({ name, kind: 'media', x: -420, y: -60 }), expected.sinceActor);
    await f.goto(workshopUrl);
    await f.waitForSelector('#k-export-zip');
    await waitFor(f, async ([id, name]) => {
      const token = new URL(document.querySelector('#k-export-zip').href).searchParams.get('token');
      const response = await fetch(`/api/boards/${id}/view`, { headers: { authorization: `Bearer ${token}` } });
      return response.ok && (await response.json()).actors.some((a) => a.name === name);
    }, [boardIds[0], expected.sinceActor]);
    await p.reload();
    await p.waitForSelector('#k-since:not([hidden])');
    assert.match(await p.textContent('#k-since-title'), new RegExp(expected.snapshot));
    await waitFor(p, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
    // Its line shows the new actor on the map.
    await p.click('[data-since="actorsAdded"]');
    await waitFor(p, () => document.querySelector('[data-since="actorsAdded"]')?.getAttribute('aria-pressed') === 'true');
    await waitFor(p, (name) => {
      const canvas = document.getElementById('k-canvas').getBoundingClientRect();
      const card = [...document.querySelectorAll('.k-layer-actors .k-actor')].find((g) => g.querySelector('title')?.textContent === name);
      const r = card?.getBoundingClientRect();
      return r && r.left >= canvas.left && r.right <= canvas.right && r.top >= canvas.top && r.bottom <= canvas.bottom;
    }, expected.sinceActor);
    await checkView(p, lang, 'what changed since');
    await p.screenshot({ path: `${shots}/12-since.png` });

    // 7. Deleting the workshop asks first.
    await f.goto(workshopUrl);
    await f.click('#k-delete-workshop');
    await f.waitForSelector('#k-confirm-text');
    assert.match(await f.textContent('#k-confirm-text'), new RegExp(expected.workshop));
    await checkView(f, lang, 'the delete confirmation');
    await f.screenshot({ path: `${shots}/06-delete.png` });
    await f.click('#k-confirm-ok');
    await waitFor(f, () => location.pathname === '/');
  });
}
