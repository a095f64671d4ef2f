import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { HttpConnections, nextRequestSent } from '../../src/meta/http.ts'

const GET = {
  method: 'GET',
  headers: {},
  signal: new AbortController().signal,
} as const

let server: Server | null = null
const connections = new HttpConnections()
const httpFetch = connections.fetch

afterEach(async () => {
  connections.close()
  const closing = server
  server = null
  if (!closing) return
  closing.closeAllConnections()
  await new Promise((resolve) => closing.close(resolve))
})

/** Starts a server that responds only after `release` is called. */
async function holdingServer(): Promise<{ url: string; release: () => void }> {
  let released = false
  let answer: (() => void) | null = null
  server = createServer((_request, response) => {
    answer = () => response.end('ok')
    if (released) answer()
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const release = () => {
    released = true
    answer?.()
  }
  return { url: `http://127.0.0.1:${port}/`, release }
}

// A server on its own thread, so that it keeps reading while the test's
// thread is blocked. It posts its port, then the time each body arrived.
const SERVER_THREAD = `
const { parentPort } = require('node:worker_threads')
const { createServer } = require('node:http')
const server = createServer((request, response) => {
  let length = 0
  request.on('data', (chunk) => (length += chunk.length))
  request.on('end', () => {
    parentPort.postMessage({ length, at: Date.now() })
    response.end('ok')
  })
})
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port))
parentPort.on('message', () => server.close(() => process.exit(0)))
`

/** Blocks this thread for `ms`, as compiling a large module does. */
function blockFor(ms: number): void {
  const end = Date.now() + ms
  while (Date.now() < end);
}

describe('nextRequestSent', () => {
  it('resolves after the body has left', async () => {
    const worker = new Worker(SERVER_THREAD, { eval: true })
    try {
      const [port] = (await once(worker, 'message')) as [number]
      const body = 'batch=' + 'x'.repeat(20_000)
      const sent = nextRequestSent(5000)
      const response = httpFetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: new AbortController().signal,
      })
      await sent
      const blockedFrom = Date.now()
      blockFor(300)

      const [arrived] = (await once(worker, 'message')) as [
        { length: number; at: number },
      ]
      expect(arrived.length).toBe(body.length)
      expect(arrived.at - blockedFrom).toBeLessThan(200)
      expect(await (await response).text()).toBe('ok')
    } finally {
      worker.postMessage('close')
      await once(worker, 'exit')
    }
  })

  it('resolves once a request has left, before its answer', async () => {
    const { url, release } = await holdingServer()
    const sent = nextRequestSent(5000)
    const response = httpFetch(url, GET)
    const started = performance.now()

    await sent

    expect(performance.now() - started).toBeLessThan(2000)
    release()
    expect(await (await response).text()).toBe('ok')
  })

  it('resolves when a connection is refused', async () => {
    const { url } = await holdingServer()
    const closing = server
    server = null
    await new Promise((resolve) => closing?.close(resolve))
    const sent = nextRequestSent(5000)
    const started = performance.now()
    await httpFetch(url, GET).catch(() => undefined)

    await sent

    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('resolves after the timeout without a request', async () => {
    const started = performance.now()
    await nextRequestSent(50)
    expect(performance.now() - started).toBeGreaterThanOrEqual(45)
  })
})

/** Starts a server that answers every request with `handler`; returns its URL. */
async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<string> {
  server = createServer(handler)
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return `http://127.0.0.1:${port}`
}

describe('httpFetch', () => {
  it('reads status, headers and body', async () => {
    let received = ''
    const url = await serve((request, response) => {
      request.setEncoding('utf8')
      request.on('data', (chunk: string) => (received += chunk))
      request.on('end', () => {
        response.setHeader('x-app-usage', '{"call_count":5}')
        response.setHeader('set-cookie', ['a=1', 'b=2'])
        response.writeHead(400).end('{"error":{"message":"é"}}')
      })
    })

    const response = await httpFetch(`${url}/v27.0/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'batch=%5B%5D',
      signal: new AbortController().signal,
    })

    expect(received).toBe('batch=%5B%5D')
    expect(response.status).toBe(400)
    expect(response.headers.get('X-App-Usage')).toBe('{"call_count":5}')
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2')
    expect(response.headers.get('x-missing')).toBeNull()
    expect(await response.text()).toBe('{"error":{"message":"é"}}')
  })

  it('rejects with the system error code', async () => {
    const url = await serve(() => undefined)
    const closing = server
    server = null
    await new Promise((resolve) => closing?.close(resolve))

    const error = await httpFetch(url, GET).catch((e: unknown) => e)

    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED')
  })

  it('rejects a body cut short', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' })
      response.write('{"data":')
      setTimeout(() => response.socket?.destroy(), 20)
    })

    const error = await httpFetch(url, GET).catch((e: unknown) => e)

    expect((error as NodeJS.ErrnoException).code).toBe('ECONNRESET')
  })

  it('rejects with AbortError when the signal aborts', async () => {
    const url = await serve(() => undefined)

    const error = await httpFetch(url, {
      ...GET,
      signal: AbortSignal.timeout(50),
    }).catch((e: unknown) => e)

    expect((error as Error).name).toBe('AbortError')
  })
})
