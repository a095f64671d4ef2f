/**
 * GraphClient.prefetch and close over real HTTP against the Meta simulator.
 * A prefetched inspection serves the later `inspect` without a new request,
 * and `close` ends requests in flight at once.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { GraphClient } from '../../src/meta/graph-client.ts'
import { clearSecretsForTesting } from '../../src/redact.ts'
import type { Inspection } from '../../src/meta/graph-client.ts'
import { startSandbox, type Sandbox } from '../sim/index.ts'

let sandbox: Sandbox | null = null

afterEach(async () => {
  await sandbox?.close()
  sandbox = null
  clearSecretsForTesting()
})

/** Returns the stable fields of each inspection, leaving out Meta's message because its wording can include the current time. */
function summary(inspections: Inspection[]): unknown[] {
  return inspections.map((inspection) =>
    inspection.ok
      ? {
          type: inspection.info.type,
          isValid: inspection.info.isValid,
          userId: inspection.info.userId,
          expiresAt: inspection.info.expiresAt,
          code: inspection.info.error?.code ?? null,
          subcode: inspection.info.error?.subcode ?? null,
        }
      : { failed: inspection.error.kind },
  )
}

function clientFor(box: Sandbox): GraphClient {
  return new GraphClient({
    appId: box.appId,
    appSecret: box.appSecret,
    apiUrl: box.graphUrl,
    version: 'v27.0',
  })
}

describe('GraphClient.prefetch', () => {
  it('answers inspect from the prefetch', async () => {
    sandbox = await startSandbox({ clients: 16 })
    const tokens = sandbox.scenario.clients.map((client) => client.token)
    const graph = clientFor(sandbox)

    graph.prefetch(tokens)
    const inspections = await graph.inspect(tokens)
    const afterPrefetch = sandbox.counters()

    const direct = await clientFor(sandbox).inspect(tokens)
    expect(afterPrefetch.batchRequests).toBe(1)
    expect(afterPrefetch.debugTokens).toBe(16)
    expect(summary(inspections)).toEqual(summary(direct))
  })

  it('asks Meta only about tokens not prefetched', async () => {
    sandbox = await startSandbox({ clients: 16 })
    const tokens = sandbox.scenario.clients.map((client) => client.token)
    const graph = clientFor(sandbox)

    graph.prefetch(tokens.slice(0, 10))
    const inspections = await graph.inspect(tokens)

    expect(sandbox.counters().debugTokens).toBe(16)
    expect(inspections).toHaveLength(16)
    expect(inspections.every((inspection) => inspection.ok)).toBe(true)
  })

  it('keeps the order of repeated tokens', async () => {
    sandbox = await startSandbox({ clients: 16 })
    const [first, second] = sandbox.scenario.clients.map((c) => c.token)
    const graph = clientFor(sandbox)

    graph.prefetch([first as string, second as string, first as string])
    const inspections = await graph.inspect([second as string, first as string])
    const direct = await clientFor(sandbox).inspect([
      second as string,
      first as string,
    ])

    expect(summary(inspections)).toEqual(summary(direct))
  })
})

describe('GraphClient.close', () => {
  it('ends a slow prefetch at once', async () => {
    sandbox = await startSandbox({ clients: 16, latencyGraphMs: 5000 })
    const tokens = sandbox.scenario.clients.map((client) => client.token)
    const graph = clientFor(sandbox)

    graph.prefetch(tokens)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = performance.now()
    graph.close()
    const settled = await graph.inspect(tokens).then(
      (inspections) => inspections.every((inspection) => !inspection.ok),
      () => true,
    )

    expect(settled).toBe(true)
    expect(performance.now() - started).toBeLessThan(2000)
  })
})
