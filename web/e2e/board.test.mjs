// End-to-end: two people on one board, a keyboard-only outline user, language switch and an accessibility scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, screenOf, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

const personPage = async (name, options) => (await person(name, options)).page;

async function streamBytes(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function streamText(stream) {
  return (await streamBytes(stream)).toString('utf8');
}

async function actorsByName(page) {
  return page.evaluate(() => Object.fromEntries([...window.kartta.model.actors.values()].map((a) => [a.name, a])));
}

/**
 * Creates a quick board from the landing page (through the API), closes the share dialog that
 * greets its creator and returns the board's edit link for the others.
 */
async function createBoard(page, name) {
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', name);
  await page.click('#k-create');
  return closeShareDialog(page);
}

async function closeShareDialog(page) {
  await page.waitForSelector('#k-share-dialog[open]');
  const editLink = await page.inputValue('#k-share-dialog .k-copy-input');
  await page.click('#k-share-close');
  await page.waitForSelector('#k-canvas');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  await page.locator('#k-canvas').focus();
  return editLink;
}

async function placeActor(page, sx, sy, name) {
  await page.keyboard.press('a');
  await page.mouse.click(sx, sy);
  await page.waitForSelector('input.k-inline-name:focus', { timeout: 5000 });
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
}

/** Presses Tab until the element matching `selector` has focus (keyboard-only navigation). */
async function tabTo(page, selector, max = 80) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

test('two people draw one map together', { timeout: 120_000 }, async () => {
  const a = await personPage('Aino');
  const boardUrl = await createBoard(a, 'Aino');
  assert.match(boardUrl, /\/b\/[A-Za-z0-9_-]+#t=/, 'the edit link carries its token in the fragment');
  assert.ok(!a.url().includes('#t='), 'the token left the address bar');

  const b = await personPage('Bertil');
  await b.goto(boardUrl);
  await b.fill('#k-ask-name', 'Bertil');
  await b.keyboard.press('Enter');
  await b.waitForSelector('#k-canvas');
  await waitFor(b, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));

  // A places three actors with the actor tool and names them inline, then connects two by dragging.
  const canvas = await a.locator('#k-canvas').boundingBox();
  const cx = canvas.x + canvas.width / 2;
  const cy = canvas.y + canvas.height / 2;
  await placeActor(a, cx - 250, cy - 120, 'Kaupunki');
  await placeActor(a, cx + 200, cy - 120, 'Yliopisto');
  await placeActor(a, cx, cy + 160, 'Kyläyhdistys');
  await a.keyboard.press('r');
  await a.mouse.move(cx - 250, cy - 120);
  await a.mouse.down();
  await a.mouse.move(cx - 20, cy - 120, { steps: 5 });
  await a.mouse.move(cx + 200, cy - 120, { steps: 5 });
  await a.mouse.up();
  const relations = await a.evaluate(() => window.kartta.model.liveRelations().length);
  assert.equal(relations, 1, 'A made one relation');

  // B sees all of it on the canvas.
  await waitFor(b, () => window.kartta.model.actors.size === 3 && window.kartta.model.liveRelations().length === 1);
  await waitFor(b, () => document.querySelectorAll('.k-layer-actors .k-actor').length === 3 && document.querySelectorAll('.k-layer-relations .k-relation path').length >= 1);
  const namesB = Object.keys(await actorsByName(b)).sort();
  assert.deepEqual(namesB, ['Kaupunki', 'Kyläyhdistys', 'Yliopisto']);

  // B drags Kyläyhdistys; A sees it move.
  const before = (await actorsByName(b))['Kyläyhdistys'];
  await b.evaluate(() => window.kartta.editor.zoomToFit());
  const start = await screenOf(b, before.x, before.y);
  await b.mouse.move(start.x, start.y);
  await b.mouse.down();
  await b.mouse.move(start.x + 60, start.y + 30, { steps: 4 });
  await b.mouse.move(start.x + 120, start.y + 60, { steps: 4 });
  await b.mouse.up();
  const moved = (await actorsByName(b))['Kyläyhdistys'];
  assert.ok(moved.x > before.x + 50 && moved.y > before.y + 20, `B moved the actor (${before.x},${before.y} → ${moved.x},${moved.y})`);
  await waitFor(a, ([x, y]) => {
    const actor = [...window.kartta.model.actors.values()].find((v) => v.name === 'Kyläyhdistys');
    return actor && actor.x === x && actor.y === y;
  }, [moved.x, moved.y]);

  // B's cursor, with B's name, is visible to A.
  await b.mouse.move(start.x - 100, start.y - 100, { steps: 3 });
  await waitFor(a, () => document.querySelector('.k-cursor[data-peer="Bertil"]') !== null);
  await waitFor(a, () => [...document.querySelectorAll('#k-people .k-person-name')].some((e) => e.textContent === 'Bertil'));

  // B draws with the pen: A sees the stroke while it is being drawn, and B's own stroke lands at pen-up.
  await b.locator('#k-canvas').focus();
  await b.keyboard.press('p');
  await b.mouse.move(start.x - 200, start.y - 250);
  await b.mouse.down();
  for (let i = 1; i <= 12; i++) await b.mouse.move(start.x - 200 + i * 12, start.y - 250 + Math.sin(i / 2) * 20);
  await waitFor(a, () => document.querySelector('.k-layer-overlay .k-live-ink') !== null);
  assert.equal(await a.evaluate(() => window.kartta.model.strokes.size), 0, 'nothing is written before pen-up');
  await b.mouse.up();
  await waitFor(a, () => window.kartta.model.strokes.size === 1 && document.querySelector('.k-layer-inks .k-stroke') !== null);
  await waitFor(a, () => document.querySelector('.k-layer-overlay .k-live-ink') === null);
  await b.keyboard.press('v');

  // A's undo takes back A's own last action (the relation), not B's move.
  await a.locator('#k-canvas').focus();
  await a.keyboard.press('Control+z');
  await waitFor(a, () => window.kartta.model.liveRelations().length === 0);
  await waitFor(b, () => window.kartta.model.liveRelations().length === 0);
  const afterUndo = (await actorsByName(a))['Kyläyhdistys'];
  assert.deepEqual([afterUndo.x, afterUndo.y], [moved.x, moved.y], 'B’s move survives A’s undo');
  assert.equal((await a.evaluate(() => window.kartta.model.actors.size)), 3);

  // B goes offline and renames an actor while A moves another; on reconnect both edits are everywhere.
  await b.evaluate(() => window.kartta.provider.disconnect());
  await waitFor(b, () => document.querySelector('#k-conn')?.classList.contains('k-conn-disconnected'));
  assert.match(await b.textContent('#k-conn'), /Offline/);
  const ids = await a.evaluate(() => Object.fromEntries([...window.kartta.model.actors.values()].map((v) => [v.name, v.id])));
  await b.evaluate((id) => window.kartta.model.updateActor(id, { name: 'Kaupunginhallitus' }), ids['Kaupunki']);
  await a.evaluate((id) => window.kartta.model.moveElements([{ id, x: 900, y: -300 }]), ids['Yliopisto']);
  await b.evaluate(() => window.kartta.provider.connect());
  for (const page of [a, b]) {
    await waitFor(page, ([k, y]) => {
      const m = window.kartta.model;
      return m.actors.get(k)?.name === 'Kaupunginhallitus' && m.actors.get(y)?.x === 900;
    }, [ids['Kaupunki'], ids['Yliopisto']]);
  }
  await waitFor(b, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));

  // A writes a sticky note; B sees the text arrive in the note.
  await a.keyboard.press('n');
  await a.mouse.click(cx + 250, cy + 150);
  await a.waitForSelector('textarea.k-inline-note:focus');
  await a.keyboard.type('Kysy rahoittajalta');
  await a.keyboard.press('Escape');
  await waitFor(b, () => [...window.kartta.model.notes.values()].some((n) => n.body === 'Kysy rahoittajalta'));
  await waitFor(b, () => [...document.querySelectorAll('.k-layer-notes tspan')].some((e) => e.textContent.includes('rahoittajalta')));

  // Zoomed in, most of the map is culled from the screen; the whole-map export still has all of it.
  await a.evaluate(() => { const v = window.kartta.viewport; v.zoomBy(3); v.centerOn(-5000, -5000); window.kartta.renderer.commitViewport(); });
  assert.ok(await a.evaluate(() => document.querySelectorAll('.k-layer-actors > g[style*="display: none"]').length) >= 3, 'off-screen actors are culled');

  // Export: the whole map as JSON and SVG (made by the server, with the actors' names in them) and the current view as PNG.
  await a.click('#k-export-menu summary');
  const [jsonDownload] = await Promise.all([a.waitForEvent('download'), a.click('#k-export-menu a[data-export="export.json"]')]);
  const exported = JSON.parse(await streamText(await jsonDownload.createReadStream()));
  assert.match(jsonDownload.suggestedFilename(), /\.json$/);
  assert.deepEqual(exported.actors.map((x) => x.name).sort(), ['Kaupunginhallitus', 'Kyläyhdistys', 'Yliopisto']);
  await a.click('#k-export-menu summary');
  const [svgDownload] = await Promise.all([a.waitForEvent('download'), a.click('#k-export-menu a[data-export="export.svg"]')]);
  const svgText = await streamText(await svgDownload.createReadStream());
  assert.match(svgDownload.suggestedFilename(), /\.svg$/);
  assert.match(svgText, /<svg[^>]*viewBox/);
  for (const name of ['Kaupunginhallitus', 'Yliopisto', 'Kyläyhdistys']) assert.ok(svgText.includes(name), `SVG export contains ${name}`);
  assert.ok(!/style="[^"]*display: none/.test(svgText), 'nothing in a whole-board export is hidden by culling');
  await a.click('#k-export-menu summary');
  const [pngDownload] = await Promise.all([a.waitForEvent('download'), a.getByText('Current view as PNG').click()]);
  const png = await streamBytes(await pngDownload.createReadStream());
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'PNG signature');
  assert.ok(png.length > 2000, 'PNG has content');
  // The page's scene styles are a constructed stylesheet; the browser's SVG carries them itself.
  await a.click('#k-export-menu summary');
  const [viewSvg] = await Promise.all([a.waitForEvent('download'), a.getByText('Current view as SVG').click()]);
  const viewSvgText = await streamText(await viewSvg.createReadStream());
  assert.match(viewSvgText, /<style[^>]*>[^<]*\.k-actor-name \{/, 'the view SVG embeds the scene styles');

  await a.screenshot({ path: `${ARTIFACTS}/e2e-person-a.png` });
  await b.screenshot({ path: `${ARTIFACTS}/e2e-person-b.png` });
  await axeScan(a, 'board with content');
});

