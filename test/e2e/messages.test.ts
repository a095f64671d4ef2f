/**
 * Lines the bundled action (dist/index.js) prints, as a runner shows them:
 * each message once, a full stop between a reason and its fix, counts in
 * the job summary that agree with the rows, and a fix in every input error.
 * Every run is scanned for leaked secrets.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import { createWorkspace, runOnAgency } from '../harness/agency-run.ts'
import type { ActionRun } from '../harness/run-action.ts'
import { describeLeaks, findLeaks, visibleLog } from '../harness/leaks.ts'
import {
  occurrences,
  placeClient,
  runKeeper,
  startBareSandbox,
  systemUserSpec,
  type KeeperRun,
} from './helpers.ts'
import type { ClientReport } from '../../src/types.ts'

/** An issue token the simulated GitHub does not know, so it responds with 401. */
const UNKNOWN_ISSUE_TOKEN = 'ghp_0unknown1unknown2unknown3unknown4'

const sandboxes: Sandbox[] = []
const agencyRuns: Record<string, ActionRun> = {}
const inputRuns: Record<string, KeeperRun> = {}
let bare: Sandbox

/** Runs the action once on a fresh incident agency of 16 clients. */
async function onIncidentAgency(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  const sandbox = await startSandbox({ clients: 16 })
  sandboxes.push(sandbox)
  const workspace = await createWorkspace(sandbox)
  return runOnAgency(sandbox, workspace, inputs, { env })
}

function reportsOf(run: ActionRun): ClientReport[] {
  return JSON.parse(run.outputs.report ?? '[]') as ClientReport[]
}

/** Returns the `::error::` lines without a title, which are the run's own errors. */
function runErrors(run: ActionRun): string[] {
  return visibleLog(run.stdout)
    .split('\n')
    .filter((line) => line.startsWith('::error::'))
}

beforeAll(async () => {
  bare = await startBareSandbox()
  sandboxes.push(bare)
  const client = placeClient(bare, 'META_TOKEN_ACME', systemUserSpec(40))
  const directory = await mkdtemp(join(tmpdir(), 'mtk-messages-'))
  const emptyFile = join(directory, 'tokens.txt')
  await writeFile(emptyFile, '')
  await mkdir(join(directory, 'clients'))

  const debug = { RUNNER_DEBUG: '1' }
  const [noWriter, issue, dryRun, noSummary, badIssueToken, refused] =
    await Promise.all([
      onIncidentAgency({ 'github-token': '', 'tracking-issue': 'false' }),
      onIncidentAgency({}, debug),
      onIncidentAgency({ 'dry-run': 'true' }, debug),
      onIncidentAgency(
        { 'tracking-issue': 'false' },
        { GITHUB_STEP_SUMMARY: '' },
      ),
      onIncidentAgency({ 'issue-token': UNKNOWN_ISSUE_TOKEN }),
      // Nothing listens on port 1 of the loopback interface.
      onIncidentAgency({
        'graph-api-url': 'http://127.0.0.1:1',
        'tracking-issue': 'false',
      }),
    ])
  Object.assign(agencyRuns, {
    noWriter,
    issue,
    dryRun,
    noSummary,
    badIssueToken,
    refused,
  })

  const [emptyTokensFile, clientsDirectory, sharedToken] = await Promise.all([
    runKeeper(bare, [], { inputs: { 'tokens-file': emptyFile } }),
    runKeeper(bare, [client], {
      inputs: { 'clients-file': join(directory, 'clients') },
    }),
    runKeeper(bare, [client, { ...client, secret: 'META_TOKEN_ACME_ADS' }]),
  ])
  Object.assign(inputRuns, { emptyTokensFile, clientsDirectory, sharedToken })
}, 60_000)

afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.close()))
})

describe('lines printed once', () => {
  it('says the issue was created once', () => {
    const log = visibleLog(agencyRuns.issue?.stdout ?? '')
    expect(log).toContain('::debug::')
    expect(occurrences(log, 'Tracking issue #1 created.')).toBe(1)
  })

  it('says what a dry run would do once', () => {
    const log = visibleLog(agencyRuns.dryRun?.stdout ?? '')
    expect(
      occurrences(log, 'Dry run: would create a new tracking issue.'),
    ).toBe(1)
  })
})

