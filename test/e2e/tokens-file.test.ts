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

describe('report over the output limit', () => {
  it('keeps report under 1 MB and writes every client to report-file', async () => {
    const large = await startSandbox({ clients: 3000, agency: 'large' })
    try {
      const directory = (await createWorkspace(large)).directory
      const file = join(directory, 'tokens.txt')
      await writeFile(file, currentTokensInput(large), { mode: 0o600 })
      const run = await runOnAgency(
        large,
        { directory },
        {
          tokens: '',
          'tokens-file': file,
          'dry-run': 'true',
          'tracking-issue': 'false',
        },
      )

      const report = run.outputs.report ?? ''
      const everyone = JSON.parse(run.reportFileText) as ClientReport[]
      const shown = JSON.parse(report) as ClientReport[]
      expect(everyone).toHaveLength(3000)
      expect(Buffer.byteLength(report)).toBeLessThanOrEqual(1_000_000)
      expect(shown.length).toBeGreaterThan(0)
      expect(shown.length).toBeLessThan(3000)
      expect(
        shown.every(
          (client) => client.status !== 'healthy' || client.needsMigration,
        ),
      ).toBe(true)
      expect(run.stdout).toMatch(
        /^::warning::The report of 3,000 clients is over GitHub's 1 MB limit/m,
      )
    } finally {
      await large.close()
    }
  })
})
