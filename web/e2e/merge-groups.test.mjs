// End-to-end, in Finnish: a facilitator merges three maps group by group (two maps of one group, one
// of another). The dialog offers it, and the forum map counts groups ("1 of 2 groups" on what only one
// group had, though two maps of three had it): in its export, on its cards' badges, in its outline and
// in what its "at least k" slider shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

const actor = (id, name, x, y) => ({ id, name, kind: 'business', x, y, description: '', tags: [], alias: '', influence: null, stance: null, isPerson: false });
const relation = (id, from, to) => ({ id, from, to, kind: 'collaboration', label: '', direction: 'none', strength: 'normal', coordination: null, status: 'existing' });

test('merging group by group: one big group cannot outvote the others', { timeout: 180_000 }, async () => {
  const response = await fetch(`${server.serverOrigin}/api/workshops`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Kumppanuusfoorumi', locale: 'fi', template: 'blank', groupCount: 3, personalBoards: [] }),
  });
  const created = await response.json();
  const token = created.tokens.facilitator;
  const boardIds = created.workshop.boards.map((b) => b.id);
  // Boards 1 and 2 are the two maps of one group, both with Yritys X and its tie to Turku; board 3 is
  // another group's, with Turku alone.
  const maps = [
    [actor('t', 'Turku', 0, 0), actor('x', 'Yritys X', 400, 0)],
    [actor('t', 'Turku', 0, 0), actor('x', 'Yritys X', 400, 0)],
    [actor('t', 'Turku', 0, 0)],
  ];
  const ties = [[relation('r', 't', 'x')], [relation('r', 't', 'x')], []];
  for (const [i, id] of boardIds.entries()) {
    const board = { format: 'kartta-board', version: 1, meta: { title: '', template: 'blank', locale: null, locked: false, timerEndsAt: null, presenting: null }, actors: maps[i], relations: ties[i], notes: [], strokes: [] };
    const answer = await fetch(`${server.serverOrigin}/api/boards/${id}/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(board) });
    assert.ok(answer.ok, `import: ${answer.status}`);
  }
  const { page } = await person('Fanni', { viewport: { width: 1366, height: 900 } });
  await page.addInitScript(() => {
    localStorage.setItem('kartta.locale', 'fi');
    // The name this device would have kept from the landing page: the merged board asks for none.
    localStorage.setItem('kartta.name', 'Fanni');
  });
  await page.goto(`${server.origin}/w/${created.workshop.id}#t=${token}`);
  await page.waitForSelector('#k-merge-all-group');
  await page.click('#k-merge-all-group');

  // Off by default: no group choices. On, each map gets one, all in group 1 at first.
  assert.equal(await page.locator('select[data-merge-group]').count(), 0);
  await page.check('#k-merge-by-group');
  await waitFor(page, () => document.querySelectorAll('select[data-merge-group]').length === 3);
  assert.equal(await page.textContent('label[for="k-merge-by-group"]'), 'Yhdistä ensin ryhmien sisällä, sitten ryhmien kesken');
  assert.equal(await page.getAttribute(`select[data-merge-group="${boardIds[2]}"]`, 'aria-label'), 'Kartan Ryhmä 3 ryhmä');
  await page.selectOption(`select[data-merge-group="${boardIds[2]}"]`, '2');
  // The choice survives a rebuild of the panel (a language switch, a poll).
  assert.equal(await page.inputValue(`select[data-merge-group="${boardIds[2]}"]`), '2');
  await axeScan(page, 'merge dialog, group by group');
  // The box sits right beside its label (it once stretched across the row, the label far right).
  const gap = await page.evaluate(() => {
    const box = document.getElementById('k-merge-by-group').getBoundingClientRect();
    const label = document.querySelector('label[for="k-merge-by-group"]').getBoundingClientRect();
    return { width: box.width, gap: label.left - box.right };
  });
  assert.ok(gap.width <= 24 && gap.gap >= 0 && gap.gap <= 12, `the box beside its label: ${JSON.stringify(gap)}`);
  await page.locator('#k-merge').screenshot({ path: `${ARTIFACTS}/e2e-merge-groups-fi.png` });

  await page.click('#k-merge-propose');
  // Equal names match automatically: no table of proposals, only the merge button.
  await page.click('#k-merge-run');
  await page.waitForSelector('#k-merged-open');
  assert.match(await page.textContent('#k-merge-status'), /koottiin 2 ryhmän 3 kartasta \(toimijoita: 2, suhteita: 1\)/);

  // The forum map counts groups: X is on two maps of three, but they are one group's.
  const mergedId = await page.getAttribute('#k-merged-open', 'data-open');
  const exported = await (await fetch(`${server.serverOrigin}/api/boards/${mergedId}/export.json`, { headers: { authorization: `Bearer ${token}` } })).json();
  assert.deepEqual(exported.meta.mergedGroups, ['1', '1', '2']);
  const supportOf = (name) => exported.actors.find((a) => a.name === name).support;
  assert.equal(supportOf('Yritys X'), '1 of 2 groups');
  assert.equal(supportOf('Turku'), '2 of 2 groups');

  // On the forum board: each card's badge counts groups too. X is on two maps of three, but 1/2; the
  // tie is one group's of the one group holding both its ends (1/1; counted by maps it would be 2/2).
  // The workshop page lists the new board first (its panel is rebuilt then), as in merge.test.mjs.
  await waitFor(page, () => document.querySelectorAll('.k-board-card').length === 4);
  await page.click('#k-merged-open');
  await page.waitForSelector('#k-canvas');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected') && window.kartta.model.actors.size === 2);
  await page.evaluate(() => document.querySelector('#k-share-close')?.click());
  await waitFor(page, () => document.querySelectorAll('.k-layer-actors .k-support-badge').length === 2);
  const badges = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.k-layer-actors .k-actor')]
    .map((card) => [card.querySelector('title').textContent, card.querySelector('.k-support-badge')?.dataset.support])));
  assert.deepEqual(badges, { Turku: '2/2', 'Yritys X': '1/2' });
  assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('.k-layer-relations .k-support-badge')].map((b) => b.dataset.support)), ['1/1']);
  await page.evaluate(() => {
    const actors = [...window.kartta.model.actors.values()];
    const xs = actors.map((a) => a.x);
    const ys = actors.map((a) => a.y);
    window.kartta.viewport.fit({ x: Math.min(...xs) - 200, y: Math.min(...ys) - 150, w: Math.max(...xs) - Math.min(...xs) + 400, h: Math.max(...ys) - Math.min(...ys) + 300 });
  });
  await page.screenshot({ path: `${ARTIFACTS}/e2e-merge-groups-board-fi.png` });
  await axeScan(page, 'merged board, counted by groups');

  // The outline says the same in words, counting groups.
  await page.click('#k-tab-outline');
  await waitFor(page, () => document.querySelectorAll('.k-support-text').length === 2);
  const outlineSupport = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.k-support-text')]
    .map((span) => [window.kartta.model.actors.get(span.dataset.support).name, span.textContent])));
  assert.match(outlineSupport.Turku, /^2 ryhmällä 2:/);
  assert.match(outlineSupport['Yritys X'], /^1 ryhmällä 2:/);
  assert.match(await page.textContent('.k-outline-list[data-list="relations"]'), /\(1 ryhmällä niistä 1:/);

  // At least 2 of 2 groups: X leaves the map, although two of the three maps hold it.
  assert.equal(await page.textContent('#k-support-value'), 'vähintään 1/2');
  await page.focus('#k-support-slider');
  await page.keyboard.press('ArrowRight');
  await waitFor(page, () => document.querySelector('#k-support-value').textContent === 'vähintään 2/2');
  await waitFor(page, () => document.querySelectorAll('.k-layer-actors .k-actor').length === 1);
  assert.equal(await page.textContent('.k-layer-actors .k-actor title'), 'Turku');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-merge-groups-board-k2-fi.png` });
});
