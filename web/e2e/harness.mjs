// Test harness: starts `kartta serve` on port 0 with a temp data dir, launches Debian's Chromium, cleans up by PID.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { before, after, afterEach } from 'node:test';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = resolve(here, '../../test-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

/** The running server of this test file (node --test runs each file in its own process). */
export let server = null;
/** Browser contexts a test file opened; closed after its last test. */
export const open = [];
/** What Chromium reported as blocked by the Content-Security-Policy during the current test. */
export const cspViolations = [];

/**
 * Starts a server before the file's first test, and closes every context and the server after its
 * last. A test during which the browser blocked anything under the app's Content-Security-Policy
 * fails.
 */
export function useServer() {
  before(async () => {
    server = await startServer();
  });
  afterEach(() => {
    const reported = cspViolations.splice(0);
    assert.deepEqual(reported, [], 'the browser blocked something under the Content-Security-Policy');
  });
  after(async () => {
    for (const context of open.splice(0)) await context.close();
    server?.stop();
  });
}

/** Starts the server and resolves with its origin once it printed the listening line (bounded wait). */
export async function startServer() {
  const bin = resolve(here, '..', process.env.KARTTA_BIN ?? '../target/release/kartta');
  const dataDir = mkdtempSync(join(tmpdir(), 'kartta-e2e-data-'));
  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--log', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('kartta did not report its address within 20 s')), 20_000);
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const match = /kartta listening on (http:\/\/[0-9.:]+)/.exec(buffer);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`kartta exited early with ${code}`)));
    child.on('error', reject);
  });
  // KARTTA_APP_ORIGIN lets a developer test an unbuilt app (vite preview proxying to this server).
  return {
    origin: process.env.KARTTA_APP_ORIGIN ?? origin,
    serverOrigin: origin,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh Chromium profile per context, so contexts share nothing (two people, two devices).
 * Its pages get the app's `window.kartta` debug handle (which tests drive the board through)
 * unless `debugHandle: false`: a production build attaches it only when asked before loading.
 */
export async function launchContext({ debugHandle = true, ...options } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'kartta-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  if (debugHandle) await context.addInitScript(() => { window.karttaDebug = true; });
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return {
    context,
    page: context.pages()[0] ?? (await context.newPage()),
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * One person in a browser of their own (tracked, so the harness closes it): page errors are logged
 * under `label`, and the app starts in English unless a language was chosen on this device.
 */
export async function person(label, options) {
  const c = await launchContext(options);
  open.push(c);
  c.page.on('pageerror', (e) => console.error(`[${label}] page error:`, e.message));
  await c.page.addInitScript(() => {
    if (!localStorage.getItem('kartta.locale')) localStorage.setItem('kartta.locale', 'en');
  });
  return c;
}

/**
 * `name` in a browser of their own (`person`) with board `boardId` open through `token`'s link, once its
 * connection is up; the name is kept on the device first, so nobody is asked for it.
 */
export async function openBoard(name, boardId, token, options) {
  const c = await person(name, options);
  await c.page.addInitScript((kept) => localStorage.setItem('kartta.name', kept), name);
  await c.page.goto(`${server.origin}/b/${encodeURIComponent(boardId)}#t=${encodeURIComponent(token)}`);
  await c.page.waitForSelector('#k-canvas');
  await waitFor(c.page, () => document.querySelector('#k-conn')?.classList.contains('k-conn-connected'));
  return c;
}

/** Screen position (page coordinates) of a board point in this page's current viewport. */
export async function screenOf(page, x, y) {
  return page.evaluate(([bx, by]) => {
    const rect = document.getElementById('k-canvas').getBoundingClientRect();
    const p = window.kartta.viewport.toScreen(bx, by);
    return { x: rect.left + p.x, y: rect.top + p.y };
  }, [x, y]);
}

export function axeSource() {
  return readFileSync(resolve(here, '../node_modules/axe-core/axe.min.js'), 'utf8');
}

/** Polls `fn` in the page until it returns truthy, or fails after `ms`. */
export async function waitFor(page, fn, arg, ms = 10_000) {
  return page.waitForFunction(fn, arg, { timeout: ms, polling: 50 });
}

/** Runs axe-core in the page and fails on any serious or critical violation (all are logged). */
export async function axeScan(page, label) {
  await page.evaluate(axeSource());
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (result.length) console.log(`axe ${label}:`, JSON.stringify(result, null, 1));
  assert.deepEqual(serious, [], `${label}: serious or critical accessibility violations`);
}

/** The whole body of a Playwright download. */
export async function downloadText(download) {
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Places an actor named `name` with the actor tool, `dx`/`dy` from the canvas centre, and waits for it in the model. */
export async function placeActor(page, name, dx = 0, dy = 0) {
  await page.locator('#k-canvas').focus();
  await page.keyboard.press('a');
  const box = await page.locator('#k-canvas').boundingBox();
  await page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
  await page.waitForSelector('input.k-inline-name:focus', { timeout: 5000 });
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
  await waitFor(page, (n) => [...window.kartta.model.actors.values()].some((a) => a.name === n), name);
}

/** The names of the board's actors, sorted. */
export const actorNames = (page) => page.evaluate(() => [...window.kartta.model.actors.values()].map((a) => a.name).sort());

/** An API call to the test server that must succeed (the failure names the call and the server's answer). */
/** POSTs `body` as JSON to the server at `origin` and answers its JSON (for scripts that start their own server). */
export async function postJson(origin, path, token, body) {
  const response = await fetch(`${origin}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function api(method, path, token, body) {
  const response = await fetch(`${server.serverOrigin}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response;
}
