/**
 * Runs the bundled action (dist/index.js) through every sandbox scenario
 * that is cheap to reach and scans what people and other programs can read
 * for secrets. The channels are stdout as the runner shows it, stderr,
 * GITHUB_OUTPUT, the job summary, and every issue title, body and comment
 * in the GitHub simulator. The secrets are every token the Meta simulator
 * stores (seeded and minted), the app secret, the writer token, the issue
 * token and the wrong credentials a scenario passes. A whole secret and any
 * 16-character piece of one count as a leak.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startSandbox,
  type Sandbox,
  type SandboxCounters,
  type SandboxOptions,
} from '../sim/index.ts'
import {
  createWorkspace,
  runOnAgency,
  type AgencyWorkspace,
} from '../harness/agency-run.ts'
import type { ActionRun } from '../harness/run-action.ts'
import { describeLeaks, findLeaks, visibleLog } from '../harness/leaks.ts'
import { ISSUE_MARKER } from '../../src/github/issue-markers.ts'

/** A Meta app secret that is not the app's: 32 hex digits, as Meta issues them. */
const WRONG_APP_SECRET = '5f1c0a9e7b3d4c2a8e6f0b1d9c7a5e3f'
/** GitHub tokens the simulator does not know, shaped like real ones. */
const UNKNOWN_PAT =
  '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'
const UNKNOWN_INSTALLATION_TOKEN = 'ghs_9QwErTy2UiOp4AsDf6GhJk8LzXc0VbNm1Qa3'

/** A Meta access token that no client passes. */
const EXTRA_META_TOKEN =
  'EAAJx7QmZB4rUZCkZA9cW2nLpZBvT5sYqE0ZDZDhK3oFgR8aMZCiV1bN6dP4wXy'

interface ScenarioResult {
  name: string
  sandbox: Sandbox
  runs: Record<string, ActionRun>
  /** What both simulators counted over the scenario's runs. */
  counts: SandboxCounters
  /** Credentials the scenario passed besides the sandbox's own. */
  extraSecrets: string[]
}

interface RunPlan {
  label: string
  inputs?: (sandbox: Sandbox) => Record<string, string>
  env?: Record<string, string>
  /** Files written into the workspace before this run, by relative path. */
  files?: (sandbox: Sandbox) => Record<string, string>
}

interface ScenarioPlan {
  name: string
  sandbox: SandboxOptions
  runs: RunPlan[]
  extraSecrets?: string[]
  /** Changes the simulators before the first run. */
  prepare?: (sandbox: Sandbox) => void
}

const DEBUG_ENV = { RUNNER_DEBUG: '1' }

