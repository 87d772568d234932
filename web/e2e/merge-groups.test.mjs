// End-to-end, in Finnish: a facilitator merges three maps group by group (two maps of one group, one
// of another). The dialog offers it, and the forum map counts groups ("1 of 2 groups" on what only one
// group had, though two maps of three had it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

const actor = (id, name, x, y) => ({ id, name, kind: 'business', x, y, description: '', tags: [], alias: '', influence: null, stance: null, isPerson: false });

test('merging group by group: one big group cannot outvote the others', { timeout: 180_000 }, async () => {
  const response = await fetch(`${server.serverOrigin}/api/workshops`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Kumppanuusfoorumi', locale: 'fi', template: 'blank', groupCount: 3, personalBoards: [] }),
  });
  const created = await response.json();
  const token = created.tokens.facilitator;
  const boardIds = created.workshop.boards.map((b) => b.id);
  // Boards 1 and 2 are the two maps of one group, both with Yritys X; board 3 is another group's.
  const maps = [
    [actor('t', 'Turku', 0, 0), actor('x', 'Yritys X', 400, 0)],
    [actor('t', 'Turku', 0, 0), actor('x', 'Yritys X', 400, 0)],
    [actor('t', 'Turku', 0, 0)],
  ];
  for (const [i, id] of boardIds.entries()) {
    const board = { format: 'kartta-board', version: 1, meta: { title: '', template: 'blank', locale: null, locked: false, timerEndsAt: null, presenting: null }, actors: maps[i], relations: [], notes: [], strokes: [] };
    const answer = await fetch(`${server.serverOrigin}/api/boards/${id}/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(board) });
    assert.ok(answer.ok, `import: ${answer.status}`);
  }
  const { page } = await person('Fanni', { viewport: { width: 1366, height: 900 } });
  await page.addInitScript(() => localStorage.setItem('kartta.locale', 'fi'));
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
  await page.locator('#k-merge').screenshot({ path: `${ARTIFACTS}/e2e-merge-groups-fi.png` });

  await page.click('#k-merge-propose');
  // Equal names match automatically: no table of proposals, only the merge button.
  await page.click('#k-merge-run');
  await page.waitForSelector('#k-merged-open');
  assert.match(await page.textContent('#k-merge-status'), /koottiin 2 ryhmän 3 kartasta \(toimijoita: 2, suhteita: 0\)/);

  // The forum map counts groups: X is on two maps of three, but they are one group's.
  const mergedId = await page.getAttribute('#k-merged-open', 'data-open');
  const exported = await (await fetch(`${server.serverOrigin}/api/boards/${mergedId}/export.json`, { headers: { authorization: `Bearer ${token}` } })).json();
  assert.deepEqual(exported.meta.mergedGroups, ['1', '1', '2']);
  const supportOf = (name) => exported.actors.find((a) => a.name === name).support;
  assert.equal(supportOf('Yritys X'), '1 of 2 groups');
  assert.equal(supportOf('Turku'), '2 of 2 groups');

  // The forum board's badges and slider wording ("1/2", "k ryhmää") are checked in test/support.test.ts.
});
