// Web benchmark (not a test): a board of 2,000 actors, 3,000 relations and 500 strokes in real Chromium.
// Measures time to first content after load, frame intervals and main-thread work per frame while panning,
// zooming and dragging, and JS shipped (gzip).
// Usage: node bench/run.mjs   (env KARTTA_BIN, default ../target/release/kartta; FRAMES, default 180;
// TRACE_DIR, where to keep the Chromium traces of the measured runs)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchContext, waitFor } from '../e2e/harness.mjs';
import { stats, tracedWork } from './trace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ACTORS = 2000;
const RELATIONS = 3000;
const STROKES = 500;
const FRAMES = Number(process.env.FRAMES ?? 180);

function jsShippedGzipKb() {
  const dist = resolve(here, '../dist');
  const html = readFileSync(resolve(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  return scripts.reduce((sum, path) => sum + gzipSync(readFileSync(resolve(dist, '.' + path)), { level: 9 }).length, 0) / 1024;
}

/** The view motions measured: each frame pans or zooms the viewport a little, as a hand on a trackpad does. */
const MOTIONS = {
  pan: (i) => ['pan', i % 120 < 60 ? 9 : -9, i % 80 < 40 ? 5 : -5],
  // Zooms in to 243 % of the start and back, about the middle of the screen.
  zoom: (i) => ['zoom', i % 60 < 30 ? 1.03 : 1 / 1.03],
  // Zooms out to 41 % of the start and back: the view outgrows what was drawn around it.
  zoomOut: (i) => ['zoom', i % 60 < 30 ? 1 / 1.03 : 1.03],
};

/** Runs `FRAMES` animation frames in the page, moving the view in each, and returns frame-to-frame times. */
async function frameTimes(page, motion) {
  return page.evaluate(async ([frames, steps]) => {
    const { viewport } = window.kartta;
    const times = [];
    performance.mark('kartta:bench-start');
    let last = performance.now();
    for (let i = 0; i < frames; i++) {
      const [what, a, b] = steps[i];
      if (what === 'pan') viewport.panBy(a, b);
      else viewport.zoomAt(viewport.width / 2, viewport.height / 2, a);
      const now = await new Promise((r) => requestAnimationFrame(r));
      times.push(now - last);
      last = now;
    }
    performance.mark('kartta:bench-end');
    return times.slice(2);
  }, [FRAMES, Array.from({ length: FRAMES }, (_, i) => MOTIONS[motion](i))]);
}

const loadAverage = (await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' ');
const server = await startServer();
const people = [];
try {
  // Seed the board from one browser, in one transaction, and wait until the server has it.
  const seeder = await launchContext();
  people.push(seeder);
  await seeder.page.addInitScript(() => localStorage.setItem('kartta.name', 'Bench'));
  // Boards are made through the API and opened with a capability link (#t=token), as people do.
  const created = await (await fetch(`${server.serverOrigin}/api/boards`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Bench', template: 'blank' }),
  })).json();
  const boardId = created.workshop.boards[0].id;
  const link = `${server.origin}/b/${boardId}#t=${created.tokens.participant}`;
  await seeder.page.goto(link);
  await waitFor(seeder.page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'), undefined, 20_000);
  await seeder.page.evaluate(([nActors, nRelations, nStrokes]) => {
    const { model } = window.kartta;
    const kinds = ['municipality', 'regional_authority', 'state_agency', 'business', 'education_research', 'association', 'residents', 'funder', 'media', 'other'];
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const ids = [];
    model.batch(() => {
      const columns = 50;
      for (let i = 0; i < nActors; i++) {
        ids.push(model.addActor({ name: `Toimija ${i + 1}`, kind: kinds[i % kinds.length], x: (i % columns) * 230, y: Math.floor(i / columns) * 110, influence: i % 6 }));
      }
      for (let i = 0; i < nRelations; i++) {
        // Relations join actors a few cards apart, as on a hand-drawn map (2-D neighbours on a 50-column grid).
        const a = Math.floor(rand() * nActors);
        const b = Math.min(nActors - 1, Math.max(0, a + (Math.floor(rand() * 7) - 3) + (Math.floor(rand() * 5) - 2) * 50));
        if (a !== b) model.addRelation(ids[a], ids[b], { status: i % 7 === 0 ? 'desired' : 'existing', strength: ['weak', 'normal', 'strong'][i % 3], direction: i % 2 ? 'one_way' : 'none' });
      }
      for (let i = 0; i < nStrokes; i++) {
        const x0 = rand() * 11000;
        const y0 = rand() * 4300;
        const points = [];
        for (let p = 0; p < 30; p++) points.push(x0 + p * 6, y0 + Math.sin(p / 3) * 20, 0.5);
        model.addStroke({ tool: i % 5 === 0 ? 'highlighter' : 'pen', color: '#1f2933', width: i % 5 === 0 ? 22 : 4, points });
      }
    });
  }, [ACTORS, RELATIONS, STROKES]);
  const counts = await seeder.page.evaluate(() => ({ a: window.kartta.model.actors.size, r: window.kartta.model.liveRelations().length, s: window.kartta.model.strokes.size }));
  await seeder.page.waitForTimeout(1500);
  await seeder.close();
  people.length = 0;

  // A fresh browser opens the board: time from navigation start to the first frame with content.
  const viewer = await launchContext();
  people.push(viewer);
  await viewer.page.addInitScript(() => localStorage.setItem('kartta.name', 'Viewer'));
  await viewer.page.goto(link);
  await waitFor(viewer.page, (n) => window.kartta?.model.actors.size === n && performance.getEntriesByName('kartta:first-content').length > 0, ACTORS, 60_000);
  await viewer.page.waitForTimeout(300);
  const load = await viewer.page.evaluate(() => ({
    firstContentMs: performance.getEntriesByName('kartta:first-content')[0].startTime,
    domNodes: document.getElementsByTagName('*').length,
  }));
  await viewer.page.waitForTimeout(500);

  // Each motion starts from the same view and runs twice: untraced for the frame intervals, then
  // traced for the main-thread work (tracing has a cost of its own).
  const fitView = await viewer.page.evaluate(() => { const { zoom, tx, ty } = window.kartta.viewport; return { zoom, tx, ty }; });
  const fullSizeView = await viewer.page.evaluate(() => {
    const { viewport } = window.kartta;
    return { zoom: 1, tx: viewport.width / 2 - 5500, ty: viewport.height / 2 - 2200 };
  });
  const results = {};
  const work = {};
  const measureWith = async (name, view, run) => {
    const reset = async () => {
      await viewer.page.evaluate((v) => {
        const { viewport } = window.kartta;
        viewport.zoomAt(0, 0, v.zoom / viewport.zoom);
        viewport.panBy(v.tx - viewport.tx, v.ty - viewport.ty);
      }, view);
      await viewer.page.waitForTimeout(400);
    };
    await reset();
    results[name] = stats(await run());
    await reset();
    work[name] = await tracedWork(viewer.page, name, run);
  };
  const measure = (name, motion, view) => measureWith(name, view, () => frameTimes(viewer.page, motion));
  await measure('panFit', 'pan', fitView);
  await measure('zoomFit', 'zoom', fitView);
  await measure('pan100', 'pan', fullSizeView);
  await measure('zoom100', 'zoom', fullSizeView);
  await measure('zoomOut100', 'zoomOut', fullSizeView);

  // Dragging one actor at 100 %: every frame redraws it and its relations, and publishes the drag.
  const dragTimes = () => viewer.page.evaluate(async (frames) => {
    const { editor, viewport, model } = window.kartta;
    const center = viewport.center();
    const actor = [...model.actors.values()].reduce((best, a) => (Math.hypot(a.x - center.x, a.y - center.y) < Math.hypot(best.x - center.x, best.y - center.y) ? a : best));
    const at = (dx, dy) => {
      const s = viewport.toScreen(actor.x + dx, actor.y + dy);
      return { x: actor.x + dx, y: actor.y + dy, sx: s.x, sy: s.y, pressure: 0.5, pointerType: 'mouse', shift: false, button: 0 };
    };
    editor.setTool('select');
    editor.pointerDown(at(0, 0));
    const times = [];
    performance.mark('kartta:bench-start');
    let last = performance.now();
    for (let i = 1; i <= frames; i++) {
      editor.pointerMove(at(Math.sin(i / 10) * 200, Math.cos(i / 13) * 80));
      const now = await new Promise((r) => requestAnimationFrame(r));
      times.push(now - last);
      last = now;
    }
    performance.mark('kartta:bench-end');
    editor.pointerUp(at(0, 0));
    return times.slice(2);
  }, FRAMES);
  await measureWith('drag100', fullSizeView, dragTimes);

  const f = (n) => n.toFixed(1);
  console.log(`board: ${counts.a} actors, ${counts.r} relations, ${counts.s} strokes; ${load.domNodes} DOM nodes`);
  console.log(`machine load average at start: ${loadAverage}`);
  console.log(`time to first content after navigation: ${f(load.firstContentMs)} ms`);
  for (const [name, s] of Object.entries(results)) {
    const w = work[name];
    const worst = Object.entries(w.worst).map(([k, v]) => `${k} ${f(v)}`).join(', ');
    console.log(`${name.padEnd(10)} frame interval ms: median ${f(s.median)}  p95 ${f(s.p95)}  max ${f(s.max)}  (n=${s.n})`);
    console.log(`${''.padEnd(10)} main-thread work per frame ms: median ${f(w.median)}  p95 ${f(w.p95)}  max ${f(w.max)}  (n=${w.n}; worst frame: ${worst})`);
  }
  console.log(`JS shipped at first load: ${f(jsShippedGzipKb())} KB gzip`);
} finally {
  for (const p of people) await p.close();
  server.stop();
}
