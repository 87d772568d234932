// End-to-end: the side panel's tabs (details, outline, legend, snapshots) stay on one row on a 1280 px
// laptop in every language, each label whole (Swedish has the longest words).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, axeScan, api, ARTIFACTS } from './harness.mjs';

useServer();

/** Each tab's top, left and right edge, and whether its label is cut, with the tab list's own box. */
function tabBoxes(page) {
  return page.evaluate(() => {
    const list = document.querySelector('.k-tabs').getBoundingClientRect();
    const tabs = [...document.querySelectorAll('.k-tabs [role=tab]')].map((tab) => {
      const r = tab.getBoundingClientRect();
      return { label: tab.textContent, top: Math.round(r.top), left: r.left, right: r.right, cut: tab.scrollWidth > tab.clientWidth + 0.5 };
    });
    return { list: { left: list.left, right: list.right }, tabs };
  });
}

test('the side panel tabs are one row at 1280 px in Swedish, Finnish and English', { timeout: 120_000 }, async () => {
  const created = await (await api('POST', '/api/workshops', null, { title: 'Kumppanuusfoorumi', locale: 'sv', template: 'rings', groupCount: 1 })).json();
  const boardId = created.workshop.boards[0].id;
  const { page } = await person('Sara', { viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => localStorage.setItem('kartta.name', 'Sara'));
  await page.goto(`${server.origin}/`);
  await page.evaluate(() => localStorage.setItem('kartta.locale', 'sv'));
  await page.goto(`${server.origin}/b/${encodeURIComponent(boardId)}#t=${encodeURIComponent(created.tokens.participant)}`);
  await page.waitForSelector('#k-canvas');
  for (const lang of ['sv', 'fi', 'en']) {
    if (lang !== 'sv') await page.selectOption('#k-lang', lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await page.waitForSelector('.k-side-open #k-tab-snapshots');
    const { list, tabs } = await tabBoxes(page);
    assert.equal(tabs.length, 4, `${lang}: details, outline, legend and snapshots`);
    assert.deepEqual(tabs.map((tab) => tab.top), tabs.map(() => tabs[0].top), `${lang}: one row (${tabs.map((tab) => tab.label).join(', ')})`);
    for (const tab of tabs) {
      assert.equal(tab.cut, false, `${lang}: "${tab.label}" is whole`);
      assert.ok(tab.left >= list.left - 0.5 && tab.right <= list.right + 0.5, `${lang}: "${tab.label}" inside the panel (${tab.left}–${tab.right} in ${list.left}–${list.right})`);
    }
    if (lang === 'sv') {
      await page.click('#k-tab-snapshots');
      await page.screenshot({ path: `${ARTIFACTS}/e2e-side-tabs-sv-1280.png` });
      await axeScan(page, 'side panel tabs in Swedish at 1280 px');
    }
  }
});
