// End-to-end: a page opened without a token the server accepts says why instead of showing the page, the
// same way on a board, a workshop and the wall (the one start every such page shares, `accessOrMessage`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, axeScan, api, ARTIFACTS } from './harness.mjs';

useServer();

test('a board, a workshop and the wall say why they do not open without a token the server accepts', { timeout: 120_000 }, async () => {
  const created = await (await api('POST', '/api/workshops', null, { title: 'Foorumi', locale: 'en', template: 'rings', groupCount: 2 })).json();
  const [first, second] = created.workshop.boards.map((b) => b.id);
  const workshop = created.workshop.id;
  const { page } = await person('Visitor');
  const heading = async (path) => {
    await page.goto(`${server.origin}${path}`);
    // The loading page comes first; the answer replaces it.
    await page.waitForFunction(() => {
      const title = document.querySelector('h1.k-page-title');
      return title && title.closest('[role="alert"]');
    });
    return page.locator('h1.k-page-title').textContent();
  };

  assert.equal(await heading(`/b/${first}`), 'You need a link to open this. Ask the facilitator, or whoever shared it with you.');
  await axeScan(page, 'a board without a token');
  assert.equal(await heading(`/w/${workshop}#t=not-a-token`), 'This link does not open it: it may be wrong or out of date.');
  assert.equal(await heading(`/w/${workshop}/wall?boards=${first},${second}#t=not-a-token`), 'This link does not open it: it may be wrong or out of date.');
  assert.equal(await heading(`/b/AAAAAAAAAAAAAAAAAAAAAA#t=${encodeURIComponent(created.tokens.facilitator)}`), 'This does not exist, or it has been deleted.');
});

test('a page whose code cannot be fetched says so in the reader\'s language and offers a reload', { timeout: 120_000 }, async () => {
  const created = await (await api('POST', '/api/workshops', null, { title: 'Foorumi', locale: 'fi', template: 'rings', groupCount: 1 })).json();
  const board = created.workshop.boards[0].id;
  const { page } = await person('Late');
  await page.addInitScript(() => { localStorage.setItem('kartta.locale', 'fi'); localStorage.setItem('kartta.name', 'Myöhäinen'); });
  // The board page's own chunk is gone, as after an update of the server while the tab stayed open.
  await page.route(/\/assets\/board-[^/]*\.js$/, (request) => request.abort());
  await page.goto(`${server.origin}/b/${board}#t=${encodeURIComponent(created.tokens.facilitator)}`);
  await page.waitForFunction(() => document.querySelector('[role="alert"] h1.k-page-title'));
  assert.equal(await page.locator('h1.k-page-title').textContent(), 'Sivua ei voitu ladata: Kartta on ehkä juuri päivitetty tai yhteys katkesi. Lataa sivu uudelleen.');
  await axeScan(page, 'a page whose code could not be fetched');
  // The reload, with the chunk back, opens the board: the link's token, already taken out of the
  // address, is not lost with it.
  await page.unroute(/\/assets\/board-[^/]*\.js$/);
  await page.getByRole('button', { name: 'Yritä uudelleen' }).click();
  await page.waitForSelector('#k-canvas');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-access-board-after-reload-fi.png` });
});
