// Shared by the benchmarks: sample statistics, and main-thread work per frame from a Chromium trace.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1], n: sorted.length };
}

/**
 * Main-thread work per frame, from a Chromium trace of the same run: rAF intervals only show whole
 * vsyncs (16.7 ms), this shows how much of each frame the page's main thread was busy. A frame's work
 * is every top-level task that starts between its BeginMainFrame and the next one (scripts, timers,
 * style, layout, paint, commit). Rasterisation runs on worker threads and is not included.
 */
export async function tracedWork(page, name, run, marks = ['kartta:bench-start', 'kartta:bench-end']) {
  return frameWork(await tracedEvents(page, name, run), marks);
}

/** The Chromium trace events of `run`, for `frameWork` over one or more windows of it. */
export async function tracedEvents(page, name, run) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['toplevel', 'cc', 'devtools.timeline', 'blink.user_timing'], recordMode: 'recordAsMuchAsPossible' },
    transferMode: 'ReportEvents',
  });
  await run();
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  // TRACE_DIR=dir keeps each trace as dir/<figure>.json, to open in Chromium's DevTools (Performance).
  if (process.env.TRACE_DIR) writeFileSync(resolve(process.env.TRACE_DIR, `${name}.json`), JSON.stringify({ traceEvents: events }));
  return events;
}

export function frameWork(events, [startMark, endMark]) {
  const animationFrames = new Map();
  for (const e of events) if (e.name === 'FireAnimationFrame') animationFrames.set(`${e.pid}/${e.tid}`, (animationFrames.get(`${e.pid}/${e.tid}`) ?? 0) + 1);
  const main = [...animationFrames].sort((a, b) => b[1] - a[1])[0][0];
  const onMain = events.filter((e) => `${e.pid}/${e.tid}` === main && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const mark = (name) => events.find((e) => e.name === name && e.cat.includes('blink.user_timing'))?.ts;
  const from = mark(startMark) ?? -Infinity;
  const to = mark(endMark) ?? Infinity;
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  // A frame starts with the task that runs its BeginMainFrame (rAF callbacks, style, layout, paint).
  const frameStarts = onMain
    .filter((e) => e.name === 'ProxyMain::BeginMainFrame' && e.ts >= from && e.ts <= to)
    .map((e) => tasks.find((t) => t.ts <= e.ts && e.ts < t.ts + t.dur)?.ts ?? e.ts);
  const phase = { FunctionCall: 'script', TimerFire: 'script', UpdateLayoutTree: 'style', Layout: 'layout', PrePaint: 'paint', Paint: 'paint', Layerize: 'paint', Commit: 'commit' };
  const frames = [];
  for (let f = 0; f + 1 < frameStarts.length; f++) {
    const [start, end] = [frameStarts[f], frameStarts[f + 1]];
    let work = 0;
    let taskEnd = -Infinity;
    for (const t of tasks) {
      // Only outermost tasks count (a nested run loop reports tasks inside tasks).
      if (t.ts < start || t.ts >= end || t.ts < taskEnd) continue;
      work += t.dur;
      taskEnd = t.ts + t.dur;
    }
    const parts = {};
    const phaseEnd = {};
    for (const e of onMain) {
      const name = phase[e.name];
      // Phases nest (a Paint inside a Paint): only the outermost one counts.
      if (e.ts < start || e.ts >= end || !name || e.ts < (phaseEnd[name] ?? -Infinity)) continue;
      parts[name] = (parts[name] ?? 0) + e.dur / 1000;
      phaseEnd[name] = e.ts + e.dur;
    }
    frames.push({ work: work / 1000, parts });
  }
  const worst = frames.reduce((a, b) => (b.work > a.work ? b : a), frames[0]);
  // A window with no frame in it (nothing drawn) has no worst frame.
  return { ...stats(frames.map((f) => f.work)), worst: worst?.parts ?? {} };
}

