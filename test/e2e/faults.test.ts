/**
 * The bundled action (dist/index.js) on the incident agency while the
 * simulated Graph API and GitHub fail transiently: a run with half the calls
 * failing ends with the report of a fault-free run on the same seed. A
 * client whose calls keep failing is reported as `error` without touching
 * any other client, and an `error` fails the run unless `fail-on: never`.
 * Every run is scanned for leaked secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../sim/index.ts'
import type { RequestLogEntry, SimRequest } from '../sim/types.ts'
import { createWorkspace, runOnAgency } from '../harness/agency-run.ts'
import type { ActionRun } from '../harness/run-action.ts'
import { describeLeaks, findLeaks, visibleLog } from '../harness/leaks.ts'
import type { ClientReport } from '../../src/types.ts'

/**
 * With this seed, rate and cap the faulty run meets every fault kind below.
 * Another seed may miss some, which the coverage tests then name.
 * NOTE: which request draws which fault depends on the order in which
 * concurrent retries arrive, so the number of faults varies a little from
 * run to run. At 40 % a run on a loaded machine once missed `code613`.
 */
const SEED = 20
const FAILURE_RATE = 0.5
/** Below the action's retries (4 for Graph, 3 for GitHub), so every fault stays transient. */
const MAX_FAULTS_IN_A_ROW = 2
/** Graph request timeout of the action, in ms (GraphClient's default). */
const GRAPH_TIMEOUT_MS = 10_000
/**
 * `X-App-Usage` percentage pinned for the slow-down run. The action waits
 * (80 − 75) / 25 × 10 s = 2 s before each request once it has seen it.
 */
const USAGE_PERCENT = 80
/** Lower bound for that wait, in ms. Without the slow-down, the next request follows within about 0.5 s. */
const MIN_SPACING_MS = 1800

const REPOSITORY = { kind: 'repository' } as const
const DAY_MS = 86_400_000

interface Scenario {
  sandbox: Sandbox
  run: ActionRun
  reports: ClientReport[]
}

let reference: Scenario
let faulty: Scenario
let isolated: Scenario
let errorOnly: Scenario
let errorNever: Scenario
let timeout: Scenario
let slowed: Scenario
const sandboxes: Sandbox[] = []

/** Starts a sandbox, lets `prepare` script it, runs the action once and reads the report. */
async function scenario(
  options: SandboxOptions,
  prepare: (sandbox: Sandbox) => {
    inputs?: Record<string, string>
    env?: Record<string, string>
  } = () => ({}),
): Promise<Scenario> {
  const sandbox = await startSandbox({ clients: 16, seed: SEED, ...options })
  sandboxes.push(sandbox)
  const workspace = await createWorkspace(sandbox)
  const { inputs, env } = prepare(sandbox)
  const run = await runOnAgency(sandbox, workspace, inputs, { env })
  const reports = JSON.parse(run.outputs.report ?? '[]') as ClientReport[]
  return { sandbox, run, reports }
}

function clientOf(sandbox: Sandbox, kind: string) {
  const client = sandbox.scenario.clients.find((c) => c.kind === kind)
  if (!client) throw new Error(`The agency has no client of kind ${kind}.`)
  return client
}

/** Builds the `tokens` input for the clients of `kinds` only. */
function tokensFor(sandbox: Sandbox, kinds: string[]): string {
  return kinds
    .map((kind) => clientOf(sandbox, kind))
    .map((client) => `${client.secret}=${client.token}`)
    .join('\n')
}

/** Fails every `debug_token` of `token`, in a batch and alone, cycling through transient kinds. */
function failInspection(sandbox: Sandbox, token: string): void {
  const kinds = ['code2', 'code4', 'transientFlag', 'code1']
  let count = 0
  const next = (request: SimRequest) =>
    request.url.searchParams.get('input_token') === token
      ? kinds[count++ % kinds.length]
      : undefined
  sandbox.meta.script('batch_item', next)
  sandbox.meta.script('debug_token', next)
}

/** The fields a fault must not change, per secret. */
function essentials(reports: ClientReport[]) {
  return Object.fromEntries(
    reports.map((report) => [
      report.secret,
      {
        status: report.status,
        tokenType: report.tokenType,
        reason: report.reason,
        written: report.written,
      },
    ]),
  )
}

