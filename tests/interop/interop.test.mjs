// The stock Yjs client (npm yjs + y-websocket, over the `ws` package) against the kartta binary:
// edits converge both ways, awareness is relayed, a vanished client's awareness is removed by
// the server, a late joiner gets the full state, and a viewer's token syncs read-only. Boards
// are made through the HTTP API and the token rides as the provider's `params`, as in the app.
//
//   cd tests/interop && npm ci && node --test
//   KARTTA_BIN=/path/to/kartta node --test        (default: ../../target/release/kartta)
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const here = dirname(fileURLToPath(import.meta.url))
const KARTTA_BIN = resolve(here, process.env.KARTTA_BIN || '../../target/release/kartta')
const WAIT_MS = 5000

let server = null
let dataDir = null
let serverUrl = null
let serverOutput = ''
const openProviders = []

/** Resolves when `cond()` is truthy; rejects with `what` after `ms`. */
const waitFor = (what, cond, ms = WAIT_MS) => new Promise((resolve, reject) => {
  const started = Date.now()
  const tick = () => {
    let value
    try { value = cond() } catch (e) { return reject(e) }
    if (value) {
      if (process.env.INTEROP_DEBUG) console.log(`${what}: ${Date.now() - started} ms`)
      return resolve(value)
    }
    if (Date.now() - started > ms) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`))
    setTimeout(tick, 10)
  }
  tick()
})

let httpBase = null

/** A quick board made through the API, as the web app makes one: its id and its three tokens. */
const newBoard = async () => {
  const response = await fetch(`${httpBase}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'interop' }),
  })
  assert.equal(response.status, 201)
  const created = await response.json()
  return { id: created.workshop.boards[0].id, tokens: created.tokens }
}

/** A stock provider exactly as the web app opens one, minus the cross-tab BroadcastChannel
 * (in one Node process two providers would otherwise sync without the server). */
const connect = (board, token = board.tokens.participant) => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(serverUrl, board.id, doc, { WebSocketPolyfill: WebSocket, disableBc: true, params: { token } })
  openProviders.push(provider)
  return { doc, provider }
}

const synced = (p) => waitFor(`${p.roomname} to sync`, () => p.synced)

const close = (p) => {
  p.destroy()
  p.doc.destroy()
}

