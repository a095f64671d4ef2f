/**
 * Serves a simulator over real HTTP on 127.0.0.1 (a free port), for runs
 * that start the bundled action as a child process. A `drop` reply destroys
 * the socket, so the client sees a reset connection.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { realSleep, type SimRequest, type Simulator } from './types.ts'

export interface HttpServerHandle {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  url: string
  close(): Promise<void>
}

/** Starts a loopback server in front of `simulator`; `latencyMs` is added to every request. */
export async function startHttpServer(
  simulator: Simulator,
  options: { latencyMs?: number } = {},
): Promise<HttpServerHandle> {
  let url = ''
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      try {
        const request = await readRequest(incoming, url)
        await realSleep(options.latencyMs ?? 0)
        const reply = await simulator.handle(request)
        if (reply.drop) {
          incoming.socket.destroy()
          return
        }
        outgoing.writeHead(reply.status, reply.headers)
        outgoing.end(reply.body)
      } catch (error) {
        outgoing.writeHead(500, { 'content-type': 'text/plain' })
        outgoing.end(`simulator failure: ${String(error)}`)
      }
    })()
  })
  server.keepAliveTimeout = 5_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  url = `http://127.0.0.1:${port}`

  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

async function readRequest(
  incoming: IncomingMessage,
  base: string,
): Promise<SimRequest> {
  const chunks: Buffer[] = []
  for await (const chunk of incoming) chunks.push(chunk as Buffer)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) {
      headers[name.toLowerCase()] = Array.isArray(value)
        ? value.join(', ')
        : value
    }
  }
  return {
    method: (incoming.method ?? 'GET').toUpperCase(),
    url: new URL(incoming.url ?? '/', base),
    headers,
    body: Buffer.concat(chunks).toString('utf8'),
    baseUrl: base,
  }
}
