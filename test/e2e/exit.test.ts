/**
 * A finished run exits even when something it started would keep Node.js
 * running, such as fetch retrying a connection through a proxy that drops
 * CONNECT. A preloaded module stands in for it with a timer that never
 * ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import {
  createWorkspace,
  runOnAgency,
  type AgencyWorkspace,
} from '../harness/agency-run.ts'

const LINGER = `data:text/javascript,${encodeURIComponent('setInterval(() => {}, 1000)')}`

let sandbox: Sandbox
let workspace: AgencyWorkspace

beforeAll(async () => {
  sandbox = await startSandbox({ clients: 16 })
  workspace = await createWorkspace(sandbox)
})

afterAll(async () => {
  await sandbox?.close()
})

describe('end of a run', () => {
  it('exits with the run code when a handle stays open', async () => {
    const run = await runOnAgency(
      sandbox,
      workspace,
      { 'dry-run': 'true', 'tracking-issue': 'false' },
      { env: { NODE_OPTIONS: `--import=${LINGER}` }, killAfterMs: 15_000 },
    )

    // The incident agency has expired tokens, so the run fails.
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Checking 16 client token(s).')
    expect(run.durationMs).toBeLessThan(12_000)
  })
})
