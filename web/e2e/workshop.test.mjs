// End-to-end: a facilitator runs a workshop with two groups; participants join by code and draw; the
// overview shows their boards; a lock stops a participant; a snapshot is taken, the board changed and restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS, placeActor, actorNames } from './harness.mjs';

useServer();

/** A participant joins in one step with the code and name typed on the landing page, then opens the board at `index`. */
async function join(page, code, name, index) {
  await page.goto(`${server.origin}/`);
  await page.fill('#k-join-code', code.toLowerCase().replace('-', ' '));
  await page.fill('#k-name', name);
  if (name === 'Pekka') await page.screenshot({ path: `${ARTIFACTS}/e2e-join.png` });
  await page.click('#k-join');
  await page.waitForSelector('.k-board-card');
  assert.equal(await page.locator('#k-join-code-display').count(), 0, 'participants do not see the facilitator panel');
  const boardId = await page.locator('.k-board-card').nth(index).getAttribute('data-board');
  await page.click(`[data-open="${boardId}"]`);
  await page.waitForSelector('#k-canvas');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  assert.equal(await page.evaluate(() => window.kartta.role), 'participant');
  return boardId;
}

test('a facilitator runs a workshop: join by code, overview, lock, snapshot and restore', { timeout: 180_000 }, async () => {
  // The facilitator creates a workshop with two group boards.
  const { page: f, context: fContext } = await person('Fanni', { viewport: { width: 1366, height: 900 } });
  await f.goto(`${server.origin}/`);
  await f.fill('#k-name', 'Fanni');
  await f.click('#k-workshop-details summary');
  await f.fill('#k-w-title', 'Maakunnan kumppanuusfoorumi');
  await f.fill('#k-w-groups', '2');
  await f.click('#k-w-create');
  await f.waitForSelector('#k-join-code-display');
  const code = (await f.textContent('#k-join-code-display')).trim();
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.equal(await f.locator('.k-board-card').count(), 2);
  assert.equal(await f.locator('.k-qr svg').count(), 1, 'a QR code of the join link');
  const boardIds = await f.locator('.k-board-card').evaluateAll((cards) => cards.map((c) => c.dataset.board));
  const overviewPath = new URL(f.url()).pathname;

  // Two participants join by code in separate browsers and draw on their own group's board.
  const { page: p1 } = await person('Pekka');
  const { page: p2 } = await person('Paula');
  const b1 = await join(p1, code, 'Pekka', 0);
  const b2 = await join(p2, code, 'Paula', 1);
  assert.deepEqual([b1, b2], boardIds);
  await placeActor(p1, 'Kaupunki', -150, -60);
  await placeActor(p1, 'Yliopisto', 150, -60);
  await placeActor(p2, 'Kyläyhdistys', -150, 40);
  await placeActor(p2, 'Rahasto', 150, 40);

  // The overview shows who is on each board, and its thumbnails (rendered by the server) show the actors.
  await waitFor(f, () => [...document.querySelectorAll('.k-board-meta')].every((m) => /: 1\b/.test(m.textContent)), undefined, 15_000);
  await waitFor(f, ([a, b]) => document.querySelector(`[data-people="${a}"]`)?.textContent === 'On the board: Pekka'
    && document.querySelector(`[data-people="${b}"]`)?.textContent === 'On the board: Paula', [b1, b2], 15_000);
  // (waitForFunction does not wait for promises, so the thumbnails are fetched in a loop here.)
  const thumbnails = () => f.evaluate(async (ids) => Promise.all(ids.map(async (id) => {
    const img = document.querySelector(`img[data-thumb="${id}"]`);
    const response = img ? await fetch(img.src, { cache: 'no-store' }) : null;
    return response ? `${response.headers.get('content-type')}\n${await response.text()}` : '';
  })), [b1, b2]);
  let thumbs = [];
  for (let i = 0; i < 40; i++) {
    thumbs = await thumbnails();
    if (thumbs[0].includes('Kaupunki') && thumbs[0].includes('Yliopisto') && thumbs[1].includes('Kyläyhdistys') && thumbs[1].includes('Rahasto')) break;
    await f.waitForTimeout(500);
  }
  assert.match(thumbs[0], /^image\/svg\+xml/, 'thumbnails are SVG rendered by the server');
  for (const name of ['Kaupunki', 'Yliopisto']) assert.ok(thumbs[0].includes(name), `the first board's thumbnail shows ${name}`);
  for (const name of ['Kyläyhdistys', 'Rahasto']) assert.ok(thumbs[1].includes(name), `the second board's thumbnail shows ${name}`);
  assert.ok(!thumbs[0].includes('Rahasto'), 'each thumbnail shows its own board');
  await f.waitForTimeout(300);
  await f.screenshot({ path: `${ARTIFACTS}/e2e-workshop.png` });
  await f.evaluate(() => document.querySelector('.k-workshop').scrollTo(0, 10_000));
  // Who goes where: the facilitator assigns Maija to the second board, by keyboard.
  await f.focus('#k-assign-board');
  await f.selectOption('#k-assign-board', b2);
  await f.focus('#k-assign-name');
  await f.keyboard.type('Maija');
  await f.keyboard.press('Enter');
  await f.waitForSelector('[data-assigned="Maija"]');
  assert.match(await f.textContent('[data-assigned="Maija"]'), /Maija → Group 2/);
  assert.match(await f.textContent('#k-workshop-status'), /Maija goes to/);
  await f.screenshot({ path: `${ARTIFACTS}/e2e-workshop-overview.png` });
  await axeScan(f, 'workshop page');
  // Maija joins with the code and her name and lands on that board, with the way back to the list.
  const { page: m } = await person('Maija');
  await m.goto(`${server.origin}/join/${code}`);
  await m.fill('#k-join-name', 'Maija');
  await m.click('#k-join');
  await m.waitForSelector('#k-canvas');
  assert.equal(new URL(m.url()).pathname, `/b/${b2}`, 'an assigned name opens its board directly');
  await waitFor(m, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  assert.equal(await m.evaluate(() => window.kartta.role), 'participant');
  await m.click('#k-workshop-link');
  await m.waitForSelector('.k-board-card');
  assert.equal(await m.locator('.k-board-card').count(), 2, 'another group board can still be picked');
  await m.context().close();
  // Removing the assignment empties the list.
  await f.click('[data-unassign="Maija"]');
  await waitFor(f, () => !document.querySelector('[data-assigned]'));

  // The facilitator starts a timer: every board shows it.
  await f.fill('#k-timer-minutes', '5');
  await f.click('#k-timer-start');
  await waitFor(p2, () => /Time left [45]:\d\d/.test(document.querySelector('#k-timer')?.textContent ?? ''));
  await waitFor(f, () => /Ends at .* · [45]:\d\d left/.test(document.querySelector('#k-timer-status')?.textContent ?? ''));
  // The server remembers the timer: a reloaded facilitator page shows it still running.
  await f.reload();
  await f.waitForSelector('#k-join-code-display');
  await waitFor(f, () => /Ends at .* · [45]:\d\d left/.test(document.querySelector('#k-timer-status')?.textContent ?? ''));

  // A viewer (e.g. the projector) sees the boards' thumbnails too.
  const viewerLink = await f.inputValue('[data-link="viewer"] input');
  const { page: v } = await person('Viewer');
  await v.goto(viewerLink);
  await v.waitForSelector('.k-board-card');
  assert.equal(await v.evaluate(() => document.querySelector('.k-role-badge').textContent), 'Viewer');
  await waitFor(v, () => [...document.querySelectorAll('img[data-thumb]')].length === 2 && [...document.querySelectorAll('img[data-thumb]')].every((img) => img.complete && img.naturalWidth > 0 && /thumbnail\.svg/.test(img.src)));
  await axeScan(v, 'workshop page for a viewer');
  await v.context().close();

  // The facilitator locks Pekka's board: his UI turns read-only and says why.
  await f.click(`[data-lock="${b1}"]`);
  await waitFor(f, (id) => document.querySelector(`[data-board="${id}"]`)?.classList.contains('k-locked'), b1);
  await waitFor(p1, () => /locked this board/.test(document.querySelector('#k-banner')?.textContent ?? ''));
  assert.equal(await p1.locator('[data-tool="actor"]').isVisible(), false, 'no drawing tools on a locked board');
  assert.equal(await p2.locator('#k-banner').isVisible(), false, 'the other group can still edit');
  // An edit attempt through the UI does nothing…
  await p1.locator('#k-canvas').focus();
  await p1.keyboard.press('a');
  const box = await p1.locator('#k-canvas').boundingBox();
  await p1.mouse.click(box.x + 100, box.y + 100);
  await p1.keyboard.press('Delete');
  assert.deepEqual(await actorNames(p1), ['Kaupunki', 'Yliopisto']);
  // …and one forced past the UI is refused by the server: nobody else ever sees it.
  await p1.evaluate(() => {
    const m = window.kartta.model;
    m.canWrite = () => true;
    m.addActor({ name: 'Luvaton', kind: 'other', x: 0, y: 0 });
  });
  const fb = await fContext.newPage();
  await fb.goto(`${server.origin}/b/${b1}`);
  await fb.waitForSelector('#k-canvas');
  await waitFor(fb, () => window.kartta.model.actors.size >= 2);
  await fb.waitForTimeout(800);
  assert.deepEqual(await actorNames(fb), ['Kaupunki', 'Yliopisto'], 'the locked board did not change for others');
  assert.equal(await fb.evaluate(() => window.kartta.role), 'facilitator');
  assert.match(await fb.textContent('#k-banner'), /only you can change it/);
  await fb.close();

  // Paula takes a snapshot of her board and changes the board. Restoring rolls back the whole group's
  // work, so her panel offers no restore and says who does it; the background is the facilitator's too.
  await p2.click('#k-tab-snapshots');
  await p2.fill('#k-snapshot-name', 'Ennen muutosta');
  await p2.click('#k-snapshot-take');
  await p2.waitForSelector('.k-snapshot');
  assert.equal(await p2.locator('[data-restore]').count(), 0, 'a participant is offered no restore');
  assert.match(await p2.textContent('#k-restore-facilitator-only'), /Only the facilitator restores/);
  assert.equal(await p2.locator('#k-template').isDisabled(), true, 'a participant cannot switch the background');
  assert.match(await p2.getAttribute('#k-template', 'title'), /The facilitator changes the background/);
  await p2.screenshot({ path: `${ARTIFACTS}/e2e-snapshots.png` });
  await axeScan(p2, 'snapshot panel');
  const ids = await p2.evaluate(() => Object.fromEntries([...window.kartta.model.actors.values()].map((a) => [a.name, a.id])));
  await p2.evaluate((id) => window.kartta.model.deleteElements([id]), ids['Rahasto']);
  await placeActor(p2, 'Uusi toimija', 0, 150);
  assert.deepEqual(await actorNames(p2), ['Kyläyhdistys', 'Uusi toimija']);
  const snapshotId = await p2.getAttribute('.k-snapshot', 'data-snapshot');

  // The facilitator restores it on Paula's board; Paula, connected, is told who restored what and how
  // to undo it, and the notice follows her language switch.
  const fr = await fContext.newPage();
  await fr.goto(`${server.origin}/b/${b2}`);
  await fr.waitForSelector('#k-canvas');
  await waitFor(fr, () => window.kartta.model.actors.size === 2);
  await fr.click('#k-tab-snapshots');
  await fr.click(`[data-restore="${snapshotId}"]`);
  await fr.waitForSelector('#k-confirm-text');
  assert.match(await fr.textContent('#k-confirm-text'), /saved as a snapshot first/);
  await fr.click('#k-confirm-ok');
  await waitFor(p2, () => {
    const names = [...window.kartta.model.actors.values()].map((a) => a.name).sort().join('|');
    return names === 'Kyläyhdistys|Rahasto';
  }, undefined, 15_000);
  await p2.waitForSelector('#k-notice[data-notice="restore"]');
  const notice = await p2.textContent('#k-notice');
  assert.match(notice, /Fanni restored the snapshot “Ennen muutosta” into this board\./);
  assert.match(notice, /kept as the snapshot “Before restoring “Ennen muutosta””: restoring that one undoes this/);
  assert.equal(await p2.locator('#k-undo-restore').count(), 0, 'only the facilitator is offered the undo');
  await p2.screenshot({ path: `${ARTIFACTS}/e2e-restore-notice-participant.png` });
  await axeScan(p2, 'restore notice (participant)');
  await fr.waitForSelector('#k-notice[data-notice="restore"] #k-undo-restore');
  await fr.screenshot({ path: `${ARTIFACTS}/e2e-restore-notice-facilitator.png` });
  await axeScan(fr, 'restore notice (facilitator)');
  await waitFor(fr, () => /Restored/.test(document.querySelector('#k-snapshot-status')?.textContent ?? ''));
  await p2.selectOption('#k-lang', 'sv');
  await waitFor(p2, () => /Fanni återställde ögonblicksbilden/.test(document.querySelector('#k-notice')?.textContent ?? ''));
  await p2.screenshot({ path: `${ARTIFACTS}/e2e-restore-notice-sv.png` });
  await p2.selectOption('#k-lang', 'en');
  await waitFor(p2, () => document.querySelectorAll('.k-snapshot').length >= 1);
  await fr.close();

  // The snapshot opens read-only.
  await p2.click(`[data-open="${snapshotId}"]`);
  await p2.waitForSelector('.k-banner-snapshot');
  await waitFor(p2, () => window.kartta.model.actors.size === 2 && window.kartta.provider === null);
  assert.equal(await p2.locator('[data-tool="actor"]').isVisible(), false);

  // The facilitator presents Paula's board to the whole workshop: Pekka, on his own board, is offered
  // to go there, and once there his view follows the facilitator's.
  await f.click(`[data-present="${b2}"]`);
  await f.waitForSelector('#k-present-stop');
  await p1.waitForSelector('#k-presented-go', { timeout: 15_000 });
  assert.match(await p1.textContent('#k-follow'), /The facilitator is presenting “Group 2”/);
  await p1.screenshot({ path: `${ARTIFACTS}/e2e-presented-elsewhere.png` });
  await p1.click('#k-presented-go');
  await waitFor(p1, (id) => location.pathname === `/b/${id}`, b2);
  await p1.waitForSelector('#k-follow-stop', { timeout: 15_000 });
  assert.match(await p1.textContent('#k-follow'), /Following Fanni/);
  await f.evaluate(() => { const v = window.kartta.viewport; v.zoom = 1.7; v.centerOn(40, -30); });
  await waitFor(p1, () => Math.abs(window.kartta.viewport.zoom - 1.7) < 0.01);
  // The overview marks the presented board; stopping there ends the presentation on every page.
  const overview = await fContext.newPage();
  await overview.goto(`${server.origin}${overviewPath}`);
  await overview.waitForSelector(`[data-presented="${b2}"]:not([hidden])`);
  assert.equal(await overview.locator('[data-presented]:not([hidden])').count(), 1, 'only the presented board is marked');
  await overview.locator(`[data-board="${b2}"]`).scrollIntoViewIfNeeded();
  await overview.screenshot({ path: `${ARTIFACTS}/e2e-overview-presenting.png` });
  await overview.click(`[data-stop-present="${b2}"]`);
  await overview.waitForSelector(`[data-presented="${b2}"][hidden]`, { state: 'attached' });
  await waitFor(f, () => document.querySelector('#k-present')?.getAttribute('aria-pressed') === 'false');
  await waitFor(p1, () => !document.querySelector('#k-follow-stop') && !document.querySelector('#k-presented-go'));
});
