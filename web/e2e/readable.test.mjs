// End-to-end: readable by default (issue 11, items 1, 2 and 5): a board opens on its content at a
// zoom where names can be read (10 px and more on a phone) with no card cut by the screen's edge,
// names stay drawn when zoomed out, the name field is at screen scale,
// and the phone's header and palette fit, in Finnish and Swedish, with the timer running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

const LAPTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
/** A ring of actors far from the board's origin, wider than any screen shows at a readable zoom. */
const FAR_CENTRE = { x: 6000, y: 4000 };
const RING_NAMES = [
  'Varsinais-Suomen hyvinvointialue', 'Turun kaupunki', 'Kela', 'Yrittäjät ry', 'Turun yliopisto', 'ELY-keskus',
  'Åbo Akademi', 'Kylätoimikunta', 'Seurakunta', 'Liikuntaseura', 'TE-palvelut', 'Paikallislehti',
];

/** Creates a quick board and returns its edit link once the creator is connected. */
async function createBoard(page) {
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', 'Fanni');
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  const link = await page.inputValue('#k-share-dialog .k-copy-input');
  await page.click('#k-share-close');
  await waitFor(page, () => window.kartta.provider?.synced === true && document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  return link;
}

/** Opens an edit link in a fresh browser as `name` and waits for the first sync. */
async function join(link, name, options, withContent = true) {
  const { page } = await person(name, options);
  await page.goto(link);
  await page.fill('#k-ask-name', name);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#k-canvas');
  await waitFor(page, (content) => window.kartta.provider?.synced === true && (!content || window.kartta.model.actors.size > 0), withContent);
  return page;
}

/** The zoom the page's zoom indicator shows, as a fraction. */
async function shownZoom(page) {
  const text = await page.textContent('.k-zoom-level');
  return Number(/(\d+)/.exec(text)[1]) / 100;
}

/**
 * The names of the actors whose whole card lies on the canvas, of those the canvas's edge cuts, and
 * of those the tool bar floating over the canvas covers, as drawn now.
 */
const cardsOnScreen = (page) => page.evaluate(() => {
  const canvas = document.getElementById('k-canvas').getBoundingClientRect();
  const tools = document.querySelector('.k-tools').getBoundingClientRect();
  const whole = [];
  const cut = [];
  const underTools = [];
  for (const body of document.querySelectorAll('.k-layer-actors .k-actor-body')) {
    const r = body.getBoundingClientRect();
    const name = window.kartta.model.actors.get(body.closest('[data-id]').dataset.id).name;
    const inside = r.left >= canvas.left && r.top >= canvas.top && r.right <= canvas.right && r.bottom <= canvas.bottom;
    const outside = r.right <= canvas.left || r.left >= canvas.right || r.bottom <= canvas.top || r.top >= canvas.bottom;
    if (inside) whole.push(name);
    else if (!outside) cut.push(name);
    if (r.left < tools.right && r.right > tools.left && r.top < tools.bottom && r.bottom > tools.top) underTools.push(name);
  }
  return { whole, cut, underTools };
});

/** The names of the actors whose whole card lies on the canvas. */
const actorsOnScreen = async (page) => (await cardsOnScreen(page)).whole;

/** The smallest size (px on screen) of the card names drawn whole on the canvas. */
const smallestNameOnScreen = (page) => page.evaluate(() => {
  const canvas = document.getElementById('k-canvas').getBoundingClientRect();
  let smallest = Infinity;
  for (const text of document.querySelectorAll('.k-layer-actors .k-actor-name')) {
    const r = text.getBoundingClientRect();
    if (r.left < canvas.left || r.right > canvas.right || r.top < canvas.top || r.bottom > canvas.bottom) continue;
    smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * window.kartta.viewport.zoom);
  }
  return smallest;
});

/**
 * The zoomed-out names of the cards whole on the canvas: the text, its size on screen, whether it
 * starts on its card, whether it is taller than the card, and the other cards it runs into.
 */
