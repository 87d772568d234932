// End-to-end: the board header fits a 1280 px laptop, a 1024 px tablet and a phone — the busiest
// case: a facilitator on a workshop board with a long title, a running timer and several people.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

/** Every header control that must be reachable at this size lies inside the window, none hidden under another. */
async function headerFits(page, ids) {
  // The header measures itself after a resize (a ResizeObserver, then a class): on a loaded machine
  // that may take a few frames, so the check is read again for up to 3 s before it fails.
  const clean = (r) => r.overflow <= 1 && r.missing.length + r.outside.length + r.covered.length === 0;
  let report = await headerReport(page, ids);
  for (const deadline = Date.now() + 3000; !clean(report) && Date.now() < deadline;) {
    await page.waitForTimeout(100);
    report = await headerReport(page, ids);
  }
  assert.ok(report.overflow <= 1, `the header does not scroll sideways at ${report.width} px (overflow ${report.overflow})`);
  assert.deepEqual(report.missing, [], `visible at ${report.width} px`);
  assert.deepEqual(report.outside, [], `inside the window at ${report.width} px`);
  assert.deepEqual(report.covered, [], `not covered at ${report.width} px`);
}

/** Where the header's controls are, read in the page: overflow, and those missing, outside the window or covered. */
function headerReport(page, ids) {
  return page.evaluate((wanted) => {
    const header = document.querySelector('.k-header');
    const out = { overflow: header.scrollWidth - header.clientWidth, width: innerWidth, missing: [], outside: [], covered: [] };
    for (const selector of wanted) {
      const el = document.querySelector(selector);
      const r = el?.getBoundingClientRect();
      if (!el || !r || r.width === 0 || getComputedStyle(el).visibility === 'hidden') {
        out.missing.push(selector);
        continue;
      }
      if (r.left < 0 || r.right > innerWidth + 0.5 || r.top < 0 || r.bottom > innerHeight) out.outside.push(`${selector} ${Math.round(r.left)}–${Math.round(r.right)}`);
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(el === hit || el.contains(hit))) out.covered.push(selector);
    }
    return out;
  }, ids);
}

const ACTIONS = ['#k-workshop-link', '#k-lock', '#k-present', '#k-template', '#k-share', '#k-export-menu summary', '#k-lang', '#k-help-button'];
const ALWAYS = ['.k-home', '#k-title', '#k-timer', '#k-conn', '#k-people', '#k-panel-button'];

test('the board header fits at 1280×800, 1024×768 and on a phone', { timeout: 120_000 }, async () => {
  const c = await person('layout', { viewport: { width: 1280, height: 800 } });
  const f = c.page;
  await f.goto(`${server.origin}/`);
  await f.fill('#k-name', 'Fanni Facilitaattori');
  await f.click('#k-workshop-details summary');
  await f.fill('#k-w-title', 'Pohjois-Pohjanmaan kumppanuusfoorumi');
  await f.fill('#k-w-groups', '1');
  await f.click('#k-w-create');
  await f.waitForSelector('.k-board-card');
  await f.fill('#k-timer-minutes', '15');
  await f.click('#k-timer-start');
  await f.click('[data-open]');
  await f.waitForSelector('#k-canvas');
  await f.fill('#k-title', 'Ryhmä 1: Elinvoimainen maaseutu ja sen verkostot');
  await f.keyboard.press('Enter');
  await f.locator('#k-canvas').focus();
  // Five more people on the board (extra tabs: each is a person to the others).
  for (let i = 0; i < 5; i++) {
    const tab = await c.context.newPage();
    await tab.goto(f.url());
    await tab.waitForSelector('#k-canvas');
  }
  await waitFor(f, () => document.querySelectorAll('#k-people .k-person').length === 5 && /\+2/.test(document.querySelector('#k-people').textContent));
  await waitFor(f, () => !document.querySelector('#k-timer').hidden);

  // A 1280 px laptop: everything in the header, with the side panel open.
  await headerFits(f, [...ALWAYS, ...ACTIONS]);
  assert.equal(await f.isVisible('#k-more-button'), false);
  assert.ok(await f.evaluate(() => document.querySelector('#k-title').getBoundingClientRect().width >= 150), 'the title keeps room to be read');
  await f.screenshot({ path: `${ARTIFACTS}/e2e-header-1280.png` });
  await axeScan(f, 'board header at 1280 px');

  // A 1024 px tablet: icons instead of labels, all still there.
  await f.setViewportSize({ width: 1024, height: 768 });
  await f.waitForTimeout(200);
  await headerFits(f, [...ALWAYS, ...ACTIONS]);
  await f.screenshot({ path: `${ARTIFACTS}/e2e-header-1024.png` });

  // Finnish and Swedish labels are longer: they fit too.
  for (const lang of ['fi', 'sv']) {
    await f.selectOption('#k-lang', lang);
    await waitFor(f, (l) => document.documentElement.lang === l, lang);
    for (const size of [{ width: 1280, height: 800 }, { width: 1024, height: 768 }]) {
      await f.setViewportSize(size);
      await f.waitForTimeout(150);
      await headerFits(f, [...ALWAYS, ...ACTIONS]);
      assert.ok(await f.evaluate(() => document.querySelector('#k-title').getBoundingClientRect().width >= 150), `the title keeps room in ${lang} at ${size.width} px`);
    }
    await f.setViewportSize({ width: 1280, height: 800 });
    await f.screenshot({ path: `${ARTIFACTS}/e2e-header-1280-${lang}.png` });
  }
  await f.selectOption('#k-lang', 'en');
  await f.setViewportSize({ width: 1024, height: 768 });

  // A phone: the actions move behind "More", which opens as a sheet and closes with Escape.
  await f.setViewportSize({ width: 390, height: 844 });
  await f.waitForTimeout(200);
  await headerFits(f, ['.k-home', '#k-title', '#k-conn', '#k-people', '#k-more-button', '#k-panel-button']);
  assert.equal(await f.isVisible('#k-share'), false);
  await f.screenshot({ path: `${ARTIFACTS}/e2e-header-phone.png` });
  await f.click('#k-more-button');
  assert.equal(await f.getAttribute('#k-more-button', 'aria-expanded'), 'true');
  await headerFits(f, ACTIONS);
  assert.equal(await f.evaluate(() => document.activeElement?.id), 'k-workshop-link', 'focus moves into the sheet');
  await f.screenshot({ path: `${ARTIFACTS}/e2e-header-phone-more.png` });
  await axeScan(f, 'phone header with the More sheet open');
  await f.keyboard.press('Escape');
  assert.equal(await f.getAttribute('#k-more-button', 'aria-expanded'), 'false');
  assert.equal(await f.evaluate(() => document.activeElement?.id), 'k-more-button', 'focus returns to More');
  assert.equal(await f.isVisible('#k-share'), false);
  // A choice in the sheet does its work and closes the sheet.
  await f.click('#k-more-button');
  await f.click('#k-help-button');
  await f.waitForSelector('#k-help[open]');
  assert.equal(await f.getAttribute('#k-more-button', 'aria-expanded'), 'false');
  await f.keyboard.press('Escape');
  // Tapping outside closes it too.
  await f.click('#k-more-button');
  await f.mouse.click(30, 300);
  assert.equal(await f.getAttribute('#k-more-button', 'aria-expanded'), 'false');
});
