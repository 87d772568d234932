// End-to-end: the whole-board PNG saved from the export menu is a picture that stands alone: a title
// block (board, workshop, date in the workshop's language) above the map, a legend of what the board
// uses below it, and a sticky note's text wrapped inside the note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { useServer, server, person, waitFor, openBoard, ARTIFACTS, api } from './harness.mjs';

useServer();

test('the exported PNG has a title block, a legend of the kinds used and note text inside its note', { timeout: 120_000 }, async () => {
  const created = await (await api('POST', '/api/workshops', null, { title: 'Varsinais-Suomen kumppanuusfoorumi', locale: 'fi', template: 'rings', groupCount: 1 })).json();
  const boardId = created.workshop.boards[0].id;
  const { facilitator, participant } = created.tokens;
  const { page } = await openBoard('Fanni', boardId, facilitator, { viewport: { width: 1366, height: 900 } });
  await page.evaluate(() => {
    const m = window.kartta.model;
    const city = m.addActor({ name: 'Turun kaupunki', kind: 'municipality', x: -200, y: -120 });
    const university = m.addActor({ name: 'Turun yliopisto', kind: 'education_research', x: 220, y: -60 });
    m.addRelation(city, university, { kind: 'collaboration', status: 'desired' });
    m.addNote({ x: -120, y: 120, body: 'Yhteinen hankehakemus maakunnan kehittämisrahastoon keväällä, vastuuhenkilöt sovitaan seuraavassa tapaamisessa' });
  });
  for (;;) {
    const stored = await (await api('GET', `/api/boards/${boardId}/export.json`, participant)).json();
    if (stored.actors.length === 2 && stored.relations.length === 1 && stored.notes.length === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.click('#k-export-menu summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="export.png"]')]);
  const saved = `${ARTIFACTS}/e2e-export-picture.png`;
  copyFileSync(await download.path(), saved);
  // The same picture as SVG, to read its words (the PNG is that SVG rasterised by the server).
  const svgText = await (await api('GET', `/api/boards/${boardId}/export.svg`, participant)).text();
  assert.match(svgText, /class="k-caption-title"[^>]*>Ryhmä 1<\/text>/);
  assert.match(svgText, /class="k-caption-subtitle"[^>]*>Varsinais-Suomen kumppanuusfoorumi · \d{1,2}\.\d{1,2}\.\d{4}<\/text>/);
  const legend = [...svgText.matchAll(/class="k-legend-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(legend, ['Koulutus tai tutkimus', 'Kunta', 'Yhteistyö', 'Toivottu']);
  // The PNG in the browser: as wide as the map and taller than it by the title block and the legend.
  const size = await page.evaluate(async (url) => {
    const image = new Image();
    image.src = url;
    await image.decode();
    return { width: image.naturalWidth, height: image.naturalHeight };
  }, `${server.origin}/api/boards/${boardId}/export.png?token=${encodeURIComponent(participant)}`);
  const viewBox = svgText.match(/viewBox="([^"]+)"/)[1].split(' ').map(Number);
  assert.deepEqual([size.width, size.height], [Math.round(viewBox[2]), Math.round(viewBox[3])]);
});

test('a picture of the current view also names its board, workshop and date, with a legend of what is in view', { timeout: 120_000 }, async () => {
  const created = await (await api('POST', '/api/workshops', null, { title: 'Kumppanuusfoorumi', locale: 'fi', template: 'blank', groupCount: 1 })).json();
  const boardId = created.workshop.boards[0].id;
  const { page } = await person('Fanni', { viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => localStorage.setItem('kartta.locale', 'fi'));
  await page.addInitScript(() => localStorage.setItem('kartta.name', 'Fanni'));
  await page.goto(`${server.origin}/b/${encodeURIComponent(boardId)}#t=${encodeURIComponent(created.tokens.facilitator)}`);
  await page.waitForSelector('#k-canvas');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  await page.evaluate(() => {
    const m = window.kartta.model;
    const city = m.addActor({ name: 'Turun kaupunki', kind: 'municipality', x: -150, y: 0 });
    const firm = m.addActor({ name: 'Meyer Turku', kind: 'business', x: 150, y: 0 });
    m.addRelation(city, firm, { kind: 'funding' });
    // Far out of the view: not in the legend.
    m.addActor({ name: 'Kaukainen yhdistys', kind: 'association', x: 90_000, y: 90_000 });
    window.kartta.viewport.fit({ x: -400, y: -200, w: 800, h: 400 });
  });
  await page.click('#k-export-menu summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export.view.svg"]')]);
  const svgText = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  assert.match(svgText, /class="k-caption-title"[^>]*>Ryhmä 1<\/text>/);
  assert.match(svgText, /class="k-caption-subtitle"[^>]*>Kumppanuusfoorumi · \d{1,2}\.\d{1,2}\.\d{4}<\/text>/);
  const legend = [...svgText.matchAll(/class="k-legend-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(legend, ['Yritys', 'Kunta', 'Rahoitus']);
  // Look at it: the PNG of the same view.
  await page.click('#k-export-menu summary');
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export.view.png"]')]);
  copyFileSync(await png.path(), `${ARTIFACTS}/e2e-export-view.png`);
});