test('a keyboard-only user builds and edits the map through the outline', { timeout: 90_000 }, async () => {
  const page = await personPage('Kirsi');
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Kirsi');
  await tabTo(page, '#k-create');
  await page.keyboard.press('Enter');
  // The share dialog greets the creator with focus inside it; Escape closes it.
  await page.waitForSelector('#k-share-dialog[open]');
  await page.keyboard.press('Escape');
  await waitFor(page, () => !document.querySelector('#k-share-dialog'));
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  await page.locator('#k-canvas').focus();

  // "o" opens the outline with focus in the new-actor field.
  await page.keyboard.press('o');
  await waitFor(page, () => document.activeElement?.id === 'k-outline-new');
  await page.keyboard.type('Kunta');
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.kartta.model.actors.size === 1 && document.activeElement?.id === 'k-outline-new');
  await page.keyboard.type('Yhdistys');
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.kartta.model.actors.size === 2);

  await tabTo(page, '#k-connect-from');
  await page.keyboard.type('Kunta');
  await tabTo(page, '#k-connect-to');
  await page.keyboard.type('Yhdistys');
  await tabTo(page, '#k-connect');
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.kartta.model.liveRelations().length === 1);
  const { from, to } = await page.evaluate(() => {
    const r = window.kartta.model.liveRelations()[0];
    const m = window.kartta.model;
    return { from: m.actors.get(r.from).name, to: m.actors.get(r.to).name };
  });
  assert.deepEqual([from, to], ['Kunta', 'Yhdistys']);
  await waitFor(page, () => document.querySelectorAll('.k-layer-actors .k-actor').length === 2 && document.querySelectorAll('.k-layer-relations .k-relation').length === 1);
  const status = await page.textContent('.k-outline .k-sr-status');
  assert.match(status, /Kunta → Yhdistys/);

  // Rename through the outline.
  const yhdistysId = await page.evaluate(() => [...window.kartta.model.actors.values()].find((a) => a.name === 'Yhdistys').id);
  await tabTo(page, `[data-key="name:${yhdistysId}"]`);
  await page.keyboard.press('Control+a');
  await page.keyboard.type('Kyläyhdistys');
  await page.keyboard.press('Enter');
  await waitFor(page, (id) => window.kartta.model.actors.get(id)?.name === 'Kyläyhdistys', yhdistysId);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-outline.png` });
  await axeScan(page, 'outline');

  // The legend, by keyboard: a kind is dimmed, then hidden from the canvas, then shown again.
  await tabTo(page, '#k-tab-legend');
  await page.keyboard.press('Enter');
  await tabTo(page, '[data-kind="municipality"]');
  await page.keyboard.press('Enter');
  await waitFor(page, () => document.querySelectorAll('.k-layer-actors .k-actor.k-dim').length === 2);
  await page.keyboard.press('Enter');
  await waitFor(page, () => document.querySelectorAll('.k-layer-actors .k-actor').length === 0);
  assert.match(await page.textContent('[data-kind="municipality"]'), /2/);
  await page.keyboard.press('Enter');
  await waitFor(page, () => document.querySelectorAll('.k-layer-actors .k-actor').length === 2);
  await tabTo(page, '#k-tab-outline', 120);
  await page.keyboard.press('Enter');

  // Delete through the outline: the relation goes with the actor.
  await tabTo(page, `[data-key="del:${yhdistysId}"]`);
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.kartta.model.actors.size === 1 && window.kartta.model.relations.size === 0);
});

test('switching to Swedish changes the interface and its language attributes', { timeout: 60_000 }, async () => {
  const page = await personPage('Sara');
  await page.goto(`${server.origin}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await axeScan(page, 'landing page');
  await page.selectOption('#k-lang', 'sv');
  await waitFor(page, () => document.documentElement.lang === 'sv');
  assert.equal(await page.textContent('#k-create'), 'Skapa en ny tavla');
  await page.fill('#k-name', 'Sara');
  await page.click('#k-create');
  await closeShareDialog(page);
  assert.equal(await page.getAttribute('[data-tool="actor"]', 'aria-label'), 'Aktör');
  assert.equal(await page.textContent('#k-tab-details'), 'Detaljer');
  await page.selectOption('#k-template', 'sectors');
  await waitFor(page, () => [...document.querySelectorAll('.k-template-label')].some((e) => e.textContent === 'Tredje sektorn'));
  await page.screenshot({ path: `${ARTIFACTS}/e2e-swedish.png` });
  await page.click('#k-help-button');
  await page.waitForSelector('#k-help[open]');
  assert.equal(await page.textContent('#k-help-title'), 'Kortkommandon');
  await axeScan(page, 'help sheet (Swedish)');
  await page.keyboard.press('Escape');
  // Suomeksi the same board relabels its template at once.
  await page.focus('#k-lang');
  await page.selectOption('#k-lang', 'fi');
  await waitFor(page, () => [...document.querySelectorAll('.k-template-label')].some((e) => e.textContent === 'Kolmas sektori'));
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'k-lang', 'focus stays on the language switcher');
  assert.equal(await page.getAttribute('html', 'lang'), 'fi');
});

