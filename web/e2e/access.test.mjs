// End-to-end: a page opened without a token the server accepts says why instead of showing the page, the
// same way on a board, a workshop and the wall (the one start every such page shares, `accessOrMessage`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, axeScan, api } from './harness.mjs';

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
