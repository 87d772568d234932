// End-to-end: a relation is made by clicking one actor and then another (or by dragging, as before),
// with a hint that says what to do next; the legend explains relation colours, lines and widths; the
// outline keeps focus where the user was, puts new actors beyond the rings, and edits every field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, server, person, screenOf, axeScan, waitFor, ARTIFACTS } from './harness.mjs';

useServer();

/** A quick board of one's own in `locale`, connected, on `template`. */
async function newBoard(label, { locale = 'en', template = 'blank', ...options } = {}) {
  const { page } = await person(label, { viewport: { width: 1366, height: 900 }, ...options });
  if (locale !== 'en') await page.addInitScript((lang) => localStorage.setItem('kartta.locale', lang), locale);
  await page.goto(`${server.origin}/`);
  await page.fill('#k-name', label);
  await page.click('#k-create');
  await page.waitForSelector('#k-share-dialog[open]');
  await page.click('#k-share-close');
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  if (template !== 'blank') {
    await page.selectOption('#k-template', template);
    await waitFor(page, (tpl) => window.kartta.model.meta.template === tpl, template);
  }
  return page;
}

const relations = (page) => page.evaluate(() => {
  const m = window.kartta.model;
  return m.liveRelations().map((r) => ({ from: m.actors.get(r.from).name, to: m.actors.get(r.to).name }));
});
const hint = (page) => page.textContent('#k-relation-hint');