const SCENARIOS: ScenarioPlan[] = [
  {
    name: 'incident agency',
    sandbox: { clients: 16 },
    runs: [
      { label: 'first run', env: DEBUG_ENV },
      { label: 'second run', env: DEBUG_ENV },
    ],
  },
  {
    // Half of a large agency is due. Every refreshed System User token's
    // predecessor is revoked, and the open tracking issue is closed with a
    // comment because no client needs a person any more.
    name: 'refresh day with revoke-replaced',
    sandbox: { clients: 4, agency: 'large', dueFraction: 0.5, seed: 2 },
    prepare: (sandbox) => {
      sandbox.github.seedIssue({
        title: 'Meta tokens: 1 to re-authorize',
        body: `${ISSUE_MARKER}\nEarlier report.`,
        labels: ['meta-tokens'],
        author: 'github-actions[bot]',
      })
    },
    runs: [
      {
        label: 'run',
        inputs: () => ({ 'revoke-replaced': 'true' }),
        env: DEBUG_ENV,
      },
    ],
  },
  {
    name: 'faults at a rate of 0.25',
    sandbox: { clients: 16, failureRate: 0.25, seed: 1 },
    runs: [{ label: 'run', env: DEBUG_ENV }],
  },
  {
    name: 'dry run',
    sandbox: { clients: 16 },
    runs: [
      { label: 'run', inputs: () => ({ 'dry-run': 'true' }), env: DEBUG_ENV },
    ],
  },
  {
    name: 'inspect only without github-token',
    sandbox: { clients: 16 },
    runs: [
      { label: 'run', inputs: () => ({ 'github-token': '' }), env: DEBUG_ENV },
    ],
  },
  {
    name: 'Graph rejects the app credentials',
    sandbox: { clients: 16 },
    extraSecrets: [WRONG_APP_SECRET],
    runs: [
      {
        label: 'run',
        inputs: () => ({ 'app-secret': WRONG_APP_SECRET }),
        env: DEBUG_ENV,
      },
    ],
  },
  {
    name: 'GitHub answers 401',
    sandbox: { clients: 16 },
    extraSecrets: [UNKNOWN_PAT, UNKNOWN_INSTALLATION_TOKEN],
    runs: [
      {
        label: 'run',
        inputs: () => ({
          'github-token': UNKNOWN_PAT,
          'issue-token': UNKNOWN_INSTALLATION_TOKEN,
        }),
        env: DEBUG_ENV,
      },
    ],
  },
  {
    name: 'GitHub answers 403',
    sandbox: { clients: 16 },
    runs: [
      {
        label: 'run',
        // The workflow's GITHUB_TOKEN cannot write Actions secrets.
        inputs: (sandbox) => ({ 'github-token': sandbox.issueToken }),
        env: DEBUG_ENV,
      },
    ],
  },
  {
    // A person pasted tokens into the clients file's free-text fields: one
    // passed to the action, one shaped like a Meta token but unknown to it.
    name: 'tokens in clients file notes',
    sandbox: { clients: 16 },
    runs: [
      {
        label: 'run',
        files: (sandbox) => ({
          '.github/meta-clients.yml': `clients:\n  META_TOKEN_NORTHWIND_BIKES:\n    name: Northwind ${tokenOf(sandbox, 1)}\n    note: old token ${tokenOf(sandbox, 0)}\n  META_TOKEN_HARBOR_BAKERY:\n    note: "see ${EXTRA_META_TOKEN}"\n`,
        }),
      },
    ],
    extraSecrets: [EXTRA_META_TOKEN],
  },
  {
    name: 'bad inputs',
    sandbox: { clients: 16 },
    runs: [
      {
        label: 'token where the name belongs',
        inputs: (sandbox) => ({
          tokens: `${tokenOf(sandbox, 0)}=META_TOKEN_ACME`,
        }),
        env: DEBUG_ENV,
      },
      {
        label: 'bare token line',
        inputs: (sandbox) => ({ tokens: tokenOf(sandbox, 1) }),
      },
      {
        label: 'app-id and app-secret swapped',
        inputs: (sandbox) => ({
          'app-id': sandbox.appSecret,
          'app-secret': sandbox.appId,
        }),
        env: DEBUG_ENV,
      },
      {
        label: 'token in the graph-api-url query',
        inputs: (sandbox) => ({
          'graph-api-url': `https://graph.facebook.com/v27.0/debug_token?input_token=${tokenOf(sandbox, 2)}&access_token=${sandbox.appId}|${sandbox.appSecret}`,
        }),
      },
      {
        label: 'broken secrets JSON',
        inputs: (sandbox) => ({
          tokens: '',
          secrets: `{"META_TOKEN_ACME":"${tokenOf(sandbox, 3)}","github_token":"${sandbox.issueToken}`,
        }),
        env: DEBUG_ENV,
      },
      {
        label: 'writer token in secret-scope',
        inputs: (sandbox) => ({ 'secret-scope': sandbox.writerToken }),
      },
      {
        label: 'tokens in the clients file',
        files: (sandbox) => ({
          '.github/meta-clients.yml': `clients:\n  META_TOKEN_NORTHWIND_BIKES:\n    note: ${tokenOf(sandbox, 0)}\n    priority: ${tokenOf(sandbox, 4)}\n`,
        }),
        env: DEBUG_ENV,
      },
      {
        label: 'token as a clients file key',
        files: (sandbox) => ({
          '.github/meta-clients.yml': `clients:\n  ${tokenOf(sandbox, 5)}:\n    priority: high\n`,
        }),
      },
    ],
  },
]

function tokenOf(sandbox: Sandbox, index: number): string {
  return sandbox.scenario.clients[index]?.token ?? ''
}

function difference(
  after: SandboxCounters,
  before: SandboxCounters,
): SandboxCounters {
  const counts = { ...after }
  for (const key of Object.keys(before) as (keyof SandboxCounters)[]) {
    counts[key] = after[key] - before[key]
  }
  return counts
}

async function writeFiles(
  workspace: AgencyWorkspace,
  files: Record<string, string>,
): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(workspace.directory, path, '..'), { recursive: true })
    await writeFile(join(workspace.directory, path), text)
  }
}

/** Runs a scenario's runs in order on one sandbox, each from the clients file the scenario starts with. */
async function runScenario(plan: ScenarioPlan): Promise<ScenarioResult> {
  const sandbox = await startSandbox(plan.sandbox)
  plan.prepare?.(sandbox)
  const workspace = await createWorkspace(sandbox)
  const before = sandbox.counters()
  const runs: Record<string, ActionRun> = {}
  for (const step of plan.runs) {
    await writeFiles(workspace, {
      '.github/meta-clients.yml': sandbox.scenario.clientsFileYaml,
      ...step.files?.(sandbox),
    })
    runs[step.label] = await runOnAgency(
      sandbox,
      workspace,
      step.inputs?.(sandbox) ?? {},
      { env: step.env ?? {} },
    )
  }
  await rm(workspace.directory, { recursive: true, force: true })
  return {
    name: plan.name,
    sandbox,
    runs,
    counts: difference(sandbox.counters(), before),
    extraSecrets: plan.extraSecrets ?? [],
  }
}

/** Lists every secret a channel must not show, old and new tokens included. */
function secretsOf(result: ScenarioResult): string[] {
  const { sandbox } = result
  return [
    sandbox.appSecret,
    sandbox.writerToken,
    sandbox.issueToken,
    ...result.extraSecrets,
    ...sandbox.meta.tokens().map((record) => record.token),
  ]
}

