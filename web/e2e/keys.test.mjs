// End-to-end: keys typed outside the canvas are not shortcuts (issue 11, item 3), and Escape on a
// freshly placed actor takes it off the board again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

/** Creates a quick board, closes the share dialog and waits for the connection. */
async function openNewBoard(page) {
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Saara');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  await page.click('#k-share-close');
  // After the first sync the board has been fitted to the screen: the zoom stays put from then on.
  await waitFor(page, () => window.kartta.provider?.synced === true && document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
}

/** What a stray shortcut would change: the tool, the zoom, the side tab, the help sheet, the actors. */
const pageState = (page) => page.evaluate(() => ({
  tool: window.kartta.editor.tool,
  zoom: window.kartta.viewport.zoom,
  outlineShown: document.querySelector('#k-tab-outline')?.getAttribute('aria-selected') === 'true',
  helpOpen: Boolean(document.querySelector('#k-help[open]')),
  actors: [...window.kartta.model.actors.values()].map((a) => a.name),
}));

test('a name typed after picking a kind in the palette triggers no shortcut', { timeout: 90_000 }, async () => {
  const { page } = await person('Saara');
  await openNewBoard(page);
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('a');
  await page.waitForSelector('.k-palette [data-kind="business"]');

  // The report: a click on a kind, then the organisation's name typed straight away.
  await page.click('.k-palette [data-kind="business"]');
  const before = await pageState(page);
  assert.equal(before.tool, 'actor');
  await page.keyboard.type('Varsinais-Suomen Yrittäjät ry-');
  assert.deepEqual(await pageState(page), before, 'typing on a palette button changes nothing');

  // A click on the palette beside the kinds leaves focus on the page body: still no shortcuts.
  const swatches = await page.locator('.k-palette .k-swatches').boundingBox();
  await page.mouse.click(swatches.x + 3, swatches.y + swatches.height / 2);
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true, 'focus fell to the page body');
  await page.keyboard.type('men Yrittäjät ry-');
  await page.keyboard.press('Enter');
  assert.deepEqual(await pageState(page), before, 'typing after a click on the palette changes nothing');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-keys-palette.png` });

  // On the canvas the single keys are shortcuts again, and the chosen kind is placed.
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('-');
  await waitFor(page, (zoom) => window.kartta.viewport.zoom < zoom, before.zoom);
  const box = await page.locator('#k-canvas').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector('input.k-inline-name:focus');
  await page.keyboard.type('Varsinais-Suomen Yrittäjät ry');
  await page.keyboard.press('Enter');
  await waitFor(page, () => [...window.kartta.model.actors.values()].some((a) => a.name === 'Varsinais-Suomen Yrittäjät ry' && a.kind === 'business'));
  const after = await pageState(page);
  assert.deepEqual(after.actors, ['Varsinais-Suomen Yrittäjät ry']);
  assert.equal(after.tool, 'select');
  assert.equal(after.outlineShown, false);

  // "?" on the canvas opens the shortcut sheet, drawn from the action registry.
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('?');
  await page.waitForSelector('#k-help[open]');
  const sheet = await page.$$eval('#k-help kbd', (keys) => keys.map((k) => k.textContent));
  for (const shortcut of ['A', 'Ctrl Z', 'Esc', '+', '−', 'Shift 1', 'O', '?']) assert.ok(sheet.includes(shortcut), `the sheet lists ${shortcut}`);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-keys-sheet.png` });
});

test('Escape on a freshly placed actor removes it; on an existing one it keeps the name', { timeout: 90_000 }, async () => {
  const { page } = await person('Saara');
  await openNewBoard(page);
  const box = await page.locator('#k-canvas').boundingBox();
  const place = async (dx) => {
    await page.locator('#k-canvas').focus();
    await page.keyboard.press('a');
    await page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2);
    await page.waitForSelector('input.k-inline-name:focus');
  };

  await place(-150);
  await page.keyboard.type('Kunta');
  await page.keyboard.press('Enter');
  await waitFor(page, () => [...window.kartta.model.actors.values()].some((a) => a.name === 'Kunta'));

  // Placed, then Escape with or without a name typed: no empty "…" card is left behind, and no undo
  // step either (Ctrl+Z must not bring the empty card back).
  const undoSteps = () => page.evaluate(() => window.kartta.model.undoManager.undoStack.length);
  const stepsBefore = await undoSteps();
  await place(150);
  assert.equal(await page.evaluate(() => window.kartta.model.actors.size), 2, 'the placed actor is on the board while named');
  await page.keyboard.press('Escape');
  await waitFor(page, () => window.kartta.model.actors.size === 1);
  await place(150);
  await page.keyboard.type('Keskeneräi');
  await page.keyboard.press('Escape');
  await waitFor(page, () => window.kartta.model.actors.size === 1 && !document.querySelector('input.k-inline-name'));
  assert.deepEqual(await page.evaluate(() => [...window.kartta.model.actors.values()].map((a) => a.name)), ['Kunta']);
  assert.equal(await undoSteps(), stepsBefore);

  // Renaming an existing actor and pressing Escape keeps the actor and its old name.
  await page.mouse.dblclick(box.x + box.width / 2 - 150, box.y + box.height / 2);
  await page.waitForSelector('input.k-inline-name:focus');
  await page.keyboard.type('Kaupunki');
  await page.keyboard.press('Escape');
  await waitFor(page, () => !document.querySelector('input.k-inline-name'));
  assert.deepEqual(await page.evaluate(() => [...window.kartta.model.actors.values()].map((a) => a.name)), ['Kunta']);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-keys-escape.png` });
});
