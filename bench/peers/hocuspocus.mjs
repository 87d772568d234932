// Hocuspocus 4.7 as a benchmark peer: in memory (no extensions, no hooks, so any token is
// accepted), on 127.0.0.1 and the port given (0 = a free one); prints the port it listens on.
//   node bench/peers/hocuspocus.mjs [port]
import { Server } from '@hocuspocus/server'

const server = new Server({ port: Number(process.argv[2] || 0), address: '127.0.0.1', quiet: true })
await server.listen()
console.log(`hocuspocus listening on 127.0.0.1:${server.address.port}`)
