// Compare benchmark (not a test): two group boards of 500 actors each, compared side by side in real
// Chromium. Measures the time from navigation to both drawings and the list being on screen (the
// page's `kartta:compare-ready` mark), over several fresh page loads. Issue 8's target: ≤ 300 ms.
// Usage: node bench/compare.mjs   (env KARTTA_BIN, default ../target/release/kartta; RUNS, default 7;
// PAIR=snapshot compares group 1's board with a snapshot of itself: paired by id, no match table,
// so the figure is the browser's share alone; FRESH=1 opens every load in a fresh browser, so none
// uses the HTTP cache or V8's code cache, as a facilitator's first look of the day)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startServer, launchContext, postJson } from '../e2e/harness.mjs';
import { stats } from './trace.mjs';

const ACTORS = 500;
const RELATIONS = 800;
const RUNS = Number(process.env.RUNS ?? 7);
const PAIR = process.env.PAIR ?? 'groups';
const FRESH = process.env.FRESH === '1';

/**
 * Where one load's time went, from the page's navigation and resource timings (ms from navigation
 * start): for each request when it started, its first byte and its last, and its bytes over the wire
 * (0 when it came from the HTTP cache); then the page's own milestones.
 */
function timelineOfLoad() {
  const navigation = performance.getEntriesByType('navigation')[0];
  const kindOf = (name) => {
    const path = new URL(name).pathname;
    if (/^\/assets\/index-.*\.js$/.test(path)) return 'entryScript';
    if (/^\/assets\/index-.*\.css$/.test(path)) return 'styles';
    if (path.startsWith('/assets/')) return `chunk ${path.slice('/assets/'.length).replace(/-[\w-]{8}\.js$/, '')}`;
    if (path.endsWith('/state')) return 'state';
    if (path.endsWith('/matches/propose')) return 'matchTable';
    if (/^\/api\/workshops\/[^/]+$/.test(path)) return 'workshop';
    return path;
  };
  const timeline = {
    html: { start: 0, firstByte: navigation.responseStart, end: navigation.responseEnd, bytes: navigation.transferSize },
    domContentLoaded: navigation.domContentLoadedEventEnd,
  };
  let states = 0;
  for (const entry of performance.getEntriesByType('resource')) {
    let kind = kindOf(entry.name);
    if (kind === 'state') kind = `state ${++states}`;
    timeline[kind] = { start: entry.startTime, firstByte: entry.responseStart, end: entry.responseEnd, bytes: entry.transferSize };
  }
  for (const paint of performance.getEntriesByType('paint')) timeline[paint.name] = paint.startTime;
  for (const step of ['synced', 'matched', 'listed', 'ready']) timeline[step] = performance.getEntriesByName(`kartta:compare-${step}`)[0]?.startTime ?? null;
  return timeline;
}

/**
 * Self time of one V8 CPU profile (ms), by function (`name file:line`), plus its total: what the
 * page's JavaScript and the garbage collector cost up to the ready mark, a figure the other
 * programs on a shared machine move less than wall time.
 */