function faultsIn(log: RequestLogEntry[], items?: boolean): string[] {
  return log
    .filter((entry) => entry.fault)
    .filter((entry) => items === undefined || !!entry.batchItem === items)
    .map((entry) => entry.fault as string)
}

function share(log: RequestLogEntry[]): number {
  return log.filter((entry) => entry.fault).length / log.length
}

type Prepare = Parameters<typeof scenario>[1]

/** Makes one client's inspection, another's exchange and a third's secret write keep failing. */
const failThreeClients: Prepare = (sandbox) => {
  failInspection(sandbox, clientOf(sandbox, 'expired-user').token)
  const systemUser = clientOf(sandbox, 'expiring-system-user')
  sandbox.meta.script('exchange', (request) =>
    request.url.searchParams.get('fb_exchange_token') === systemUser.token
      ? 'code1'
      : undefined,
  )
  const shortLived = clientOf(sandbox, 'short-lived-user')
  sandbox.github.script(
    'PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}',
    (request) =>
      request.url.pathname.endsWith(`/${shortLived.secret}`)
        ? 'secondary403'
        : undefined,
  )
  return {}
}

/** Three clients, two healthy and one whose inspection keeps failing. */
function failOneOfThree(failOn: 'expired' | 'never'): Prepare {
  return (sandbox) => {
    failInspection(sandbox, clientOf(sandbox, 'expired-user').token)
    const tokens = tokensFor(sandbox, [
      'never-expiring-system-user',
      'long-lived-user',
      'expired-user',
    ])
    return { inputs: { 'fail-on': failOn, tokens } }
  }
}

/** Two clients, and the first exchange hangs past the request timeout. */
const hangFirstExchange: Prepare = (sandbox) => {
  sandbox.meta.failNext('exchange', 'hang')
  const tokens = tokensFor(sandbox, [
    'never-expiring-system-user',
    'expiring-system-user',
  ])
  return { inputs: { tokens }, env: { RUNNER_DEBUG: '1' } }
}

/** Two clients, and every Graph response reports the app near its rate limit. */
const pinUsage: Prepare = (sandbox) => {
  sandbox.meta.setUsage(USAGE_PERCENT)
  const tokens = tokensFor(sandbox, [
    'never-expiring-system-user',
    'expiring-system-user',
  ])
  return { inputs: { tokens } }
}

beforeAll(async () => {
  ;[reference, faulty, isolated, errorOnly, errorNever, timeout, slowed] =
    await Promise.all([
      scenario({}),
      scenario({
        failureRate: FAILURE_RATE,
        maxFaultsInARow: MAX_FAULTS_IN_A_ROW,
      }),
      scenario({}, failThreeClients),
      scenario({}, failOneOfThree('expired')),
      scenario({}, failOneOfThree('never')),
      scenario({ hangMs: GRAPH_TIMEOUT_MS + 1000 }, hangFirstExchange),
      scenario({}, pinUsage),
    ])
}, 60_000)

afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.close()))
})

