// End-to-end: files downloaded from a group board's export menu are saved under the board's and
// the workshop's names (the server's Content-Disposition), and the CSV sheets open in a Finnish
// spreadsheet: a byte-order mark first, and a variant with semicolons between cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, downloadText, openBoard, api } from './harness.mjs';

useServer();

test('downloads are named after the board and the workshop; CSV sheets carry a BOM, and semicolons on request', { timeout: 120_000 }, async () => {
  const created = await (await api('POST', '/api/workshops', null, { title: 'Kumppanuus "Öljy" Turku', locale: 'fi', template: 'rings', groupCount: 1 })).json();
  const boardId = created.workshop.boards[0].id;
  const { facilitator, participant } = created.tokens;

  const { page } = await openBoard('Fanni', boardId, facilitator, { viewport: { width: 1366, height: 900 } });
  await page.evaluate(() => {
    window.kartta.model.addActor({ name: 'Åbo Akademi', kind: 'education_research', x: 0, y: 0 });
  });
  // A server fact: the stored board has the actor before its sheet is asked for.
  for (;;) {
    const stored = await (await api('GET', `/api/boards/${boardId}/export.json`, participant)).json();
    if (stored.actors.length === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  const save = async (selector) => {
    await page.click('#k-export-menu summary');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    return download;
  };

  const png = await save('[data-export="export.png"]');
  assert.equal(png.suggestedFilename(), 'Ryhmä 1.png');

  const csv = await save('[data-export="actors.csv"]:not([data-separator])');
  assert.equal(csv.suggestedFilename(), 'Ryhmä 1 – actors.csv');
  const commas = await downloadText(csv);
  assert.ok(commas.startsWith('\uFEFFLabel,Type,'), commas.slice(0, 40));
  assert.match(commas, /Type \(fi\)/);
  assert.match(commas, /Koulutus tai tutkimus/);

  const semicolons = await save('[data-export="actors.csv"][data-separator="semicolon"]');
  assert.equal(semicolons.suggestedFilename(), 'Ryhmä 1 – actors.csv');
  const text = await downloadText(semicolons);
  assert.ok(text.startsWith('\uFEFFLabel;Type;'), text.slice(0, 40));
  assert.match(text, /Åbo Akademi;education_research;/);

  const zip = await save('[data-export="zip"]');
  assert.equal(zip.suggestedFilename(), 'Kumppanuus Öljy Turku.zip');
});