test('the view zooms with ctrl+wheel and a two-finger pinch, and pans with space-drag', { timeout: 60_000 }, async () => {
  const page = await personPage('Ville');
  await createBoard(page, 'Ville');
  const box = await page.locator('#k-canvas').boundingBox();
  const view = () => page.evaluate(() => ({ zoom: window.kartta.viewport.zoom, tx: window.kartta.viewport.tx, ty: window.kartta.viewport.ty }));
  const start = await view();

  // Ctrl+wheel zooms in around the pointer: the board point under it stays put.
  const px = box.x + 300;
  const py = box.y + 200;
  const under = await page.evaluate(([x, y]) => window.kartta.viewport.toWorld(x, y), [300, 200]);
  await page.mouse.move(px, py);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -240);
  await page.keyboard.up('Control');
  await waitFor(page, (z) => window.kartta.viewport.zoom > z * 1.5, start.zoom);
  const still = await page.evaluate(([x, y]) => window.kartta.viewport.toScreen(x, y), [under.x, under.y]);
  assert.ok(Math.abs(still.x - 300) < 1 && Math.abs(still.y - 200) < 1, 'the point under the pointer stays under it');

  // A two-finger pinch (touch pointer events) zooms out by the ratio of finger distances.
  const zoomBefore = (await view()).zoom;
  await page.evaluate(([left, top]) => {
    const el = document.getElementById('k-canvas');
    const fire = (type, id, x, y) => el.dispatchEvent(new PointerEvent(type, { pointerId: id, pointerType: 'touch', clientX: left + x, clientY: top + y, bubbles: true, isPrimary: id === 11 }));
    fire('pointerdown', 11, 200, 300);
    fire('pointerdown', 12, 600, 300);
    for (let i = 1; i <= 10; i++) {
      fire('pointermove', 11, 200 + i * 10, 300);
      fire('pointermove', 12, 600 - i * 10, 300);
    }
    fire('pointerup', 11, 300, 300);
    fire('pointerup', 12, 500, 300);
  }, [box.x, box.y]);
  const pinched = (await view()).zoom;
  assert.ok(Math.abs(pinched / zoomBefore - 0.5) < 0.02, `pinch halves the zoom (${zoomBefore} → ${pinched})`);
  assert.equal(await page.evaluate(() => window.kartta.model.actors.size), 0, 'a pinch draws nothing');

  // Space + drag pans, even with the actor tool active, and places nothing.
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('a');
  const before = await view();
  await page.keyboard.down(' ');
  await page.mouse.move(box.x + 400, box.y + 400);
  await page.mouse.down();
  await page.mouse.move(box.x + 480, box.y + 430, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.up(' ');
  const after = await view();
  assert.deepEqual([Math.round(after.tx - before.tx), Math.round(after.ty - before.ty)], [80, 30]);
  assert.equal(await page.evaluate(() => window.kartta.model.actors.size), 0);

  // The zoom buttons: fit returns to 100 % on an empty board.
  await page.click('#k-zoom-in');
  await page.click('#k-fit');
  assert.equal((await view()).zoom, 1);
});

test('the board works on a phone-sized touch screen', { timeout: 60_000 }, async () => {
  const page = await personPage('Pia', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await createBoard(page, 'Pia');
  await page.tap('[data-tool="actor"]');
  const box = await page.locator('#k-canvas').boundingBox();
  await page.tap('#k-canvas', { position: { x: box.width / 2, y: box.height / 3 } });
  await page.waitForSelector('input.k-inline-name:focus');
  await page.keyboard.type('Kunta');
  await page.keyboard.press('Enter');
  await waitFor(page, () => [...window.kartta.model.actors.values()].some((a) => a.name === 'Kunta'));
  await page.screenshot({ path: `${ARTIFACTS}/e2e-phone.png` });
  await axeScan(page, 'phone board');
});
