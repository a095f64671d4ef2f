import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { firstRequestSent } from '../src/request-sent.ts'

let server: Server | null = null

afterEach(async () => {
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

describe('firstRequestSent', () => {
  it('resolves after the body has left', async () => {
    const worker = new Worker(SERVER_THREAD, { eval: true })
    try {
      const [port] = (await once(worker, 'message')) as [number]
      const body = 'batch=' + 'x'.repeat(20_000)
      const sent = firstRequestSent(5000)
      const response = fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        body,
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
    const sent = firstRequestSent(5000)
    const response = fetch(url)
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
    const sent = firstRequestSent(5000)
    const started = performance.now()
    await fetch(url).catch(() => undefined)

    await sent

    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('resolves after the timeout without a request', async () => {
    const started = performance.now()
    await firstRequestSent(50)
    expect(performance.now() - started).toBeGreaterThanOrEqual(45)
  })
})
