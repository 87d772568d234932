// Far-names benchmark (not a test): how long one zoom step's pass over the zoomed-out names takes
// on a board of 2,000 actors spread over 20,000 × 12,000 units, at each zoom step from 45 % to
// 10 %, in real Chromium. Below about 22 % the names stand out of their small cards, each checked
// against its neighbours (render/far-names.ts); above, they sit inside the cards.
// Usage: node bench/far-names.mjs   (env KARTTA_BIN, default ../target/release/kartta; ROUNDS, default 5)
// Prints, per zoom, the median milliseconds of `commitViewport` at a new step and the names drawn.
import { loadavg } from 'node:os';
import { startServer, launchContext, waitFor } from '../e2e/harness.mjs';
import { stats } from './trace.mjs';

const ACTORS = 2000;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ZOOMS = [0.45, 0.35, 0.27, 0.21, 0.17, 0.13, 0.1];

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
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Far names bench', template: 'blank' }),
  })).json();
  await page.goto(`${server.origin}/b/${created.workshop.boards[0].id}#t=${created.tokens.participant}`);
  await waitFor(page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'), undefined, 20_000);
  await page.evaluate((count) => {
    const { model } = window.kartta;
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < count; i++) model.addActor({ name: `Toimija ${i} Varsinais-Suomi`, kind: 'association', x: rand() * 20000, y: rand() * 12000 });
  }, ACTORS);
  await waitFor(page, (count) => window.kartta.model.actors.size === count, ACTORS);
  const times = new Map(ZOOMS.map((zoom) => [zoom, []]));
  const drawn = new Map();
  for (let round = 0; round < ROUNDS; round++) {
    for (const zoom of ZOOMS) {
      const { ms, names } = await page.evaluate((z) => {
        const { viewport, renderer } = window.kartta;
        viewport.zoom = z;
        viewport.centerOn(10000, 6000);
        const start = performance.now();
        renderer.commitViewport();
        const ms = performance.now() - start;
        return { ms, names: document.querySelectorAll('.k-far-name').length };
      }, zoom);
      times.get(zoom).push(ms);
      drawn.set(zoom, names);
    }
  }
  const result = Object.fromEntries(ZOOMS.map((zoom) => [`${Math.round(zoom * 100)} %`, { medianMs: Number(stats(times.get(zoom)).median.toFixed(1)), names: drawn.get(zoom) }]));
  console.log(JSON.stringify({ actors: ACTORS, rounds: ROUNDS, loadAverage, steps: result }, null, 1));
} finally {
  await person?.close();
  server.stop();
}
