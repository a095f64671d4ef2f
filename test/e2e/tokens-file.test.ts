/**
 * The `tokens-file` input through the bundled action: the same run as with
 * `tokens`, each token masked, and one-line errors for a missing file or a
 * client passed twice.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import {
  createWorkspace,
  currentTokensInput,
  runOnAgency,
  type AgencyWorkspace,
} from '../harness/agency-run.ts'
import { findLeaks, visibleLog } from '../harness/leaks.ts'
import type { ClientReport } from '../../src/types.ts'

let sandbox: Sandbox
let workspace: AgencyWorkspace
let tokensFile: string

beforeAll(async () => {
  sandbox = await startSandbox({ clients: 16 })
  workspace = await createWorkspace(sandbox)
  tokensFile = join(workspace.directory, 'tokens.txt')
  await writeFile(tokensFile, currentTokensInput(sandbox), { mode: 0o600 })
})

afterAll(async () => {
  await sandbox?.close()
})

function errorLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('::error::'))
}

describe('tokens-file', () => {
  it('checks every client in the file', async () => {
    const run = await runOnAgency(sandbox, workspace, {
      tokens: '',
      'tokens-file': tokensFile,
      'dry-run': 'true',
    })
    const report = JSON.parse(run.outputs.report ?? '[]') as ClientReport[]

    expect(run.outputs.checked).toBe('16')
    expect(report.map((client) => client.secret).sort()).toEqual(
      sandbox.scenario.clients.map((client) => client.secret).sort(),
    )
    const masked = run.stdout.match(/^::add-mask::/gm) ?? []
    expect(masked.length).toBeGreaterThanOrEqual(16)
    const secrets = sandbox.scenario.clients.map((client) => client.token)
    expect(
      findLeaks({ log: visibleLog(run.stdout), summary: run.summary }, secrets),
    ).toEqual([])
  })

  it('names a missing file', async () => {
    const before = sandbox.counters()
    const run = await runOnAgency(sandbox, workspace, {
      tokens: '',
      'tokens-file': join(workspace.directory, 'absent.txt'),
    })

    expect(run.exitCode).toBe(1)
    expect(errorLines(run.stdout)).toEqual([
      expect.stringMatching(
        /^::error::Input `tokens-file` names ".*absent\.txt", which does not exist\. Write the file in an earlier step or fix the path\.$/,
      ),
    ])
    expect(sandbox.counters().graphRequests).toBe(before.graphRequests)
  })

  it('rejects a client in both inputs', async () => {
    const [first] = sandbox.scenario.clients
    const before = sandbox.counters()
    const run = await runOnAgency(sandbox, workspace, {
      tokens: `${first?.secret}=${first?.token}`,
      'tokens-file': tokensFile,
    })

    expect(run.exitCode).toBe(1)
    expect(errorLines(run.stdout)).toEqual([
      expect.stringContaining(`${first?.secret} is also on line 1 of`),
    ])
    expect(visibleLog(run.stdout)).not.toContain(first?.token)
    expect(sandbox.counters().graphRequests).toBe(before.graphRequests)
  })
})