before(async () => {
  assert.ok(existsSync(KARTTA_BIN), `kartta binary not found at ${KARTTA_BIN}; build it with cargo build --release -p kartta-server, or set KARTTA_BIN`)
  dataDir = mkdtempSync(join(tmpdir(), 'kartta-interop-'))
  server = spawn(KARTTA_BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  server.stderr.on('data', (d) => { serverOutput += d })
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kartta did not report its port within 15 s; output:\n${serverOutput}`)), 15000)
    server.stdout.on('data', (d) => {
      serverOutput += d
      const m = /kartta listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(serverOutput)
      if (m) { clearTimeout(timer); resolve(Number(m[1])) }
    })
    server.on('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`kartta exited early (${code ?? signal}); output:\n${serverOutput}`)) })
  })
  serverUrl = `ws://127.0.0.1:${port}/sync`
  httpBase = `http://127.0.0.1:${port}`
})

after(async () => {
  for (const p of openProviders) {
    try { close(p) } catch {}
  }
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve))
    process.kill(server.pid, 'SIGTERM')
    const timer = setTimeout(() => { try { process.kill(server.pid, 'SIGKILL') } catch {} }, 5000)
    await exited
    clearTimeout(timer)
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

test('two stock clients converge on map and text edits, both ways', { timeout: 20000 }, async () => {
  const board = await newBoard()
  const a = connect(board)
  const b = connect(board)
  await Promise.all([synced(a.provider), synced(b.provider)])

  // A → B: a map entry (an actor, as the web app writes it).
  const actor = new Y.Map()
  a.doc.transact(() => {
    a.doc.getMap('actors').set('act1', actor)
    actor.set('name', 'Varsinais-Suomen liitto')
    actor.set('x', 120)
  })
  await waitFor('B to see the actor', () => b.doc.getMap('actors').get('act1')?.get('name') === 'Varsinais-Suomen liitto')

  // B → A: text.
  b.doc.getText('body').insert(0, 'Hei maailma')
  await waitFor('A to see the text', () => a.doc.getText('body').toString() === 'Hei maailma')

  // Concurrent edits of the same actor from both sides, then both sides agree.
  a.doc.getMap('actors').get('act1').set('x', 300)
  b.doc.getMap('actors').get('act1').set('y', 40)
  a.doc.getText('body').insert(0, '> ')
  b.doc.getText('body').insert(b.doc.getText('body').length, '!')
  const same = () => JSON.stringify(a.doc.toJSON()) === JSON.stringify(b.doc.toJSON())
  await waitFor('A and B to converge', () => same() && b.doc.getText('body').toString() === '> Hei maailma!')
  assert.deepEqual(a.doc.getMap('actors').get('act1').toJSON(), { name: 'Varsinais-Suomen liitto', x: 300, y: 40 })
  assert.deepEqual(Y.decodeStateVector(Y.encodeStateVector(a.doc)), Y.decodeStateVector(Y.encodeStateVector(b.doc)))
  close(a.provider)
  close(b.provider)
})

test('awareness is relayed both ways and removed at the other client when one vanishes', { timeout: 20000 }, async () => {
  const board = await newBoard()
  const a = connect(board)
  const b = connect(board)
  await Promise.all([synced(a.provider), synced(b.provider)])
  a.provider.awareness.setLocalStateField('user', { name: 'Aino', color: '#30bced' })
  b.provider.awareness.setLocalStateField('user', { name: 'Bertil', color: '#ee6352' })
  const aId = a.doc.clientID
  const bId = b.doc.clientID
  await waitFor('B to see A\'s awareness', () => b.provider.awareness.getStates().get(aId)?.user?.name === 'Aino')
  await waitFor('A to see B\'s awareness', () => a.provider.awareness.getStates().get(bId)?.user?.name === 'Bertil')

  // A cursor move is relayed too.
  a.provider.awareness.setLocalStateField('cursor', { x: 10, y: 20 })
  await waitFor('B to see A\'s cursor', () => b.provider.awareness.getStates().get(aId)?.cursor?.x === 10)

  // A vanishes without a goodbye (no awareness removal sent, no close frame): the server must
  // tell B. The stock client would drop A by itself after 30 s without news (origin 'timeout');
  // a removal that arrives as a message from the server has the provider as its origin.
  const removedBy = []
  b.provider.awareness.on('update', ({ removed }, origin) => {
    if (removed.includes(aId)) removedBy.push(origin === b.provider ? 'server' : String(origin))
  })
  a.provider.shouldConnect = false
  a.provider.ws.terminate()
  await waitFor('B to drop A\'s awareness state', () => !b.provider.awareness.getStates().has(aId), 15000)
  assert.deepEqual(removedBy, ['server'], 'A\'s state is removed by a message from the server')
  assert.equal(b.provider.awareness.getStates().get(bId)?.user?.name, 'Bertil')

  // A goodbye from a client that leaves politely is relayed as well.
  const c = connect(board)
  await synced(c.provider)
  c.provider.awareness.setLocalStateField('user', { name: 'Cecilia' })
  const cId = c.doc.clientID
  await waitFor('B to see C', () => b.provider.awareness.getStates().get(cId)?.user?.name === 'Cecilia')
  close(c.provider)
  await waitFor('B to drop C after it disconnects', () => !b.provider.awareness.getStates().has(cId))
  close(a.provider)
  close(b.provider)
})

test('a late joiner gets the full state', { timeout: 20000 }, async () => {
  const board = await newBoard()
  const a = connect(board)
  await synced(a.provider)
  const notes = a.doc.getMap('notes')
  // 200 notes in one transaction (an import), then a few separate edits.
  a.doc.transact(() => {
    for (let i = 0; i < 200; i++) {
      const note = new Y.Map()
      notes.set(`n${i}`, note)
      note.set('x', i)
      const body = new Y.Text()
      note.set('body', body)
      body.insert(0, `muistiinpano ${i}`)
    }
  })
  a.doc.getText('body').insert(0, 'x'.repeat(50000))
  notes.get('n42').get('body').insert(0, 'Tärkeä: ')
  notes.delete('n7')
  // Wait until the server has echoed our state back: a second client sees it all.
  const b = connect(board)
  await synced(b.provider)
  await waitFor('B to have all of A\'s edits', () => b.doc.getMap('notes').size === 199 && b.doc.getText('body').length === 50000)
  close(b.provider)
  close(a.provider)

  // Nobody is connected now; a fresh client still gets everything (from memory or storage).
  const late = connect(board)
  await synced(late.provider)
  await waitFor('the late joiner to hold the whole board', () => late.doc.getMap('notes').size === 199)
  assert.equal(late.doc.getMap('notes').get('n42').get('body').toString(), 'Tärkeä: muistiinpano 42')
  assert.equal(late.doc.getMap('notes').has('n7'), false)
  assert.equal(late.doc.getText('body').length, 50000)
  close(late.provider)
})

test('a viewer link syncs read-only: its edits reach nobody and are not stored', { timeout: 20000 }, async () => {
  const board = await newBoard()
  const editor = connect(board)
  const viewer = connect(board, board.tokens.viewer)
  await Promise.all([synced(editor.provider), synced(viewer.provider)])
  editor.doc.getMap('actors').set('seen', 'by everyone')
  await waitFor('the viewer to see the editor\'s change', () => viewer.doc.getMap('actors').get('seen') === 'by everyone')
  viewer.doc.getMap('actors').set('sneaky', 'edit')
  editor.doc.getMap('actors').set('after', 'the viewer tried')
  await waitFor('the viewer to see the later change', () => viewer.doc.getMap('actors').get('after') === 'the viewer tried')
  assert.equal(editor.doc.getMap('actors').has('sneaky'), false)
  close(viewer.provider)
  const fresh = connect(board)
  await synced(fresh.provider)
  await waitFor('a fresh client to have the board', () => fresh.doc.getMap('actors').get('after') === 'the viewer tried')
  assert.equal(fresh.doc.getMap('actors').has('sneaky'), false, 'the viewer\'s edit was not stored')
  close(fresh.provider)
  close(editor.provider)
})

/** lib0's variable-length unsigned integer, for hand-made frames. */
const varUint = (value) => {
  const bytes = []
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80)
    value = Math.floor(value / 128)
  }
  bytes.push(value)
  return bytes
}

