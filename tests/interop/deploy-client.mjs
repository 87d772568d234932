// Stock Yjs clients (yjs + y-websocket over `ws`) for scripts/deploy-check.sh, which runs
// docs/deploy.md: they reach Kartta through the page's nginx, over HTTPS and wss://, trusting the
// check's throwaway certificate through NODE_EXTRA_CA_CERTS. Not a `*.test.mjs`: the check calls
// it with arguments, and `node --test` leaves it alone.
//
//   node deploy-client.mjs create BASE_URL
//       makes a quick board through the API; prints {"id", "token"} (the participant token)
//   node deploy-client.mjs write BASE_URL BOARD TOKEN NAME [NAME…]
//       one client per NAME, each adds an actor of that name; returns once every client holds
//       every name (what one client sees of another's edit was stored first)
//   node deploy-client.mjs read BASE_URL BOARD TOKEN
//       prints the board's actor names (sorted, JSON) once a fresh client is synced
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const WAIT_MS = 20000

const waitFor = (what, condition) => new Promise((resolve, reject) => {
  const started = Date.now()
  const tick = () => {
    if (condition()) return resolve()
    if (Date.now() - started > WAIT_MS) return reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`))
    setTimeout(tick, 20)
  }
  tick()
})

/** `https://host:port` → `wss://host:port/sync`: the websocket goes where the page came from. */
const syncUrl = (base) => base.replace(/^http/, 'ws').replace(/\/$/, '') + '/sync'

const connect = (base, board, token) => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(syncUrl(base), board, doc,
    { WebSocketPolyfill: WebSocket, disableBc: true, params: { token } })
  return { doc, provider }
}

const names = (doc) => [...doc.getMap('actors').values()]
  .map((actor) => actor instanceof Y.Map ? actor.get('name') : undefined)
  .filter((name) => typeof name === 'string')
  .sort()

const create = async (base) => {
  const response = await fetch(`${base}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'deploy check' }),
  })
  if (response.status !== 201) throw new Error(`POST /api/boards answered ${response.status}: ${await response.text()}`)
  const created = await response.json()
  console.log(JSON.stringify({ id: created.workshop.boards[0].id, token: created.tokens.participant }))
}

const write = async (base, board, token, wanted) => {
  const clients = wanted.map(() => connect(base, board, token))
  await waitFor('every client to sync', () => clients.every((c) => c.provider.synced))
  clients.forEach((client, i) => {
    const actor = new Y.Map()
    client.doc.transact(() => {
      client.doc.getMap('actors').set(`deploy-${wanted[i]}`, actor)
      actor.set('name', wanted[i])
    })
  })
  await waitFor(`every client to hold ${wanted.join(', ')}`, () =>
    clients.every((c) => wanted.every((name) => names(c.doc).includes(name))))
  clients.forEach((c) => c.provider.destroy())
}

const read = async (base, board, token) => {
  const client = connect(base, board, token)
  await waitFor('a fresh client to sync', () => client.provider.synced)
  console.log(JSON.stringify(names(client.doc)))
  client.provider.destroy()
}

const [command, base, ...rest] = process.argv.slice(2)
try {
  if (command === 'create') await create(base)
  else if (command === 'write') await write(base, rest[0], rest[1], rest.slice(2))
  else if (command === 'read') await read(base, rest[0], rest[1])
  else throw new Error(`unknown command ${command}; see the top of deploy-client.mjs`)
  process.exit(0)
} catch (error) {
  console.error(`deploy-client: ${error.message}`)
  process.exit(1)
}
