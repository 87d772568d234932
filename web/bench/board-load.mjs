// Board page load benchmark (not a test): a board of 2,000 actors and 3,000 relations opened several
// times in real Chromium; the figure is navigation start → the page's `kartta:first-content` mark (the
// first frame that draws the board's actors), as in bench/run.mjs but over many loads, so two builds
// of the app can be told apart. The first load of a fresh browser (no HTTP cache, no code cache) is
// reported apart from the repeat loads in the same browser (RUNS, default 9).
// Usage: node bench/board-load.mjs   (env KARTTA_BIN, default ../target/release/kartta; RUNS; FRESH=1
// opens every load in a fresh browser)
import { loadavg } from 'node:os';
import { startServer, launchContext, postJson } from '../e2e/harness.mjs';
import { stats } from './trace.mjs';

const ACTORS = 2000;
const RELATIONS = 3000;
const RUNS = Number(process.env.RUNS ?? 9);
const FRESH = process.env.FRESH === '1';

/** A board like bench/run.mjs's: actors on a 50-column grid, relations a few cards apart. */
function board() {
  const kinds = ['municipality', 'regional_authority', 'state_agency', 'business', 'education_research', 'association', 'residents', 'funder', 'media', 'other'];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const actors = [];
  for (let i = 0; i < ACTORS; i++) {
    actors.push({
      id: `a${i}`, name: `Toimija ${i + 1}`, kind: kinds[i % kinds.length], x: (i % 50) * 230, y: Math.floor(i / 50) * 110,
      description: '', tags: [], alias: '', influence: i % 6, stance: null, isPerson: false,
    });
  }
  const relations = [];
  for (let i = 0; i < RELATIONS; i++) {
    const a = Math.floor(rand() * ACTORS);
    const b = Math.min(ACTORS - 1, Math.max(0, a + (Math.floor(rand() * 7) - 3) + (Math.floor(rand() * 5) - 2) * 50));
    if (a === b) continue;
    relations.push({
      id: `r${i}`, from: `a${a}`, to: `a${b}`, kind: 'collaboration', label: '', direction: i % 2 ? 'one_way' : 'none',
      strength: ['weak', 'normal', 'strong'][i % 3], coordination: null, status: i % 7 === 0 ? 'desired' : 'existing',
    });
  }
  const meta = { title: 'Bench', template: 'blank', locale: null, locked: false, timerEndsAt: null, presenting: null };
  return { format: 'kartta-board', version: 1, meta, actors, relations, notes: [], strokes: [] };
}

const loadAverage = loadavg().map((v) => v.toFixed(2)).join(' ');
const server = await startServer();
let browser = null;
try {
  const post = (path, token, body) => postJson(server.serverOrigin, path, token, body);
  const created = await post('/api/boards', null, { title: 'Bench', template: 'blank' });
  const boardId = created.workshop.boards[0].id;
  await post(`/api/boards/${boardId}/import`, created.tokens.facilitator, board());
  const link = `${server.origin}/b/${boardId}#t=${created.tokens.participant}`;
  const openBrowser = async () => {
    browser = await launchContext({ debugHandle: false });
    await browser.page.addInitScript(() => {
      localStorage.setItem('kartta.locale', 'en');
      localStorage.setItem('kartta.name', 'Viewer');
    });
    return browser.page;
  };
  let page = await openBrowser();
  const firstContent = [];
  const domContentLoaded = [];
  let firstLoad = null;
  for (let run = 0; run <= RUNS; run++) {
    if (FRESH && run > 0) {
      await browser.close();
      page = await openBrowser();
    }
    await page.goto('about:blank');
    await page.goto(link);
    await page.waitForFunction(() => performance.getEntriesByName('kartta:first-content').length > 0, undefined, { timeout: 60_000, polling: 50 });
    const load = await page.evaluate(() => ({
      firstContent: performance.getEntriesByName('kartta:first-content')[0].startTime,
      domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    }));
    // The first load is a fresh browser's (nothing cached); the rest are repeat loads unless FRESH.
    if (run === 0) firstLoad = load;
    else {
      firstContent.push(load.firstContent);
      domContentLoaded.push(load.domContentLoaded);
    }
  }
  const s = stats(firstContent);
  console.log(JSON.stringify({
    benchmark: 'board page load, 2,000 actors', fresh: FRESH,
    firstContentMs: { median: Math.round(s.median), p95: Math.round(s.p95), runs: s.n },
    domContentLoadedMs: { median: Math.round(stats(domContentLoaded).median) },
    all: firstContent.map(Math.round),
    firstLoad: { firstContentMs: Math.round(firstLoad.firstContent), domContentLoadedMs: Math.round(firstLoad.domContentLoaded) },
    loadAverage, loadAverageAfter: loadavg().map((v) => v.toFixed(2)).join(' '),
  }, null, 1));
} finally {
  await browser?.close();
  server.stop();
}