/** One awareness message (type 1) carrying `state` as the state text of `clientId`. */
const awarenessFrame = (clientId, clock, state) => {
  const text = [...Buffer.from(state, 'utf8')]
  const payload = [...varUint(1), ...varUint(clientId), ...varUint(clock), ...varUint(text.length), ...text]
  return Buffer.from([...varUint(1), ...varUint(payload.length), ...payload])
}

test('an awareness state that is not JSON closes its sender; stock clients throw nothing and keep converging', { timeout: 20000 }, async () => {
  // y-protocols calls JSON.parse inside the socket's message handler, so a relayed bad state
  // would surface here as an uncaught exception.
  const uncaught = []
  const onUncaught = (error) => uncaught.push(error)
  process.on('uncaughtException', onUncaught)
  try {
    const board = await newBoard()
    const a = connect(board)
    const b = connect(board)
    await Promise.all([synced(a.provider), synced(b.provider)])
    a.provider.awareness.setLocalStateField('user', { name: 'Aino' })
    await waitFor('B to see A', () => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Aino')

    const badClientId = 4242
    const raw = new WebSocket(`${serverUrl}/${board.id}?token=${board.tokens.participant}`)
    const closed = new Promise((resolve) => raw.on('close', (code) => resolve(code)))
    raw.on('open', () => raw.send(awarenessFrame(badClientId, 1, '{"user": not json')))
    assert.equal(await closed, 1007)

    // Both stock clients still relay awareness and edits, both ways.
    b.provider.awareness.setLocalStateField('user', { name: 'Bertil' })
    await waitFor('A to see B after the bad state', () => a.provider.awareness.getStates().get(b.doc.clientID)?.user?.name === 'Bertil')
    a.doc.getMap('actors').set('after', 'the bad state')
    b.doc.getMap('actors').set('also', 'from B')
    const both = (doc) => doc.getMap('actors').get('after') === 'the bad state' && doc.getMap('actors').get('also') === 'from B'
    await waitFor('A and B to converge after the bad state', () => both(a.doc) && both(b.doc))
    assert.deepEqual(Y.encodeStateVector(a.doc), Y.encodeStateVector(b.doc))
    assert.deepEqual(uncaught, [])
    assert.equal(a.provider.awareness.getStates().has(badClientId), false)
    assert.equal(b.provider.awareness.getStates().has(badClientId), false)
    close(a.provider)
    close(b.provider)
  } finally {
    process.off('uncaughtException', onUncaught)
  }
})