describe('faulty run of the incident agency', () => {
  it('fails at least 25 % of Graph calls', () => {
    expect(share(faulty.sandbox.meta.log)).toBeGreaterThanOrEqual(0.25)
  })

  it('fails at least 25 % of GitHub calls', () => {
    expect(share(faulty.sandbox.github.log)).toBeGreaterThanOrEqual(0.25)
  })

  it('meets every Graph fault kind', () => {
    const seen = new Set(faultsIn(faulty.sandbox.meta.log))
    const expected = [
      'drop',
      'code1',
      'code2',
      'code4',
      'code17',
      'code32',
      'code341',
      'code613',
      'code80000',
      'code80004',
      'transientFlag',
    ]
    for (const kind of expected) expect(seen, kind).toContain(kind)
    expect(
      ['http500', 'http503'].some((kind) => seen.has(kind)),
      'HTTP 5xx without a Graph error body',
    ).toBe(true)
  })

  it('fails batch items alone', () => {
    const items = new Set(faultsIn(faulty.sandbox.meta.log, true))
    expect(
      ['item500', 'itemNull'].filter((kind) => items.has(kind)),
    ).not.toEqual([])
    expect([...items].filter((kind) => kind.startsWith('code'))).not.toEqual([])
  })

  it('meets every GitHub fault kind', () => {
    const seen = new Set(faultsIn(faulty.sandbox.github.log))
    for (const kind of ['secondary403', 'http429', 'drop']) {
      expect(seen, kind).toContain(kind)
    }
    expect(
      ['http500', 'http502', 'http503'].some((kind) => seen.has(kind)),
      'GitHub 5xx',
    ).toBe(true)
  })

  it('reports as the fault-free run', () => {
    expect(faulty.reports).toHaveLength(16)
    expect(essentials(faulty.reports)).toEqual(essentials(reference.reports))
  })

  it('exits as the fault-free run', () => {
    expect(reference.run.exitCode).toBe(1)
    expect(faulty.run.exitCode).toBe(reference.run.exitCode)
    expect(faulty.run.outputs.refreshed).toBe('2')
    expect(faulty.run.outputs.attention).toBe(reference.run.outputs.attention)
  })

  it('keeps one tracking issue', () => {
    expect(faulty.sandbox.github.issues).toHaveLength(1)
    expect(faulty.sandbox.github.issues[0]?.state).toBe('open')
    expect(faulty.sandbox.github.issues[0]?.title).toBe(
      reference.sandbox.github.issues[0]?.title,
    )
  })

  it('writes verified new tokens only', () => {
    const { sandbox } = faulty
    for (const client of sandbox.scenario.clients) {
      const stored = sandbox.github.readSecret(REPOSITORY, client.secret) ?? ''
      const report = faulty.reports.find((r) => r.secret === client.secret)
      if (!report?.written) {
        expect(stored, client.secret).toBe(client.token)
        continue
      }
      const record = sandbox.meta.inspect(stored)
      expect(record?.origin, client.secret).toBe('exchange')
      expect(record?.userId).toBe(sandbox.meta.inspect(client.token)?.userId)
      expect(record?.revoked).toBe(false)
      expect(record?.invalidated).toBeNull()
      expect((record?.expiresAt ?? 0) * 1000 - Date.now()).toBeGreaterThan(
        59 * DAY_MS,
      )
    }
  })
})

describe('client that keeps failing', () => {
  it('is an error, never expired', () => {
    const secret = clientOf(isolated.sandbox, 'expired-user').secret
    const report = isolated.reports.find((r) => r.secret === secret)
    expect(report?.status).toBe('error')
    expect(report?.tokenType).toBe('UNKNOWN')
    expect(report?.reason).toMatch(/^Could not be checked: /)
  })

  it('keeps the token when the exchange fails', () => {
    const { sandbox } = isolated
    const client = clientOf(sandbox, 'expiring-system-user')
    const report = isolated.reports.find((r) => r.secret === client.secret)
    expect(report?.written).toBe(false)
    expect(report?.reason).toMatch(/The exchange failed/)
    expect(sandbox.github.readSecret(REPOSITORY, client.secret)).toBe(
      client.token,
    )
  })

  it('keeps the token when the write fails', () => {
    const { sandbox } = isolated
    const client = clientOf(sandbox, 'short-lived-user')
    const report = isolated.reports.find((r) => r.secret === client.secret)
    expect(report?.status).toBe('error')
    expect(report?.written).toBe(false)
    expect(report?.reason).toMatch(/writing the secret failed/)
    expect(report?.reason).toMatch(/GitHub rate-limited the request/)
    expect(report?.reason).not.toMatch(/lacks/)
    expect(sandbox.github.readSecret(REPOSITORY, client.secret)).toBe(
      client.token,
    )
  })

  it('leaves every other client as it was', () => {
    const { sandbox } = isolated
    const failed = [
      'expired-user',
      'expiring-system-user',
      'short-lived-user',
    ].map((kind) => clientOf(sandbox, kind).secret)
    const others = (reports: ClientReport[]) =>
      essentials(reports.filter((report) => !failed.includes(report.secret)))
    expect(Object.keys(others(isolated.reports))).toHaveLength(13)
    expect(others(isolated.reports)).toEqual(others(reference.reports))
  })

  it('counts the unfinished clients in the summary', () => {
    // Two errors (the inspection and the write) and one expiring token
    // whose exchange failed: none of the three got a new token.
    const errors = isolated.reports.filter((r) => r.status === 'error')
    const unwritten = isolated.reports.filter(
      (r) => r.status === 'expiring' && !r.written,
    )
    expect(errors).toHaveLength(2)
    expect(unwritten).toHaveLength(1)
    expect(isolated.run.summary).toContain('**3** not checked or not refreshed')
  })
})