describe('reason and fix', () => {
  it('names the code of a refused connection', () => {
    const reports = reportsOf(agencyRuns.refused as ActionRun)
    expect(reports).toHaveLength(16)
    for (const report of reports) {
      expect(report.reason, report.secret).toBe(
        'Could not be checked: the Graph API request failed (ECONNREFUSED, 127.0.0.1:1)',
      )
    }
  })

  it('puts a full stop between reason and fix', () => {
    const log = visibleLog(agencyRuns.refused?.stdout ?? '')
    const annotations = log
      .split('\n')
      .filter((line) =>
        line.includes('request failed (ECONNREFUSED, 127.0.0.1:1)'),
      )
      .filter((line) => line.startsWith('::error title='))
    expect(annotations.length).toBeGreaterThan(0)
    for (const line of annotations) {
      expect(line).toMatch(
        /request failed \(ECONNREFUSED, 127\.0\.0\.1:1\)\. Re-run later; /,
      )
    }
  })
})

describe('job summary counts', () => {
  it('counts the tokens left unrefreshed without github-token', () => {
    const run = agencyRuns.noWriter as ActionRun
    const unrefreshed = reportsOf(run).filter((report) =>
      report.reason.includes('Not refreshed: set `github-token`'),
    )
    expect(unrefreshed).toHaveLength(2)
    expect(run.summary).toContain('**2** not checked or not refreshed')
  })

  it('keeps the outputs as documented', () => {
    const { outputs } = agencyRuns.noWriter as ActionRun
    expect(outputs.checked).toBe('16')
    expect(outputs.refreshed).toBe('0')
    expect(outputs.attention).toBe('15')
  })

  it('counts nothing unfinished after a full run', () => {
    const run = agencyRuns.issue as ActionRun
    expect(run.outputs.refreshed).toBe('2')
    expect(run.summary).toContain('**0** not checked or not refreshed')
  })
})

describe('final error', () => {
  it('points to the job summary', () => {
    expect(runErrors(agencyRuns.issue as ActionRun)).toEqual([
      '::error::Meta tokens need attention (fail-on: expired): 12 expired or invalid. 14 client(s) listed in the job summary.',
    ])
  })

  it('points to the log without a summary file', () => {
    const run = agencyRuns.noSummary as ActionRun
    expect(run.summary).toBe('')
    expect(runErrors(run)).toEqual([
      '::error::Meta tokens need attention (fail-on: expired): 12 expired or invalid. 14 client(s) listed in the log above.',
    ])
  })
})

describe('tracking issue errors', () => {
  it('calls a 401 issue-token invalid', () => {
    const log = visibleLog(agencyRuns.badIssueToken?.stdout ?? '')
    const lines = log
      .split('\n')
      .filter((line) => line.includes('Tracking issue not updated'))
    expect(lines).toEqual([
      '::error title=Tracking issue not updated::Tracking issue not updated: listing the issues labelled "meta-tokens" failed (401 Bad credentials). GitHub rejected input `issue-token` as invalid or expired: pass a current token, such as `${{ github.token }}`.',
    ])
  })
})

describe('input errors', () => {
  const cases: Array<[string, string]> = [
    [
      'emptyTokensFile',
      "has no SECRET_NAME=token line, so the earlier step that writes it probably failed. Check that step's log and re-run.",
    ],
    [
      'clientsDirectory',
      'is a directory. Set the input to the clients YAML file, such as .github/meta-clients.yml.',
    ],
    [
      'sharedToken',
      'META_TOKEN_ACME and META_TOKEN_ACME_ADS contain the same token, so a refresh would exchange it twice. Pass the token under one secret name, or give each client its own token.',
    ],
  ]

  for (const [name, text] of cases) {
    it(`${name} fails with one line`, () => {
      const keeper = inputRuns[name] as KeeperRun
      const errors = runErrors(keeper.run)
      expect(keeper.run.exitCode).toBe(1)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain(text)
      expect(keeper.counts.exchanges).toBe(0)
      expect(keeper.counts.secretWrites).toBe(0)
    })
  }

  it('names the empty tokens-file', () => {
    const [error] = runErrors((inputRuns.emptyTokensFile as KeeperRun).run)
    expect(error).toMatch(/^::error::Input `tokens-file`: ".*tokens\.txt" has/)
  })
})

describe('secrets', () => {
  it('leaks none', () => {
    const channels: Record<string, string> = {}
    for (const [name, run] of Object.entries(agencyRuns)) {
      channels[`${name}.stdout`] = visibleLog(run.stdout)
      channels[`${name}.stderr`] = run.stderr
      channels[`${name}.summary`] = run.summary
      channels[`${name}.outputs`] = run.outputFile
    }
    for (const [name, keeper] of Object.entries(inputRuns)) {
      channels[`${name}.stdout`] = keeper.log
      channels[`${name}.stderr`] = keeper.run.stderr
    }
    const secrets = sandboxes.flatMap((sandbox) => [
      sandbox.appSecret,
      sandbox.writerToken,
      sandbox.issueToken,
      ...sandbox.meta.tokens().map((record) => record.token),
    ])
    expect(describeLeaks(findLeaks(channels, secrets))).toBe('')
  })
})