const farNamesOnScreen = (page) => page.evaluate(() => {
  const canvas = document.getElementById('k-canvas').getBoundingClientRect();
  const boxOf = (element) => {
    const r = element.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
  };
  const all = [...document.querySelectorAll('.k-layer-actors .k-actor')].map((card) => ({ id: card.dataset.id, box: boxOf(card.querySelector('.k-actor-body')) }));
  const whole = all.filter(({ box: r }) => r.width > 0 && r.left >= canvas.left && r.right <= canvas.right && r.top >= canvas.top && r.bottom <= canvas.bottom);
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  return whole.map(({ id, box: cardBox }) => {
    const text = document.querySelector(`.k-layer-far-names [data-id="${id}"]`);
    const box = text ? boxOf(text) : null;
    return {
      name: window.kartta.model.actors.get(id).name, text: text?.textContent ?? null,
      shown: Boolean(text) && getComputedStyle(text).display !== 'none' && box.width > 0,
      screenPx: Number(text?.getAttribute('font-size')) * window.kartta.viewport.zoom,
      width: box?.width ?? 0,
      // Where the card's name starts, on the card's middle line: inside the card's height, or, on a
      // card too small on screen for a legible name, standing out of it equally above and below.
      startsOnCard: Boolean(box) && box.left >= cardBox.left && box.left <= cardBox.right
        && ((box.top >= cardBox.top - 0.5 && box.bottom <= cardBox.bottom + 0.5) || Math.abs(box.top + box.bottom - cardBox.top - cardBox.bottom) / 2 <= 1.5),
      standsOut: Boolean(box) && box.bottom - box.top > cardBox.bottom - cardBox.top + 0.5,
      runsInto: box ? all.filter((other) => other.id !== id && overlap(box, other.box)).map((other) => window.kartta.model.actors.get(other.id).name) : [],
    };
  });
});

/** Shows the board point `centre` in the middle of the screen at `zoom`. */
const zoomTo = (page, zoom, centre) => page.evaluate(([z, c]) => {
  const viewport = window.kartta.viewport;
  viewport.zoom = z;
  viewport.centerOn(c.x, c.y);
}, [zoom, centre]);

