// End-to-end: the production bundle under the server's security headers: the board works within its
// Content-Security-Policy (the harness fails any test the browser reports a violation in), the page
// refuses to be framed, and the `window.kartta` debug handle is absent unless a test asked for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, launchContext, open, waitFor, cspViolations } from './harness.mjs';

useServer();

/** A context of its own, closed with the file's others. */
async function browser(options) {
  const c = await launchContext(options);
  open.push(c);
  return c;
}

/** Opens the landing page, creates a quick board and waits until it is connected and drawn. */
async function openNewBoard(page) {
  const response = await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Turvallisuus');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  await page.click('#k-share-close');
  await page.waitForSelector('#k-canvas');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  return response;
}

test('a normal page load of the production bundle has no window.kartta; a test that asks for it does', async () => {
  const { page: plain } = await browser({ debugHandle: false });
  await openNewBoard(plain);
  assert.equal(await plain.evaluate(() => typeof window.kartta), 'undefined');

  // The control: the same steps with the harness's opt-in give the handle, so the check above
  // looked at a fully built board.
  const { page: harnessed } = await browser();
  await openNewBoard(harnessed);
  assert.equal(await harnessed.evaluate(() => typeof window.kartta?.model), 'object');
});

test('the app page sends its security headers and syncs over a websocket within its policy', async () => {
  const { page } = await browser();
  const violations = [];
  await page.exposeFunction('reportViolation', (directive) => violations.push(directive));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => window.reportViolation(event.effectiveDirective));
  });
  const response = await openNewBoard(page);
  const headers = response.headers();
  assert.match(headers['content-security-policy'], /default-src 'self'/);
  assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.doesNotMatch(headers['content-security-policy'], /unsafe-inline/);
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  // Connected (see openNewBoard): 'self' covers ws: to the same origin in Chromium.
  assert.deepEqual(violations, []);
  // Styles set without inline style still apply: the scene's rules (a constructed stylesheet)
  // and the colour of a swatch (set through the CSSOM).
  assert.match(await page.evaluate(() => getComputedStyle(document.querySelector('.k-scene')).fontFamily), /system-ui/);
  await page.click('[data-tool="note"]');
  await page.waitForSelector('.k-dot');
  const swatches = await page.evaluate(() => [...document.querySelectorAll('.k-dot')].map((dot) => getComputedStyle(dot).backgroundColor));
  assert.ok(swatches.length > 0 && swatches.every((colour) => colour !== 'rgba(0, 0, 0, 0)'), JSON.stringify(swatches));
});

test('another site cannot frame the app', async () => {
  const { page } = await browser();
  // A page of another origin that frames the app; the page's load event waits for its frame's
  // load, so by then the browser has decided whether to show it.
  await page.setContent(`<iframe src="${server.origin}/"></iframe>`, { waitUntil: 'load' });
  const frame = page.frames().find((f) => f !== page.mainFrame());
  assert.ok(frame, 'the frame exists');
  const appShown = await frame.evaluate(() => Boolean(document.getElementById('app'))).catch(() => false);
  assert.equal(appShown, false, `the framed app did not load (frame at ${frame.url()})`);
  // Chromium may report the refusal as a policy message: that is the policy working.
  cspViolations.splice(0);
});
