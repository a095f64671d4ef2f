import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
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

describe('firstRequestSent', () => {
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