test('click, then click: a relation between two actors, with a hint that follows; drag and Esc still work', { timeout: 120_000 }, async () => {
  const page = await newBoard('Kaisa', { locale: 'fi' });
  const ids = await page.evaluate(() => {
    const { model, viewport } = window.kartta;
    const out = {};
    model.batch(() => {
      out.Kunta = model.addActor({ name: 'Kunta', kind: 'municipality', x: -300, y: -100 });
      out.Yritys = model.addActor({ name: 'Yritys', kind: 'business', x: 300, y: -100 });
      out.Seura = model.addActor({ name: 'Seura', kind: 'association', x: 0, y: 200 });
    });
    viewport.fit({ x: -600, y: -350, w: 1200, h: 700 });
    return out;
  });
  const kunta = await screenOf(page, -300, -100);
  const yritys = await screenOf(page, 300, -100);
  const seura = await screenOf(page, 0, 200);
  const empty = await screenOf(page, 0, -300);

  await page.click('[data-tool="relation"]');
  await waitFor(page, () => document.querySelector('#k-relation-hint')?.dataset.step === 'source');
  assert.equal(await hint(page), 'Napsauta toimijaa ja sitten toista – tai vedä toimijasta toiseen.');

  // First click: Kunta is marked, a line follows the pointer, the hint says what comes next.
  await page.mouse.click(kunta.x, kunta.y);
  await waitFor(page, (id) => document.querySelector(`.k-relation-source[data-id="${id}"]`) !== null, ids.Kunta);
  await waitFor(page, () => document.querySelector('#k-relation-hint')?.dataset.step === 'target');
  assert.equal(await hint(page), 'Napsauta nyt toimijaa, johon ”Kunta” yhdistetään. Esc tai napsautus tyhjään kohtaan peruu.');
  await page.mouse.move((kunta.x + seura.x) / 2, seura.y, { steps: 4 });
  const lineEnd = await page.evaluate(() => document.querySelector('.k-relation-draft').getAttribute('d').split('L')[1].split(' ').map(Number));
  const pointer = await page.evaluate(([x, y]) => {
    const rect = document.getElementById('k-canvas').getBoundingClientRect();
    return window.kartta.viewport.toWorld(x - rect.left, y - rect.top);
  }, [(kunta.x + seura.x) / 2, seura.y]);
  assert.ok(Math.abs(lineEnd[0] - pointer.x) < 1 && Math.abs(lineEnd[1] - pointer.y) < 1, `the line ends at the pointer: ${lineEnd} vs ${JSON.stringify(pointer)}`);
  assert.deepEqual(await relations(page), []);
  await page.screenshot({ path: `${ARTIFACTS}/e2e-relation-hint-fi.png` });
  await axeScan(page, 'relation tool with a source marked, in Finnish');

  // Second click on Yritys: one relation, Kunta → Yritys; the hint starts over.
  await page.mouse.click(yritys.x, yritys.y);
  await waitFor(page, () => window.kartta.model.liveRelations().length === 1);
  assert.deepEqual(await relations(page), [{ from: 'Kunta', to: 'Yritys' }]);
  await waitFor(page, () => document.querySelector('#k-relation-hint')?.dataset.step === 'source' && !document.querySelector('.k-relation-source'));

  // Esc cancels a marked source; so does a click on empty space. Neither makes a relation.
  await page.mouse.click(seura.x, seura.y);
  await waitFor(page, (id) => document.querySelector(`.k-relation-source[data-id="${id}"]`) !== null, ids.Seura);
  await page.keyboard.press('Escape');
  await waitFor(page, () => window.kartta.editor.state.id === 'relation.idle' && !document.querySelector('.k-relation-source'));
  assert.equal(await hint(page), 'Napsauta toimijaa ja sitten toista – tai vedä toimijasta toiseen.');
  await page.mouse.click(seura.x, seura.y);
  await waitFor(page, () => window.kartta.editor.state.id === 'relation.armed');
  await page.mouse.click(empty.x, empty.y);
  await waitFor(page, () => window.kartta.editor.state.id === 'relation.idle' && !document.querySelector('.k-relation-draft'));
  // A click on Yritys now is a new first click, not the end of a relation from Seura.
  await page.mouse.click(yritys.x, yritys.y);
  await waitFor(page, (id) => document.querySelector(`.k-relation-source[data-id="${id}"]`) !== null, ids.Yritys);
  await page.keyboard.press('Escape');
  await waitFor(page, () => window.kartta.editor.state.id === 'relation.idle');
  assert.deepEqual(await relations(page), [{ from: 'Kunta', to: 'Yritys' }]);

  // Dragging from one actor to another still works.
  await page.mouse.move(seura.x, seura.y);
  await page.mouse.down();
  await page.mouse.move((seura.x + yritys.x) / 2, (seura.y + yritys.y) / 2, { steps: 5 });
  await page.mouse.move(yritys.x, yritys.y, { steps: 5 });
  await page.mouse.up();
  await waitFor(page, () => window.kartta.model.liveRelations().length === 2);
  assert.deepEqual((await relations(page)).sort((a, b) => a.from.localeCompare(b.from)), [{ from: 'Kunta', to: 'Yritys' }, { from: 'Seura', to: 'Yritys' }]);

  // The legend says what a relation's colour, line and thickness mean, drawn as the canvas draws them.
  await page.evaluate(() => {
    const { model } = window.kartta;
    const [first, second] = model.liveRelations();
    model.updateRelation(first.id, { kind: 'funding', strength: 'strong' });
    model.updateRelation(second.id, { kind: 'conflict', status: 'desired' });
  });
  await page.click('#k-tab-legend');
  await page.waitForSelector('.k-legend [data-relation-kind="funding"]');
  const drawn = await page.evaluate(() => [...document.querySelectorAll('.k-layer-relations .k-relation-line')].map((l) => ({
    stroke: l.getAttribute('stroke'), width: l.getAttribute('stroke-width'), dash: l.getAttribute('stroke-dasharray'),
  })));
  const legend = await page.evaluate(() => {
    const line = (selector) => document.querySelector(`.k-legend ${selector} line`);
    return {
      funding: line('[data-relation-kind="funding"]').getAttribute('stroke'),
      conflict: line('[data-relation-kind="conflict"]').getAttribute('stroke'),
      strong: line('[data-strength="strong"]').getAttribute('stroke-width'),
      desired: line('[data-status="desired"]').getAttribute('stroke-dasharray'),
      desiredText: document.querySelector('.k-legend [data-status="desired"]').textContent,
      weakeningText: document.querySelector('.k-legend [data-status="weakening"]').textContent,
      headings: [...document.querySelectorAll('.k-legend h4')].map((x) => x.textContent),
    };
  });
  assert.ok(drawn.some((d) => d.stroke === legend.funding && d.width === legend.strong), `funding, strong: ${JSON.stringify({ drawn, legend })}`);
  assert.ok(drawn.some((d) => d.stroke === legend.conflict && d.dash === legend.desired), `conflict, desired: ${JSON.stringify({ drawn, legend })}`);
  assert.equal(legend.desiredText, 'Toivottu (katkoviiva)');
  assert.equal(legend.weakeningText, 'Heikkenevä (pisteviiva)');
  assert.deepEqual(legend.headings, ['Väri: suhteen tyyppi', 'Viiva: tila', 'Paksuus: vahvuus']);
  // Tall enough for the whole legend, which otherwise scrolls inside the panel.
  await page.setViewportSize({ width: 1366, height: 1500 });
  await page.locator('.k-legend').screenshot({ path: `${ARTIFACTS}/e2e-legend-fi.png` });
  await axeScan(page, 'legend with relation styles, in Finnish');
});

