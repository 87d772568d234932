// Network-figures benchmark (not a test): 2,000 actors and 6,000 relations in real Chromium.
// Measures how long the worker takes to recompute the figures after one more relation is drawn,
// and the main thread's work per frame while it does (the view pans meanwhile, so there are
// frames to measure), and separately the frame that shows the answer (halos, marks, table).
// Writes the graph to ../test-artifacts/figures-bench-graph.json for the Rust timing:
//   cargo run --release -p kartta-protocol --example figures_timing -- test-artifacts/figures-bench-graph.json
// Usage: node bench/figures.mjs   (env KARTTA_BIN, default ../target/release/kartta; RUNS, default 5;
// OUTLINE=1 keeps the outline, with its table of every actor, open while measuring; ACTORS, default
// 2000, with three times as many relations)
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { startServer, launchContext, waitFor, ARTIFACTS } from '../e2e/harness.mjs';
import { frameWork, stats, tracedEvents } from './trace.mjs';

const ACTORS = Number(process.env.ACTORS ?? 2000);
const RELATIONS = 3 * ACTORS;
const RUNS = Number(process.env.RUNS ?? 5);

const loadAverage = loadavg().map((v) => v.toFixed(2)).join(' ');
const server = await startServer();
let person = null;
try {
  person = await launchContext();
  const { page } = person;
  await page.addInitScript(() => {
    localStorage.setItem('kartta.name', 'Bench');
    localStorage.setItem('kartta.locale', 'en');
  });
  const created = await (await fetch(`${server.serverOrigin}/api/boards`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Figures bench', template: 'blank' }),
  })).json();
  const boardId = created.workshop.boards[0].id;
  await page.goto(`${server.origin}/b/${boardId}#t=${created.tokens.participant}`);
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'), undefined, 20_000);
  const graph = await page.evaluate(([nActors, nRelations]) => {
    const { model } = window.kartta;
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const ids = [];
    model.batch(() => {
      for (let i = 0; i < nActors; i++) ids.push(model.addActor({ name: `Toimija ${i + 1}`, kind: 'other', x: (i % 50) * 230, y: Math.floor(i / 50) * 110 }));
      let made = 0;
      while (made < nRelations) {
        // Mostly near neighbours on the 50-column grid, as on a hand-drawn map, some far ties.
        const a = Math.floor(rand() * nActors);
        const b = rand() < 0.9 ? Math.min(nActors - 1, Math.max(0, a + (Math.floor(rand() * 7) - 3) + (Math.floor(rand() * 5) - 2) * 50)) : Math.floor(rand() * nActors);
        if (a === b) continue;
        model.addRelation(ids[a], ids[b], { direction: made % 2 ? 'one_way' : 'none' });
        made += 1;
      }
    });
    return {
      actorIds: [...model.actors.keys()],
      relations: model.liveRelations().map((r) => ({ from: r.from, to: r.to, direction: r.direction })),
    };
  }, [ACTORS, RELATIONS]);
  writeFileSync(resolve(ARTIFACTS, 'figures-bench-graph.json'), JSON.stringify(graph));

  // The seeding's own aftermath (the first drawing of every element, the server's echo) is over
  // before the facilitator opens anything.
  await page.waitForTimeout(2000);

  // The facilitator's view: the outline open, figures turned on (the table lists every actor).
  // Both are timed in the page, from the click to the first frame painted after it (the task
  // after the frame's rendering), so Playwright's own waiting is not in them.
  const outlineMs = await page.evaluate(async () => {
    const afterNextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const start = performance.now();
    document.querySelector('#k-tab-outline').click();
    // Until the outline holds its content (a large board's outline was built a moment after the
    // tab opened), then the frame that paints it.
    while (!document.querySelector('#k-figures-toggle')) await new Promise((resolve) => setTimeout(resolve, 5));
    await afterNextFrame();
    return performance.now() - start;
  });
  // A person reads the outline before pressing the toggle in it.
  await page.waitForTimeout(1000);
  const firstStart = Date.now();
  const shownMs = await page.evaluate(async (n) => {
    const afterNextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const live = window.kartta.figures;
    const start = performance.now();
    const answered = new Promise((resolve) => {
      // Registered after the page's own listener, so the table is built when this runs.
      const stop = live.onUpdate(() => {
        if (live.figures.size !== n || !document.querySelector('#k-figures-table')) return;
        stop();
        resolve();
      });
    });
    document.querySelector('#k-figures-toggle').click();
    await answered;
    await afterNextFrame();
    return performance.now() - start;
  }, ACTORS);
  const first = { wallMs: Date.now() - firstStart, shownMs, outlineMs, workerMs: await page.evaluate(() => window.kartta.figures.lastMilliseconds) };
  // Without OUTLINE=1 the side panel shows the details tab, as while looking at the map: the
  // outline (a form control per actor, rebuilt after every edit) is a cost of its own.
  if (!process.env.OUTLINE) await page.click('#k-tab-details');

  // Marks the worker's request and answer in the page's timeline, for the trace.
  await page.evaluate(() => {
    const live = window.kartta.figures;
    const worker = live.worker;
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message) => {
      performance.mark('kartta:bench-start');
      post(message);
    };
    const answer = worker.onmessage;
    worker.onmessage = (event) => {
      performance.mark('kartta:bench-end');
      window.benchAnswers = (window.benchAnswers ?? 0) + 1;
      answer(event);
    };
  });

  // The machine's own noise: the same panning with nothing computing.
  await page.evaluate(() => performance.clearMarks());
  const control = frameWork(await tracedEvents(page, 'figures-control', () => page.evaluate(async () => {
    const { viewport } = window.kartta;
    performance.mark('kartta:bench-start');
    for (let i = 0; i < 40; i++) {
      viewport.panBy(i % 60 < 30 ? 4 : -4, 0);
      await new Promise((r) => requestAnimationFrame(r));
    }
    performance.mark('kartta:bench-end');
  })), ['kartta:bench-start', 'kartta:bench-end']);

  const runs = [];
  for (let run = 0; run < RUNS; run++) {
    await page.evaluate(() => performance.clearMarks());
    const before = await page.evaluate(() => window.benchAnswers ?? 0);
    const once = async () => page.evaluate(async (answersBefore) => {
      const { model, viewport } = window.kartta;
      const ids = [...model.actors.keys()];
      const times = [];
      let last = performance.now();
      let drawn = false;
      // Pan a little every frame until the answer has been shown for a few frames.
      for (let i = 0, after = 0; after < 10 && i < 2000; i++) {
        viewport.panBy(i % 60 < 30 ? 4 : -4, 0);
        const now = await new Promise((r) => requestAnimationFrame(r));
        times.push({ at: now, interval: now - last });
        last = now;
        if (i === 3 && !drawn) {
          drawn = true;
          model.addRelation(ids[Math.floor(Math.random() * ids.length)], ids[Math.floor(Math.random() * ids.length)], { kind: 'collaboration' });
        }
        if ((window.benchAnswers ?? 0) > answersBefore) after += 1;
        if (after === 10) performance.mark('kartta:bench-after');
      }
      const mark = (name) => performance.getEntriesByName(name)[0]?.startTime;
      const start = mark('kartta:bench-start');
      const end = mark('kartta:bench-end');
      return {
        workerMs: window.kartta.figures.lastMilliseconds,
        requestToAnswerMs: end - start,
        intervalsWhileComputing: times.filter((t) => t.at > start && t.at <= end).map((t) => t.interval),
      };
    }, before);
    let measured;
    const events = await tracedEvents(page, `figures-${run}`, async () => { measured = await once(); });
    runs.push({
      ...measured,
      whileComputing: frameWork(events, ['kartta:bench-start', 'kartta:bench-end']),
      showing: frameWork(events, ['kartta:bench-end', 'kartta:bench-after']),
    });
    await page.waitForTimeout(300);
  }

  // The same request again and again, straight to the worker: its time once the JIT is warm.
  const warm = await page.evaluate(async (times) => {
    const { model } = window.kartta;
    const worker = window.kartta.figures.worker;
    const request = {
      actorIds: [...model.actors.keys()].sort(),
      relations: model.liveRelations().map((r) => ({ from: r.from, to: r.to, direction: r.direction })),
      seed: 'bench', requestNumber: -1,
    };
    const out = [];
    for (let i = 0; i < times; i++) {
      const answered = new Promise((r) => worker.addEventListener('message', (e) => r(e.data.milliseconds), { once: true }));
      worker.postMessage(request);
      out.push(await answered);
    }
    return out;
  }, 8);

  const f = (n) => n.toFixed(1);
  console.log(`board: ${graph.actorIds.length} actors, ${graph.relations.length} relations; side panel: ${process.env.OUTLINE ? 'outline with the figures table' : 'details'}`);
  console.log(`machine load average at start: ${loadAverage}`);
  console.log(`opening the outline: ${f(first.outlineMs)} ms from the click to its first frame`);
  console.log(`first computation after turning figures on: ${f(first.workerMs)} ms in the worker, ${f(first.shownMs)} ms from the click until the table and the map show them (${f(first.wallMs)} ms as the benchmark waited)`);
  runs.forEach((r, i) => {
    const intervals = r.intervalsWhileComputing.length ? stats(r.intervalsWhileComputing) : { max: NaN, n: 0 };
    console.log(`recompute ${i + 1}: worker ${f(r.workerMs)} ms, request to answer ${f(r.requestToAnswerMs)} ms; while computing: frame interval max ${f(intervals.max)} ms (n=${intervals.n}), main-thread work per frame max ${f(r.whileComputing.max ?? NaN)} ms (n=${r.whileComputing.n})`);
  });
  const worker = stats(runs.map((r) => r.workerMs));
  const warmStats = stats(warm.slice(3));
  console.log(`same request repeated (JIT warm, last ${warmStats.n} of ${warm.length}): worker median ${f(warmStats.median)} ms, max ${f(warmStats.max)} ms`);
  console.log(`control, panning with nothing computing: main-thread work per frame median ${f(control.median)}  max ${f(control.max)} ms (n=${control.n})`);
  console.log(`worker recompute ms: median ${f(worker.median)}  max ${f(worker.max)}  (n=${worker.n})`);
  const worstWork = Math.max(...runs.map((r) => r.whileComputing.max ?? 0));
  console.log(`main-thread work per frame while computing, worst of all runs: ${f(worstWork)} ms`);
  const showing = runs.map((r) => r.showing).reduce((a, b) => ((b.max ?? 0) > (a.max ?? 0) ? b : a));
  const worst = Object.entries(showing.worst).map(([k, v]) => `${k} ${f(v)}`).join(', ');
  console.log(`showing the answer${process.env.OUTLINE ? ' (with the outline table)' : ''}: main-thread work per frame, worst of all runs ${f(showing.max ?? NaN)} ms (worst frame: ${worst})`);
} finally {
  await person?.close();
  server.stop();
}
