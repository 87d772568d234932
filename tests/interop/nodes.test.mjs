// Stock Yjs clients (yjs + y-websocket) on three kartta nodes sharing one PostgreSQL and one
// Redis: clients of one board on different nodes converge and see each other's presence, and a
// late joiner on the third node gets everything. The board is made through the first node's
// API; its token opens it on every node. Skipped without KARTTA_TEST_POSTGRES_URL and
// KARTTA_TEST_REDIS_URL (`eval "$(scripts/services.sh start)"` starts both).
//
//   KARTTA_BIN=/path/to/kartta node --test nodes.test.mjs
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const here = dirname(fileURLToPath(import.meta.url))
const KARTTA_BIN = resolve(here, process.env.KARTTA_BIN || '../../target/release/kartta')
const POSTGRES = process.env.KARTTA_TEST_POSTGRES_URL
const REDIS = process.env.KARTTA_TEST_REDIS_URL
const skip = !POSTGRES || !REDIS
  ? 'KARTTA_TEST_POSTGRES_URL and KARTTA_TEST_REDIS_URL are not set (eval "$(scripts/services.sh start)")'
  : false
const WAIT_MS = 10000

const nodes = []
const providers = []

const waitFor = (what, cond, ms = WAIT_MS) => new Promise((resolve, reject) => {
  const started = Date.now()
  const tick = () => {
    let value
    try { value = cond() } catch (e) { return reject(e) }
    if (value) return resolve(value)
    if (Date.now() - started > ms) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`))
    setTimeout(tick, 10)
  }
  tick()
})

/** One node on the shared PostgreSQL and Redis; resolves with its port once it listens. */
const startNode = () => new Promise((resolve, reject) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kartta-interop-node-'))
  const child = spawn(KARTTA_BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
    '--postgres-url', POSTGRES, '--redis-url', REDIS], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const node = { child, dataDir, port: null }
  nodes.push(node)
  child.stderr.on('data', (d) => { output += d })
  const timer = setTimeout(() => reject(new Error(`a node did not report its port; output:\n${output}`)), 15000)
  child.stdout.on('data', (d) => {
    output += d
    const m = /kartta listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
    if (m && node.port === null) { clearTimeout(timer); node.port = Number(m[1]); resolve(node) }
  })
  child.on('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`a node exited early (${code ?? signal}):\n${output}`)) })
})

/** The node's /metrics value `name` (0 when absent). */
const metric = async (node, name) => {
  const text = await (await fetch(`http://127.0.0.1:${node.port}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line ? Number(line.split(' ')[1]) : 0
}

const connect = (node, board) => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`ws://127.0.0.1:${node.port}/sync`, board.id, doc,
    { WebSocketPolyfill: WebSocket, disableBc: true, params: { token: board.tokens.participant } })
  providers.push(provider)
  return { doc, provider }
}

before(async () => {
  if (skip) return
  for (let i = 0; i < 3; i++) await startNode()
  // Each node's Redis subscription stands before the clients come.
  for (const node of nodes) {
    const deadline = Date.now() + WAIT_MS
    while (await metric(node, 'kartta_carriage_connected') !== 1) {
      if (Date.now() > deadline) throw new Error(`node ${node.port} never reached Redis`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
})

after(async () => {
  for (const p of providers) {
    try { p.destroy(); p.doc.destroy() } catch {}
  }
  for (const node of nodes) {
    if (node.child.exitCode === null && node.child.signalCode === null) {
      const exited = new Promise((resolve) => node.child.once('exit', resolve))
      process.kill(node.child.pid, 'SIGTERM')
      const timer = setTimeout(() => { try { process.kill(node.child.pid, 'SIGKILL') } catch {} }, 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(node.dataDir, { recursive: true, force: true })
  }
})

test('stock clients on different nodes converge, see each other, and a late joiner on a third node gets everything', { skip, timeout: 60000 }, async () => {
  const response = await fetch(`http://127.0.0.1:${nodes[0].port}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'several nodes' }),
  })
  assert.equal(response.status, 201)
  const created = await response.json()
  const board = { id: created.workshop.boards[0].id, tokens: created.tokens }

  const a = connect(nodes[0], board)
  const b = connect(nodes[1], board)
  await waitFor('both to sync', () => a.provider.synced && b.provider.synced)
  a.provider.awareness.setLocalStateField('user', { name: 'Aino' })
  b.provider.awareness.setLocalStateField('user', { name: 'Bertta' })
  const names = (p) => [...p.awareness.getStates().values()].map((s) => s.user?.name).filter(Boolean).sort()
  await waitFor('A to see Bertta on the other node', () => names(a.provider).includes('Bertta'))
  await waitFor('B to see Aino on the other node', () => names(b.provider).includes('Aino'))

  for (let i = 0; i < 20; i++) {
    const actor = new Y.Map()
    a.doc.transact(() => { a.doc.getMap('actors').set(`a${i}`, actor); actor.set('name', `Kunta ${i}`) })
    b.doc.getText('notes').insert(0, `${i} `)
  }
  // What a client holds, independent of the order its map entries arrived in.
  const content = (doc) => JSON.stringify({
    actors: [...doc.getMap('actors').keys()].sort(),
    notes: doc.getText('notes').toString(),
  })
  const vector = (doc) => JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort())
  await waitFor('A and B to converge', () => vector(a.doc) === vector(b.doc) &&
    content(a.doc) === content(b.doc) && a.doc.getMap('actors').size === 20)

  const late = connect(nodes[2], board)
  await waitFor('the late joiner to sync', () => late.provider.synced)
  await waitFor('the late joiner to hold everything', () =>
    vector(late.doc) === vector(a.doc) && content(late.doc) === content(a.doc))
  await waitFor('the late joiner to see both others', () =>
    names(late.provider).includes('Aino') && names(late.provider).includes('Bertta'))
  assert.equal(late.doc.getText('notes').toString().split(' ').filter(Boolean).length, 20)
})