test('taps on a phone make a relation the same way', { timeout: 90_000 }, async () => {
  const page = await newBoard('Ville', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await page.evaluate(() => {
    const { model, viewport } = window.kartta;
    model.batch(() => {
      model.addActor({ name: 'Kirjasto', kind: 'municipality', x: 0, y: -150 });
      model.addActor({ name: 'Lehti', kind: 'media', x: 0, y: 150 });
    });
    viewport.fit({ x: -200, y: -300, w: 400, h: 600 });
  });
  await page.tap('[data-tool="relation"]');
  await waitFor(page, () => document.querySelector('#k-relation-hint')?.dataset.step === 'source');
  assert.equal(await hint(page), 'Tap an actor, then another – or drag from one actor to another.');
  const first = await screenOf(page, 0, -150);
  const second = await screenOf(page, 0, 150);
  await page.touchscreen.tap(first.x, first.y);
  await waitFor(page, () => document.querySelector('#k-relation-hint')?.dataset.step === 'target');
  assert.equal(await hint(page), 'Now tap the actor to connect “Kirjasto” to. A tap on empty space cancels.');
  await page.screenshot({ path: `${ARTIFACTS}/e2e-relation-hint-phone.png` });
  await page.touchscreen.tap(second.x, second.y);
  await waitFor(page, () => window.kartta.model.liveRelations().length === 1);
  assert.deepEqual(await relations(page), [{ from: 'Kirjasto', to: 'Lehti' }]);
});

test('the outline: focus stays put, new actors land beyond the rings, every relation field is there', { timeout: 120_000 }, async () => {
  const page = await newBoard('Kirsi', { template: 'rings' });
  // A crowded core, and the view on the middle of the board (where new actors used to land).
  await page.evaluate(() => {
    const { model, viewport } = window.kartta;
    model.batch(() => {
      for (const [i, name] of ['Kaupunki', 'Yliopisto', 'Yrittäjät', 'Seurakunta'].entries()) {
        model.addActor({ name, kind: 'municipality', x: -150 + (i % 2) * 300, y: -60 + Math.floor(i / 2) * 120 });
      }
    });
    viewport.fit({ x: -1200, y: -1200, w: 2400, h: 2400 });
  });
  await page.click('#k-tab-outline');
  for (const name of ['Kunta', 'Kyläyhdistys', 'Maakuntaliitto']) {
    await page.focus('#k-outline-new');
    await page.keyboard.type(name);
    await page.keyboard.press('Enter');
    await waitFor(page, (n) => [...window.kartta.model.actors.values()].some((a) => a.name === n), name);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'k-outline-new');
  }
  // Beyond the outermost ring (radius 960) with the whole card, and no two cards overlapping on screen.
  await waitFor(page, () => document.querySelectorAll('.k-layer-actors .k-actor').length === 7);
  const placed = await page.evaluate(() => {
    const { model } = window.kartta;
    const added = [...model.actors.values()].filter((a) => ['Kunta', 'Kyläyhdistys', 'Maakuntaliitto'].includes(a.name));
    const rings = added.map((a) => document.querySelector(`[data-placement="${a.id}"]`)?.textContent);
    const boxes = [...document.querySelectorAll('.k-layer-actors .k-actor')].map((g) => g.getBoundingClientRect());
    const overlapping = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlapping.push([a, b]);
    }));
    // The point of each card nearest the rings' centre (its box clamped towards the origin).
    const nearestPoint = (a) => {
      const body = document.querySelector(`.k-layer-actors [data-id="${a.id}"] .k-actor-body`);
      const [w, h] = [Number(body.getAttribute('width')), Number(body.getAttribute('height'))];
      return Math.hypot(Math.max(Math.abs(a.x) - w / 2, 0), Math.max(Math.abs(a.y) - h / 2, 0));
    };
    return { nearest: Math.min(...added.map(nearestPoint)), rings, overlapping: overlapping.length };
  });
  assert.ok(placed.nearest > 960, `every new card is beyond the rings: ${placed.nearest}`);
  assert.deepEqual(placed.rings, ['Ring: outside the rings', 'Ring: outside the rings', 'Ring: outside the rings']);
  assert.equal(placed.overlapping, 0);

  // Connect by keyboard: focus stays on Connect, for the next one.
  const actorId = (name) => page.evaluate((n) => [...window.kartta.model.actors.values()].find((a) => a.name === n).id, name);
  await page.selectOption('#k-connect-from', await actorId('Kunta'));
  await page.selectOption('#k-connect-to', await actorId('Kyläyhdistys'));
  await page.focus('#k-connect');
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.kartta.model.liveRelations().length === 1);
  await waitFor(page, () => document.querySelectorAll('.k-outline-list[data-list="relations"] li').length === 1);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'k-connect');
  await page.selectOption('#k-connect-to', await actorId('Maakuntaliitto'));
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.kartta.model.liveRelations().length === 2);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'k-connect');

  // A row unfolded just before the outline is rebuilt (its 'toggle' event comes as a task of its
  // own, after the rebuild) stays unfolded: here choosing the outline tab again rebuilds it at once,
  // in the same task.
  const otherRelationId = await page.evaluate(() => window.kartta.model.liveRelations()[1].id);
  await page.waitForSelector(`details[data-more="${otherRelationId}"]`);
  await page.evaluate((id) => {
    document.querySelector(`details[data-more="${id}"]`).open = true;
    document.querySelector('#k-tab-outline').click();
  }, otherRelationId);
  await page.waitForSelector(`select[data-key="strength:${otherRelationId}"]`, { state: 'visible' });

  // Strength, direction and label of a relation, set in the outline, change the relation in the model.
  const relationId = await page.evaluate(() => window.kartta.model.liveRelations()[0].id);
  await page.focus(`[data-key="more:${relationId}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`select[data-key="strength:${relationId}"]`, { state: 'visible' });
  // By keyboard: the closed select steps from "normal" to "strong" on the arrow key.
  await page.focus(`select[data-key="strength:${relationId}"]`);
  await page.keyboard.press('ArrowDown');
  await waitFor(page, (id) => window.kartta.model.relations.get(id).strength === 'strong', relationId);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), `strength:${relationId}`);
  await page.selectOption(`select[data-key="direction:${relationId}"]`, 'one_way');
  await page.focus(`input[data-key="label:${relationId}"]`);
  await page.keyboard.type('kuntakumppanuus');
  await page.keyboard.press('Enter');
  await waitFor(page, (id) => window.kartta.model.relations.get(id).label === 'kuntakumppanuus', relationId);
  const relation = await page.evaluate((id) => window.kartta.model.relations.get(id), relationId);
  assert.equal(relation.direction, 'one_way');
  assert.equal(relation.strength, 'strong');
  // The fields stay unfolded and focused across the rebuilds the edits caused.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), `label:${relationId}`);
  const fieldKeys = await page.evaluate((id) => [...document.querySelectorAll(`[data-more="${id}"] fieldset [data-key]`)].map((c) => c.dataset.key.split(':')[0]), relationId);
  assert.deepEqual(fieldKeys, ['from', 'to', 'kind', 'label', 'direction', 'strength', 'coordination', 'status']);
  // A folded row has no fields yet; unfolding builds them.
  const kuntaId = await actorId('Kunta');
  assert.equal(await page.locator(`[data-more="${kuntaId}"] fieldset [data-key]`).count(), 0);
  await page.click(`[data-key="more:${kuntaId}"]`);
  await page.waitForSelector(`[data-more="${kuntaId}"] select[data-key="stance:${kuntaId}"]`, { state: 'visible' });
  const actorFieldKeys = await page.evaluate((id) => [...document.querySelectorAll(`[data-more="${id}"] fieldset [data-key]`)].map((c) => c.dataset.key.split(':')[0]), kuntaId);
  assert.deepEqual(actorFieldKeys, ['description', 'tags', 'alias', 'influence', 'stance', 'isPerson']);

  // Buttons do not look like the fields beside them.
  const looks = await page.evaluate((id) => {
    const button = getComputedStyle(document.querySelector(`[data-key="showr:${id}"]`));
    const field = getComputedStyle(document.querySelector(`input[data-key="label:${id}"]`));
    const connect = getComputedStyle(document.querySelector('#k-connect'));
    return { button: button.backgroundColor, field: field.backgroundColor, connect: connect.backgroundColor };
  }, relationId);
  assert.notEqual(looks.button, looks.field);
  assert.notEqual(looks.connect, looks.field);
  await page.locator(`[data-more="${relationId}"]`).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${ARTIFACTS}/e2e-outline-fields.png` });
  await axeScan(page, 'outline with a relation\'s fields open');

  // Deleting a relation by keyboard leaves focus in the outline, on the row that took its place.
  await page.focus(`[data-key="delr:${relationId}"]`);
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.kartta.model.liveRelations().length === 1);
  const remaining = await page.evaluate(() => window.kartta.model.liveRelations()[0].id);
  // The outline is rebuilt on the next frame after the model changes: focus lands then.
  await waitFor(page, (key) => document.activeElement?.dataset.key === key, `delr:${remaining}`);
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.kartta.model.liveRelations().length === 0);
  await waitFor(page, () => document.activeElement?.id === 'k-connect-from');
});
