/**
 * The Graph API over HTTPS, as graph.facebook.com serves it: the bundled
 * action talks to the Meta simulator through a TLS front on 127.0.0.1 whose
 * certificate (test/fixtures/tls, self-signed for 127.0.0.1) the process
 * trusts through NODE_EXTRA_CA_CERTS. Without that trust, every client is
 * reported with the TLS error, and the run fails.
 */
import { readFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import {
  createWorkspace,
  runOnAgency,
  type AgencyWorkspace,
} from '../harness/agency-run.ts'
import { ROOT } from '../harness/run-action.ts'
import type { ClientReport } from '../../src/types.ts'

const CERT = join(ROOT, 'test/fixtures/tls/loopback-cert.pem')
const KEY = join(ROOT, 'test/fixtures/tls/loopback-key.pem')

let sandbox: Sandbox
let workspace: AgencyWorkspace
let front: Server
let frontUrl = ''
let requestsThroughFront = 0

beforeAll(async () => {
  sandbox = await startSandbox({ clients: 16 })
  workspace = await createWorkspace(sandbox)
  const graph = new URL(sandbox.graphUrl)
  front = createServer(
    { key: await readFile(KEY), cert: await readFile(CERT) },
    (request, response) => {
      requestsThroughFront++
      const forwarded = httpRequest(
        {
          host: graph.hostname,
          port: graph.port,
          path: request.url,
          method: request.method,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(response)
        },
      )
      forwarded.on('error', () => response.destroy())
      request.pipe(forwarded)
    },
  )
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
  frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`
})

afterAll(async () => {
  front?.closeAllConnections()
  await new Promise((resolve) => front?.close(resolve))
  await sandbox?.close()
})

async function runOverTls(env: Record<string, string>) {
  requestsThroughFront = 0
  const before = sandbox.counters().graphRequests
  const run = await runOnAgency(
    sandbox,
    workspace,
    { 'graph-api-url': frontUrl, 'dry-run': 'true', 'tracking-issue': 'false' },
    { env },
  )
  const reports = JSON.parse(run.outputs.report ?? '[]') as ClientReport[]
  return {
    run,
    reports,
    graphRequests: sandbox.counters().graphRequests - before,
  }
}

describe('Graph API over HTTPS', () => {
  it('inspects every client through TLS', async () => {
    const { run, reports, graphRequests } = await runOverTls({
      NODE_EXTRA_CA_CERTS: CERT,
    })

    expect(run.stdout).toContain('Checking 16 client token(s).')
    expect(reports).toHaveLength(16)
    expect(reports.filter((report) => report.status === 'error')).toEqual([])
    expect(graphRequests).toBeGreaterThan(0)
    expect(requestsThroughFront).toBe(graphRequests)
  })

  it('names the TLS error when the certificate is not trusted', async () => {
    const { run, reports, graphRequests } = await runOverTls({})

    expect(run.exitCode).toBe(1)
    expect(graphRequests).toBe(0)
    expect(reports).toHaveLength(16)
    for (const report of reports) {
      expect(report.status, report.secret).toBe('error')
      expect(report.reason, report.secret).toBe(
        'Could not be checked: the Graph API request failed (DEPTH_ZERO_SELF_SIGNED_CERT)',
      )
    }
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })
})