/** Waits until the renderer has laid the drawing out at the viewport's zoom (it does so once the view stands still). */
const settled = (page) => waitFor(page, () => {
  const world = document.querySelector('.k-world')?.getAttribute('transform') ?? '';
  return Math.abs(Number(/matrix\(([^ ]+)/.exec(world)?.[1]) - window.kartta.viewport.zoom) < 1e-9;
});

test('a board opens on its content at a readable zoom on a laptop and a phone, with names drawn when zoomed out', { timeout: 180_000 }, async () => {
  const { page: creator } = await person('Fanni', LAPTOP);
  const link = await createBoard(creator);
  // An empty board opens at 100 %, not fitted to its background.
  assert.equal(await shownZoom(creator), 1);
  await creator.evaluate(({ centre, names }) => {
    names.forEach((name, i) => {
      // Two in the core, the rest on a wide ring around them.
      const angle = (i / (names.length - 2)) * 2 * Math.PI;
      const [x, y] = i < 2 ? [(i - 0.5) * 240, 0] : [1100 * Math.cos(angle), 800 * Math.sin(angle)];
      window.kartta.model.addActor({ name, kind: 'municipality', x: centre.x + x, y: centre.y + y });
    });
    // One where a laptop's screen edge falls at 75 % (627 units right of the middle): it must not open cut in two.
    window.kartta.model.addActor({ name: 'Kaarinan seurakuntayhtymä', kind: 'association', x: centre.x + 600, y: centre.y + 60 });
  }, { centre: FAR_CENTRE, names: RING_NAMES });

  const laptop = await join(link, 'Lauri', LAPTOP);
  await waitFor(laptop, (n) => window.kartta.model.actors.size === n, RING_NAMES.length + 1);
  assert.ok(await shownZoom(laptop) >= 0.75, `the laptop opens at ${await shownZoom(laptop)}`);
  await settled(laptop);
  const laptopCards = await cardsOnScreen(laptop);
  assert.ok(laptopCards.whole.length >= 2, 'the laptop shows the content');
  // No card is cut by the screen's edge at opening: each is whole, or off screen until one pans.
  assert.deepEqual(laptopCards.cut, [], 'no card is cut on the laptop');
  assert.deepEqual(laptopCards.underTools, [], 'no card opens under the tool bar on the laptop');
  await laptop.screenshot({ path: `${ARTIFACTS}/e2e-readable-laptop-open.png` });
  // About the middle of the content (moved a little, at most, so that no card is cut).
  const view = await laptop.evaluate(() => ({ ...window.kartta.viewport.center(), width: window.kartta.viewport.width, zoom: window.kartta.viewport.zoom }));
  assert.ok(Math.abs(view.x - FAR_CENTRE.x) < view.width / 2 / view.zoom && Math.abs(view.y - FAR_CENTRE.y) < 300, `near the content's middle: ${JSON.stringify(view)}`);
  assert.ok((await laptop.evaluate(() => [...document.querySelectorAll('.k-layer-actors .k-actor')].length)) > 0);

  const phone = await join(link, 'Pia', PHONE);
  await waitFor(phone, (n) => window.kartta.model.actors.size === n, RING_NAMES.length + 1);
  assert.ok(await shownZoom(phone) >= 0.85, `the phone opens at ${await shownZoom(phone)}`);
  await settled(phone);
  const phoneCards = await cardsOnScreen(phone);
  assert.ok(phoneCards.whole.length >= 1, 'the phone shows the content');
  assert.deepEqual(phoneCards.cut, [], 'no card is cut on the phone');
  assert.deepEqual(phoneCards.underTools, [], 'no card opens under the tool bar on the phone');
  // Names on a phone are read at arm's length on a small screen: at least 10 px, one-line names 11.
  const smallest = await smallestNameOnScreen(phone);
  assert.ok(smallest >= 10, `the smallest name on the phone is ${smallest} px`);
  await phone.screenshot({ path: `${ARTIFACTS}/e2e-readable-phone-open.png` });
  await axeScan(phone, 'a board opened on a phone');

  // The fit button fits the wide ring into the phone's 390 px (about 15 %): each card is a few px
  // tall there, too small to hold a legible name, so the names stand out of their cards at 8 px
  // (before, none was drawn below about 22 %).
  await phone.tap('#k-fit');
  await settled(phone);
  const fitted = await phone.evaluate(() => window.kartta.viewport.zoom);
  assert.ok(fitted < 0.22, `the phone fits the ring at ${fitted}`);
  await waitFor(phone, () => document.querySelectorAll('.k-far-name').length > 0);
  const small = await farNamesOnScreen(phone);
  assert.ok(small.length >= RING_NAMES.length / 2, `cards on the phone's screen after the fit: ${small.length}`);
  assert.ok(small.filter((d) => d.shown).length >= small.length * 0.75, `most cards show a name: ${JSON.stringify(small.map((d) => d.text))}`);
  for (const d of small.filter((n) => n.shown)) {
    // The size is set per zoom step (a quarter of a doubling), so on screen it may be a little under 8 px.
    assert.ok(d.screenPx >= 7.5, `${d.text} is legible (${d.screenPx} px)`);
    assert.ok(d.startsOnCard, `${d.text} starts on its card`);
    assert.deepEqual(d.runsInto, [], `${d.text} runs into no other card`);
    assert.ok(d.text === d.name || (d.text.endsWith('…') && d.name.startsWith(d.text.slice(0, -1).trimEnd())), `${d.text} is ${d.name}, shortened`);
  }
  assert.ok(small.some((d) => d.standsOut), 'names stand out of cards too small to hold them');
  await phone.screenshot({ path: `${ARTIFACTS}/e2e-readable-phone-fit.png` });

  // At 40 % each card shows its name on one line, legible on screen, shortened to the card.
  await zoomTo(laptop, 0.4, FAR_CENTRE);
  await settled(laptop);
  await waitFor(laptop, () => document.querySelectorAll('.k-far-name').length > 0);
  const drawn = await farNamesOnScreen(laptop);
  const zoom = await laptop.evaluate(() => window.kartta.viewport.zoom);
  assert.ok(drawn.length >= RING_NAMES.length / 2, `cards on screen at 40 %: ${drawn.length}`);
  for (const d of drawn) {
    assert.ok(d.shown, `${d.name} has its name drawn`);
    assert.ok(d.screenPx >= 10, `${d.text} is legible (${d.screenPx} px)`);
    assert.ok(d.startsOnCard, `${d.text} starts on its card`);
    // A far name runs to the right as far as the map leaves space, and never over another card.
    assert.deepEqual(d.runsInto, [], `${d.text} runs into no other card`);
    assert.ok(d.width <= 240 + 1, `${d.text} is at most 240 px long (${d.width})`);
    assert.ok(d.text === d.name || (d.text.endsWith('…') && d.name.startsWith(d.text.slice(0, -1).trimEnd())), `${d.text} is ${d.name}, shortened`);
  }
  // Where a card's name room (36 + 142 units) would have cut it, a name with space beside it is whole.
  assert.ok(drawn.some((d) => d.text === d.name && d.width > 178 * zoom), `a long name with space beside it is whole: ${JSON.stringify(drawn.map((d) => d.text))}`);
  assert.ok(drawn.some((d) => d.text.endsWith('…')), 'a long name with a card close beside it is shortened with an ellipsis');
  assert.equal(await laptop.evaluate(() => [...document.querySelectorAll('.k-actor-name')].filter((n) => getComputedStyle(n).display !== 'none').length), 0,
    'the three-line names, too small to read at 40 %, give way');
  await laptop.screenshot({ path: `${ARTIFACTS}/e2e-readable-laptop-40.png` });

  // Back at 100 % the cards show their names as laid out again.
  await zoomTo(laptop, 1, FAR_CENTRE);
  await settled(laptop);
  await waitFor(laptop, () => document.querySelectorAll('.k-far-name').length === 0);

  // Last (nothing waits for the view to settle after it): at 40 % again,
  // a name running past its card is part of it: clicking its letters beside the card selects the actor.
  await zoomTo(laptop, 0.4, FAR_CENTRE);
  await settled(laptop);
  await waitFor(laptop, () => document.querySelectorAll('.k-far-name').length > 0);
  const beside = await laptop.evaluate((name) => {
    const id = [...window.kartta.model.actors.values()].find((a) => a.name === name).id;
    const card = document.querySelector(`.k-layer-actors [data-id="${id}"] .k-actor-body`).getBoundingClientRect();
    const text = document.querySelector(`.k-layer-far-names [data-id="${id}"]`).getBoundingClientRect();
    return { id, x: (card.right + text.right) / 2, y: (text.top + text.bottom) / 2, past: text.right - card.right };
  }, 'Kaarinan seurakuntayhtymä');
  assert.ok(beside.past > 30, `the name runs ${beside.past} px past its card`);
  await laptop.mouse.click(beside.x, beside.y);
  await waitFor(laptop, (id) => window.kartta.editor.selection.size === 1 && window.kartta.editor.selection.has(id), beside.id);
});

test('the name field is at screen scale and inside a phone screen at 25 %', { timeout: 120_000 }, async () => {
  const { page } = await person('Pia', PHONE);
  await createBoard(page);
  await zoomTo(page, 0.25, { x: 0, y: 0 });
  await settled(page);
  await page.tap('[data-tool="actor"]');
  // A card placed at the right edge of the screen: the field must still be whole.
  const canvas = await page.locator('#k-canvas').boundingBox();
  await page.tap('#k-canvas', { position: { x: canvas.width - 6, y: canvas.height / 2 } });
  await page.waitForSelector('input.k-inline-name:focus');
  const field = await page.evaluate(() => {
    const input = document.querySelector('input.k-inline-name');
    const r = input.getBoundingClientRect();
    return { fontPx: parseFloat(getComputedStyle(input).fontSize), left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: innerWidth, height: innerHeight };
  });
  assert.ok(field.fontPx >= 16, `the name is typed at ${field.fontPx} px`);
  assert.ok(field.left >= 0 && field.top >= 0 && field.right <= field.width && field.bottom <= field.height, `the field lies inside the screen: ${JSON.stringify(field)}`);
  await page.keyboard.type('Varsinais-Suomen yrittäjät');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-readable-phone-name-field.png` });
  await axeScan(page, 'the name field on a phone');
  await page.keyboard.press('Enter');
  await waitFor(page, () => [...window.kartta.model.actors.values()].some((a) => a.name === 'Varsinais-Suomen yrittäjät'));
});

/** Every selector's box lies inside the window, and the header does not scroll sideways. */
async function insideWindow(page, selectors, where) {
  const report = await page.evaluate((wanted) => {
    const header = document.querySelector('.k-header');
    const out = { overflow: header.scrollWidth - header.clientWidth, problems: [] };
    for (const selector of wanted) {
      const el = document.querySelector(selector);
      const r = el?.getBoundingClientRect();
      if (!r || r.width === 0) out.problems.push(`${selector} not shown`);
      else if (r.left < 0 || r.right > innerWidth + 0.5 || r.top < 0 || r.bottom > innerHeight) out.problems.push(`${selector} at ${Math.round(r.left)}–${Math.round(r.right)}`);
    }
    return out;
  }, selectors);
  assert.ok(report.overflow <= 1, `${where}: the header does not overflow (${report.overflow} px)`);
  assert.deepEqual(report.problems, [], `${where}: inside the window`);
}

/** Whether the title field shows its whole text (an input's scroll width grows past its width when cut). */
const titleWhole = (page) => page.evaluate(() => {
  const title = document.querySelector('#k-title');
  return { whole: title.scrollWidth <= title.clientWidth + 1, value: title.value, width: title.clientWidth };
});

/** Whether the background selector is at least as wide as its chosen option's text (run in the page). */
const templateWhole = () => {
  const select = document.querySelector('#k-template');
  const style = getComputedStyle(select);
  const context = document.createElement('canvas').getContext('2d');
  context.font = style.font;
  const text = context.measureText(select.selectedOptions[0].textContent).width;
  const inner = select.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
  return inner >= text;
};

/** Two animation frames: the header has measured itself after a resize. */
const nextFrames = (page) => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

test('the header fits a phone at 360 px in Finnish and Swedish with the timer running; the palette is compact; no keyboard help on touch', { timeout: 180_000 }, async () => {
  const { page: f } = await person('Fanni', LAPTOP);
  await f.goto(`${server.origin}/`);
  await f.fill('#k-name', 'Fanni');
  await f.click('#k-workshop-details summary');
  await f.fill('#k-w-title', 'Verkostojohtamisen valmennus');
  await f.fill('#k-w-groups', '1');
  await f.selectOption('#k-w-locale', 'fi');
  await f.click('#k-w-create');
  await f.waitForSelector('.k-board-card');
  await f.fill('#k-timer-minutes', '15');
  await f.click('#k-timer-start');
  await f.click('[data-open]');
  await f.waitForSelector('#k-canvas');
  await waitFor(f, () => !document.querySelector('#k-timer').hidden);
  await f.selectOption('#k-template', 'rings');
  // A group's first actors, in and around the core; the board then opens on them.
  await f.evaluate(() => {
    const actors = [['Kunta', 'municipality', -110, -40], ['Kyläyhdistys', 'association', 110, 40], ['Varsinais-Suomen hyvinvointialue', 'regional_authority', 0, -260],
      ['Turun yliopisto', 'education_research', 300, 120], ['Yrittäjät ry', 'business', -320, 160], ['Paikallislehti', 'media', 60, 330]];
    for (const [name, kind, x, y] of actors) window.kartta.model.addActor({ name, kind, x, y });
  });
  await waitFor(f, () => window.kartta.provider.synced && window.kartta.model.actors.size === 6);
  await f.reload();
  await waitFor(f, () => window.kartta?.provider?.synced === true && window.kartta.model.actors.size === 6 && !document.querySelector('#k-timer').hidden);

  for (const lang of ['fi', 'sv']) {
    await f.selectOption('#k-lang', lang);
    await waitFor(f, (l) => document.documentElement.lang === l, lang);
    // The background's name is whole at 1280 px (it was cut to "Närhetsrir" in Swedish).
    await waitFor(f, templateWhole);
    if (lang === 'fi') await f.screenshot({ path: `${ARTIFACTS}/e2e-readable-laptop-fi.png` });
  }
  // The longest background name is whole too.
  await f.selectOption('#k-template', 'hierarchy_market_network');
  await waitFor(f, templateWhole);
  await f.selectOption('#k-template', 'rings');
  await f.selectOption('#k-lang', 'en');
  await waitFor(f, templateWhole);

  // A participant on a touch phone, from the board's edit link.
  await f.click('#k-share');
  await waitFor(f, () => document.querySelectorAll('#k-share-dialog .k-copy-input').length >= 3);
  const editLink = await f.inputValue('#k-share-dialog .k-copy-input >> nth=0');
  await f.click('#k-share-close');
  const phoneTouch = await join(editLink, 'Pia', PHONE);
  for (const lang of ['fi', 'sv']) {
    await phoneTouch.evaluate((l) => localStorage.setItem('kartta.locale', l), lang);
    await phoneTouch.reload();
    await phoneTouch.waitForSelector('#k-canvas');
    await waitFor(phoneTouch, (l) => document.documentElement.lang === l && !document.querySelector('#k-timer').hidden, lang);
    for (const width of [390, 360]) {
      await phoneTouch.setViewportSize({ width, height: 780 });
      await waitFor(phoneTouch, (w) => innerWidth === w, width);
      await nextFrames(phoneTouch);
      await insideWindow(phoneTouch, ['.k-home', '#k-title', '#k-timer', '#k-conn', '#k-people', '#k-more-button', '#k-panel-button'], `${lang} at ${width} px`);
      await phoneTouch.screenshot({ path: `${ARTIFACTS}/e2e-readable-header-${lang}-${width}.png` });
      const title = await titleWhole(phoneTouch);
      assert.ok(title.whole, `${lang} at ${width} px: the title "${title.value}" is whole (${title.width} px)`);
    }
    await phoneTouch.setViewportSize({ width: 390, height: 844 });
    await waitFor(phoneTouch, () => innerWidth === 390);
    // The kind palette is one row, not a third of the screen.
    await phoneTouch.tap('[data-tool="actor"]');
    const palette = await phoneTouch.locator('.k-palette .k-swatches').boundingBox();
    assert.ok(palette.height <= 0.15 * 844, `${lang}: the palette is ${palette.height} px tall`);
    // More kinds than fit: the row scrolls, and its end fades out rather than cutting a swatch as if it were the last.
    const strip = () => phoneTouch.$eval('.k-palette .k-swatches', (el) => ({ more: el.dataset.more, mask: getComputedStyle(el).maskImage || getComputedStyle(el).webkitMaskImage, overflow: el.scrollWidth - el.clientWidth }));
    await waitFor(phoneTouch, () => document.querySelector('.k-palette .k-swatches')?.dataset.more === 'end');
    const atStart = await strip();
    assert.ok(atStart.overflow > 0, `${lang}: the kinds overflow the row by ${atStart.overflow} px`);
    assert.match(atStart.mask, /gradient/, `${lang}: the row's hidden end fades (${atStart.mask})`);
    await phoneTouch.screenshot({ path: `${ARTIFACTS}/e2e-readable-palette-${lang}.png` });
    await phoneTouch.$eval('.k-palette .k-swatches', (el) => { el.scrollLeft = el.scrollWidth; });
    await waitFor(phoneTouch, () => document.querySelector('.k-palette .k-swatches')?.dataset.more === 'start');
    // The last kind, once chosen, is whole on screen with its name.
    await phoneTouch.tap('.k-palette .k-kind >> nth=-1');
    const last = await phoneTouch.locator('.k-palette .k-kind >> nth=-1').boundingBox();
    assert.ok(last.x + last.width <= 390, `${lang}: the chosen last kind ends at ${last.x + last.width} px`);
    await phoneTouch.$eval('.k-palette .k-swatches', (el) => { el.scrollLeft = 0; });
    // No keyboard-only help on a touch screen: no shortcut sheet in the menu, no key in the tooltips.
    await phoneTouch.tap('#k-more-button');
    assert.equal(await phoneTouch.isVisible('#k-help-button'), false, 'no shortcut sheet on a touch screen');
    assert.doesNotMatch(await phoneTouch.getAttribute('[data-tool="actor"]', 'title'), /\(/, 'no shortcut in a tooltip');
    await phoneTouch.tap('#k-more-button');
    await phoneTouch.screenshot({ path: `${ARTIFACTS}/e2e-readable-phone-${lang}.png` });
    await axeScan(phoneTouch, `the phone board in ${lang}`);
  }
  // A laptop keeps both.
  assert.match(await f.getAttribute('[data-tool="actor"]', 'title'), /\(A\)/);
  assert.equal(await f.isVisible('#k-help-button'), true);
});
