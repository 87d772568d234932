// Measures, with stock clients, how long an update takes to reach a client on the writer's own
// node and a client on another node (three nodes on one PostgreSQL and one Redis). A rough
// figure for the several-node mode, not the benchmark of bench/run.sh: one board, one writer.
//
//   eval "$(scripts/services.sh start)"
//   KARTTA_BIN=target/release/kartta node tests/interop/nodes-latency.mjs [updates] [interval_ms]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const here = dirname(fileURLToPath(import.meta.url))
const KARTTA_BIN = resolve(process.env.KARTTA_BIN || resolve(here, '../../target/release/kartta'))
const POSTGRES = process.env.KARTTA_TEST_POSTGRES_URL
const REDIS = process.env.KARTTA_TEST_REDIS_URL
const UPDATES = Number(process.argv[2] || 500)
const INTERVAL_MS = Number(process.argv[3] || 10)
if (!POSTGRES || !REDIS) {
  console.error('KARTTA_TEST_POSTGRES_URL and KARTTA_TEST_REDIS_URL must be set (scripts/services.sh start)')
  process.exit(2)
}

const nodes = []
const startNode = () => new Promise((resolvePort, reject) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kartta-latency-'))
  const child = spawn(KARTTA_BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--open-boards',
    '--postgres-url', POSTGRES, '--redis-url', REDIS], { stdio: ['ignore', 'pipe', 'inherit'] })
  nodes.push({ child, dataDir })
  let output = ''
  child.stdout.on('data', (d) => {
    output += d
    const m = /kartta listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
    if (m) resolvePort(Number(m[1]))
  })
  child.on('exit', (code) => reject(new Error(`a node exited (${code})`)))
})

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const waitFor = async (cond) => { while (!cond()) await sleep(5) }

const ports = []
for (let i = 0; i < 3; i++) ports.push(await startNode())
await sleep(1000)
const board = `latency-${Date.now()}`
const open = (port) => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, board, doc, { WebSocketPolyfill: WebSocket, disableBc: true })
  return { doc, provider }
}
const writer = open(ports[0])
const sameNode = open(ports[0])
const otherNode = open(ports[2])
await waitFor(() => writer.provider.synced && sameNode.provider.synced && otherNode.provider.synced)

const sentAt = new Map()
const received = { same: [], cross: [] }
const listen = (client, into) => client.doc.getMap('latency').observe((event) => {
  const now = performance.now()
  for (const key of event.keysChanged) into.push(now - sentAt.get(key))
})
listen(sameNode, received.same)
listen(otherNode, received.cross)
for (let i = 0; i < UPDATES; i++) {
  const key = String(i)
  sentAt.set(key, performance.now())
  writer.doc.getMap('latency').set(key, i)
  await sleep(INTERVAL_MS)
}
await waitFor(() => received.same.length === UPDATES && received.cross.length === UPDATES)

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}
const row = (name, values) => `${name}: p50 ${quantile(values, 0.5).toFixed(1)} ms, p99 ${quantile(values, 0.99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`
console.log(`${UPDATES} updates, one every ${INTERVAL_MS} ms, three nodes`)
console.log(row('same node ', received.same))
console.log(row('other node', received.cross))
console.log(`p99 ratio other/same: ${(quantile(received.cross, 0.99) / quantile(received.same, 0.99)).toFixed(2)}`)

for (const p of [writer, sameNode, otherNode]) { p.provider.destroy(); p.doc.destroy() }
for (const node of nodes) {
  node.child.removeAllListeners('exit')
  node.child.kill('SIGTERM')
}
await sleep(500)
for (const node of nodes) rmSync(node.dataDir, { recursive: true, force: true })
process.exit(0)