/** Collects every text of a scenario that a person or another program can read. */
function channelsOf(result: ScenarioResult): Record<string, string> {
  const channels: Record<string, string> = {}
  for (const [label, run] of Object.entries(result.runs)) {
    channels[`${label}: stdout`] = visibleLog(run.stdout)
    channels[`${label}: stderr`] = run.stderr
    channels[`${label}: GITHUB_OUTPUT`] = run.outputFile
    channels[`${label}: summary`] = run.summary
  }
  const { github } = result.sandbox
  for (const issue of [...github.issues, ...github.pullRequests]) {
    channels[`issue #${issue.number} title`] = issue.title
    channels[`issue #${issue.number} body`] = issue.body
  }
  for (const [index, comment] of github.comments.entries()) {
    channels[`comment ${index} on #${comment.issueNumber}`] = comment.body
  }
  return channels
}

const results = new Map<string, ScenarioResult>()

function resultOf(name: string): ScenarioResult {
  const result = results.get(name)
  if (!result) throw new Error(`scenario "${name}" did not run`)
  return result
}

function logOf(result: ScenarioResult): string {
  return Object.values(result.runs)
    .map((run) => visibleLog(run.stdout))
    .join('\n')
}

beforeAll(async () => {
  const finished = await Promise.all(SCENARIOS.map(runScenario))
  for (const result of finished) results.set(result.name, result)
}, 60_000)

afterAll(async () => {
  await Promise.all(
    [...results.values()].map((result) => result.sandbox.close()),
  )
})

describe('leak scan', () => {
  it.each(SCENARIOS.map((plan) => plan.name))('%s leaks nothing', (name) => {
    const result = resultOf(name)
    const leaks = findLeaks(channelsOf(result), secretsOf(result))
    expect(leaks, describeLeaks(leaks)).toEqual([])
  })

  it('finds the secrets the runner is told to mask', () => {
    // The raw stdout carries `::add-mask::SECRET` lines, which the runner
    // consumes. Scanning it proves that the scan finds a secret that is there.
    const result = resultOf('incident agency')
    const raw = { stdout: result.runs['first run']?.stdout ?? '' }
    const found = new Set(
      findLeaks(raw, secretsOf(result)).map((leak) => leak.secretIndex),
    )
    expect(found.has(0)).toBe(true)
    expect(found.has(1)).toBe(true)
    expect(found.size).toBeGreaterThanOrEqual(16)
  })
})

describe('scenarios reach what they claim', () => {
  it('incident agency refreshes two tokens once', () => {
    const result = resultOf('incident agency')
    expect(result.counts.tokensMinted).toBe(2)
    expect(result.counts.secretWrites).toBe(2)
    expect(result.sandbox.github.issues).toHaveLength(1)
  })

  it('refresh day revokes the replaced tokens', () => {
    const result = resultOf('refresh day with revoke-replaced')
    expect(result.runs.run?.exitCode).toBe(0)
    expect(result.counts.secretWrites).toBe(2)
    expect(result.counts.revocations).toBe(2)
    const revoked = result.sandbox.meta
      .tokens()
      .filter((record) => record.revoked)
    expect(revoked).toHaveLength(2)
    expect(result.sandbox.github.issues[0]?.state).toBe('closed')
    expect(result.sandbox.github.comments).toHaveLength(1)
  })

  it('fault run meets faults and still refreshes', () => {
    const result = resultOf('faults at a rate of 0.25')
    expect(result.counts.faults).toBeGreaterThan(0)
    expect(result.counts.secretWrites).toBe(2)
  })

  it('dry run and inspect-only write nothing', () => {
    for (const name of ['dry run', 'inspect only without github-token']) {
      const result = resultOf(name)
      expect(result.counts.exchanges, name).toBe(0)
      expect(result.counts.secretWrites, name).toBe(0)
    }
  })

  it('Graph credentials error is reported', () => {
    const result = resultOf('Graph rejects the app credentials')
    expect(logOf(result)).toContain('Meta rejected the app credentials')
  })

  it('GitHub 401 and 403 are reported', () => {
    expect(logOf(resultOf('GitHub answers 401'))).toContain(
      '401 Bad credentials',
    )
    expect(logOf(resultOf('GitHub answers 403'))).toContain(
      '403 Resource not accessible by integration',
    )
  })

  it('clients file notes reach the issue', () => {
    const result = resultOf('tokens in clients file notes')
    const body = result.sandbox.github.issues[0]?.body ?? ''
    expect(body).toContain('Note: old token \\*\\*\\*')
    expect(body).toContain('Northwind \\*\\*\\*')
  })

  it('bad inputs fail without a write', () => {
    const result = resultOf('bad inputs')
    for (const [label, run] of Object.entries(result.runs)) {
      expect(run.exitCode, label).not.toBe(0)
    }
    expect(result.counts.exchanges).toBe(0)
    expect(result.counts.secretWrites).toBe(0)
    expect(result.counts.issueWrites).toBe(0)
  })
})