describe('run with an unchecked client', () => {
  it('fails by default', () => {
    expect(errorOnly.run.exitCode).toBe(1)
    expect(errorOnly.run.stdout).toMatch(
      /::error::Meta tokens need attention \(fail-on: expired\): 1 could not be checked or refreshed\./,
    )
  })

  it('passes with fail-on: never', () => {
    expect(errorNever.run.exitCode).toBe(0)
    expect(essentials(errorNever.reports)).toEqual(
      essentials(errorOnly.reports),
    )
  })

  it('reports only the unchecked client as an error', () => {
    const statuses = errorOnly.reports.map((report) => report.status)
    expect(statuses.sort()).toEqual(['error', 'healthy', 'healthy'])
    expect(errorOnly.run.summary).toContain(
      '**1** not checked or not refreshed',
    )
  })
})

describe('Graph request that hangs', () => {
  it('times out and is retried', () => {
    // The simulator logs a hang only when it ends, after the run, but
    // counts it as a fault when it starts.
    expect(timeout.sandbox.meta.counters.faults).toBe(1)
    expect(timeout.run.stdout).toContain(
      `timed out after ${GRAPH_TIMEOUT_MS} ms`,
    )
    const client = clientOf(timeout.sandbox, 'expiring-system-user')
    const report = timeout.reports.find((r) => r.secret === client.secret)
    expect(report?.status).toBe('refreshed')
    expect(report?.written).toBe(true)
    expect(timeout.run.exitCode).toBe(0)
  })
})

describe('Graph rate usage near the limit', () => {
  it('logs the slow-down once', () => {
    const lines = slowed.run.stdout
      .split('\n')
      .filter((line) => line.includes(`app at ${USAGE_PERCENT}%`))
    expect(lines).toHaveLength(1)
  })

  it('spaces the requests after the first', () => {
    const times = slowed.sandbox.meta.log
      .filter((entry) => !entry.batchItem)
      .map((entry) => entry.time)
    // The batch, the exchange and the verification go out one after another.
    expect(times).toHaveLength(3)
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] as number) - (times[i - 1] as number)
      expect(gap, `gap before request ${i + 1}`).toBeGreaterThanOrEqual(
        MIN_SPACING_MS,
      )
    }
    expect(slowed.reports.map((report) => report.status).sort()).toEqual([
      'healthy',
      'refreshed',
    ])
  })
})

describe('fault runs, secrets', () => {
  it('leak no token in any channel', () => {
    const all = [
      reference,
      faulty,
      isolated,
      errorOnly,
      errorNever,
      timeout,
      slowed,
    ]
    const secrets = new Set<string>()
    const channels: Record<string, string> = {}
    all.forEach(({ sandbox, run }, index) => {
      secrets.add(sandbox.appSecret)
      secrets.add(sandbox.writerToken)
      secrets.add(sandbox.issueToken)
      for (const record of sandbox.meta.tokens()) secrets.add(record.token)
      channels[`${index}.stdout`] = visibleLog(run.stdout)
      channels[`${index}.stderr`] = run.stderr
      channels[`${index}.summary`] = run.summary
      channels[`${index}.outputs`] = JSON.stringify(run.outputs)
      for (const issue of sandbox.github.issues) {
        channels[`${index}.issue#${issue.number}`] =
          `${issue.title}\n${issue.body}`
      }
      for (const comment of sandbox.github.comments) {
        channels[`${index}.comment on #${comment.issueNumber}`] = comment.body
      }
    })
    const leaks = findLeaks(channels, [...secrets])
    expect(leaks, describeLeaks(leaks)).toEqual([])
  })
})