function selfTimes(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const { callFrame } = nodes.get(profile.samples[i]);
    const file = callFrame.url.split('/').pop();
    const key = `${callFrame.functionName || '(anonymous)'} ${file}:${callFrame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  const idle = ['(idle) :0', '(program) :0'];
  let total = 0;
  for (const [key, ms] of byFunction) if (!idle.includes(key)) total += ms;
  return { total, byFunction };
}

/** The median of each figure of several timelines. */
function medianTimeline(timelines) {
  const median = (values) => Math.round(stats(values.filter((v) => typeof v === 'number')).median);
  const out = {};
  for (const [key, value] of Object.entries(timelines[0])) {
    if (value !== null && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.keys(value).map((field) => [field, median(timelines.map((t) => t[key]?.[field]))]));
    } else out[key] = median(timelines.map((t) => t[key]));
  }
  return out;
}

/** A group's map: most names shared with the other group, some only its own, rings and kinds varied. */
function groupMap(group) {
  const kinds = ['municipality', 'regional_authority', 'state_agency', 'business', 'education_research', 'association', 'funder', 'media'];
  const actors = [];
  for (let i = 0; i < ACTORS; i++) {
    const shared = i < ACTORS * 0.8;
    const name = shared ? `Toimija ${i}` : `Ryhmän ${group} toimija ${i}`;
    const angle = (i / ACTORS) * 2 * Math.PI * 7;
    const radius = 150 + ((i * (group === 1 ? 37 : 53)) % 1600);
    actors.push({
      id: `g${group}a${i}`, name, kind: kinds[i % kinds.length], x: Math.round(Math.cos(angle) * radius), y: Math.round(Math.sin(angle) * radius),
      description: '', tags: [], alias: '', influence: null, stance: i % 11 === 0 && group === 2 ? 'supports' : null, isPerson: false,
    });
  }
  const relations = [];
  for (let i = 0; i < RELATIONS; i++) {
    const from = (i * 7) % ACTORS;
    const to = (i * 13 + 1 + group) % ACTORS;
    if (from === to) continue;
    relations.push({
      id: `g${group}r${i}`, from: `g${group}a${from}`, to: `g${group}a${to}`, kind: i % 5 === 0 ? 'funding' : 'collaboration',
      label: '', direction: 'none', strength: 'normal', coordination: null, status: 'existing',
    });
  }
  const meta = { title: '', template: 'rings', locale: null, locked: false, timerEndsAt: null, presenting: null };
  return { format: 'kartta-board', version: 1, meta, actors, relations, notes: [], strokes: [] };
}

const loadAverage = loadavg().map((v) => v.toFixed(2)).join(' ');
const server = await startServer();
let browser = null;
try {
  const post = (path, token, body) => postJson(server.serverOrigin, path, token, body);
  const created = await post('/api/workshops', null, { title: 'Compare bench', locale: 'en', template: 'rings', groupCount: 2, personalBoards: [] });
  const token = created.tokens.facilitator;
  const [one, two] = created.workshop.boards;
  await post(`/api/boards/${one.id}/import`, token, groupMap(1));
  await post(`/api/boards/${two.id}/import`, token, groupMap(2));
  const openBrowser = async () => {
    browser = await launchContext({ debugHandle: false, viewport: { width: 1280, height: 800 } });
    await browser.page.addInitScript(() => localStorage.setItem('kartta.locale', 'en'));
    if (process.env.PROFILE === '1') {
      await browser.page.addInitScript((afterReadyMs) => {
        if (!location.pathname.includes('/compare')) return;
        console.profile('load');
        // Ends the profile at the mark itself, before the work that follows it in the same task.
        // PROFILE_AFTER_READY_MS=n ends it n ms later instead, to see what connecting the panes costs.
        const mark = performance.mark.bind(performance);
        performance.mark = (name, options) => {
          const entry = mark(name, options);
          if (name === 'kartta:compare-ready') {
            if (afterReadyMs > 0) setTimeout(() => console.profileEnd('load'), afterReadyMs);
            else console.profileEnd('load');
          }
          return entry;
        };
      }, Number(process.env.PROFILE_AFTER_READY_MS ?? 0));
    }
    return browser.page;
  };
  let page = await openBrowser();
  const left = PAIR === 'snapshot' ? `s:${(await post(`/api/boards/${one.id}/snapshots`, token, { name: 'Bench' })).id}` : `b:${one.id}`;
  const url = `${server.origin}/w/${created.workshop.id}/compare?left=${left}&right=b:${PAIR === 'snapshot' ? one.id : two.id}#t=${token}`;
  const times = [];
  let firstLoad = null;
  const proposeTimes = [];
  const stepTimes = [];
  let proposeBytes = 0;
  let items = 0;
  const timelines = [];
  const profiles = [];
  for (let run = 0; run <= RUNS; run++) {
    if (FRESH && run > 0) {
      await browser.close();
      page = await openBrowser();
    }
    await page.goto('about:blank');
    // PROFILE=1: a V8 CPU profile of each load, from the document's start to the ready mark (the
    // page starts and ends it itself, see below). The session is opened on a page of the same
    // origin, so the navigation stays in one renderer process and the session survives it.
    const profiler = process.env.PROFILE === '1' && run > 0 ? await page.context().newCDPSession(page) : null;
    let profileFinished = null;
    if (profiler) {
      await page.goto(`${server.origin}/healthz`);
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 100 });
      profileFinished = new Promise((resolve) => profiler.once('Profiler.consoleProfileFinished', (event) => resolve(event.profile)));
    }
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('app')?.dataset.compared === 'ready', undefined, { timeout: 60_000, polling: 50 });
    if (profiler) {
      const profile = await profileFinished;
      // PROFILE_DIR=dir keeps each load's profile as dir/compare-<run>.cpuprofile, for DevTools.
      if (process.env.PROFILE_DIR) writeFileSync(`${process.env.PROFILE_DIR}/compare-${run}.cpuprofile`, JSON.stringify(profile));
      profiles.push(selfTimes(profile));
      await profiler.detach();
    }
    const ready = await page.evaluate(() => performance.getEntriesByName('kartta:compare-ready')[0].startTime);
    // Where the time went: both boards synced, the pairs known, the list and marks made, drawn.
    const steps = await page.evaluate(() => Object.fromEntries(['synced', 'matched', 'listed', 'ready']
      .map((step) => [step, performance.getEntriesByName(`kartta:compare-${step}`)[0]?.startTime ?? null])));
    if (run > 0) stepTimes.push(steps);
    if (run > 0) timelines.push(await page.evaluate(timelineOfLoad));
    // The server's share: the match table of both boards (names, aliases, proposals).
    const proposeEntry = await page.evaluate(() => {
      const entry = performance.getEntriesByType('resource').find((e) => e.name.includes('/matches/propose'));
      return { duration: entry?.duration ?? 0, bytes: entry?.decodedBodySize ?? 0 };
    });
    if (run > 0) proposeTimes.push(proposeEntry.duration);
    proposeBytes = proposeEntry.bytes;
    items = await page.locator('.k-cmp-item').count();
    // The first load warms the server's rooms, its kept match tables and the browser's cache, as a
    // facilitator's second look would; it is reported on its own (the first look of the day).
    if (run > 0) times.push(ready);
    else firstLoad = { ready, steps, proposeMs: proposeEntry.duration };
  }
  const s = stats(times);
  console.log(JSON.stringify({
    benchmark: 'compare two 500-actor boards', pair: PAIR, fresh: FRESH, actors: ACTORS, relationsPerBoard: RELATIONS, listItems: items,
    navigationToReadyMs: { median: Math.round(s.median), p95: Math.round(s.p95), max: Math.round(s.max), runs: s.n },
    proposeMs: { median: Math.round(stats(proposeTimes).median) }, proposeBytes,
    // Medians of navigation start → each step (synced: both boards' first state; matched: the pairs
    // known; listed: compared, list and marks made; ready: both drawings and the list on screen).
    stepsMs: Object.fromEntries(['synced', 'matched', 'listed', 'ready'].map((step) => [step, Math.round(stats(stepTimes.map((s) => s[step])).median)])),
    all: times.map((t) => Math.round(t)),
    firstLoad: { readyMs: Math.round(firstLoad.ready), proposeMs: Math.round(firstLoad.proposeMs), stepsMs: Object.fromEntries(Object.entries(firstLoad.steps).map(([k, v]) => [k, Math.round(v)])) },
    loadAverage, loadAverageAfter: loadavg().map((v) => v.toFixed(2)).join(' '),
    // TIMELINE=1: the median load's requests and milestones (see timelineOfLoad).
    ...(process.env.TIMELINE === '1' ? { timeline: medianTimeline(timelines) } : {}),
    // PROFILE=1: the page's script time up to ready (median of the loads), and the functions with
    // the most self time summed over all loads.
    ...(profiles.length ? {
      scriptMs: Math.round(stats(profiles.map((p) => p.total)).median),
      topFunctionsMsPerLoad: Object.fromEntries([...profiles.reduce((sum, p) => {
        for (const [key, ms] of p.byFunction) sum.set(key, (sum.get(key) ?? 0) + ms / profiles.length);
        return sum;
      }, new Map())].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([key, ms]) => [key, Math.round(ms * 10) / 10])),
    } : {}),
  }, null, 1));
} finally {
  await browser?.close();
  server.stop();
}
