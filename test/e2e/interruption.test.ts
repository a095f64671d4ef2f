/**
 * The bundled action (dist/index.js) stopped at every step of a refresh of
 * the incident agency: the simulators hold the request of that step, and
 * the test kills the action while it waits. Afterwards every secret must
 * still hold a token that works, the old one or a verified new one, and the
 * next run must finish the refresh with one tracking issue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import type { SimRequest } from '../sim/types.ts'
import { createWorkspace, runOnAgency } from '../harness/agency-run.ts'
import type { ActionRun } from '../harness/run-action.ts'
import { holdRequests, type HoldPhase } from '../harness/hold.ts'
import { describeLeaks, findLeaks, visibleLog } from '../harness/leaks.ts'
import type { ClientReport } from '../../src/types.ts'

const DAY_MS = 86_400_000
const REPOSITORY = { kind: 'repository' } as const
/** Steps that run at a time. Each step starts two action processes, one after the other. */
const CONCURRENT_STEPS = 4

interface Step {
  name: string
  simulator: 'meta' | 'github'
  phase: HoldPhase
  matches(request: SimRequest, sandbox: Sandbox): boolean
  /** SIGKILL as when a runner dies, SIGTERM as when a run is cancelled. */
  signal: NodeJS.Signals
}

const isBatch = (request: SimRequest) =>
  request.method === 'POST' && /^\/v\d+\.\d+\/?$/.test(request.url.pathname)
const isExchange = (request: SimRequest) =>
  request.url.pathname.endsWith('/oauth/access_token')
const isRevoke = (request: SimRequest) =>
  request.url.pathname.endsWith('/oauth/revoke')
/** `debug_token` of a token that an exchange minted: the verification of a new token. */
const isVerify = (request: SimRequest, sandbox: Sandbox) =>
  request.url.pathname.endsWith('/debug_token') &&
  sandbox.meta.inspect(request.url.searchParams.get('input_token') ?? '')
    ?.origin === 'exchange'
const isSecretWrite = (request: SimRequest) =>
  request.method === 'PUT' && request.url.pathname.includes('/secrets/')
const isIssueList = (request: SimRequest) =>
  request.method === 'GET' &&
  /\/repos\/[^/]+\/[^/]+\/issues$/.test(request.url.pathname)
const isIssueCreate = (request: SimRequest) =>
  request.method === 'POST' &&
  /\/repos\/[^/]+\/[^/]+\/issues$/.test(request.url.pathname)

function step(
  name: string,
  simulator: Step['simulator'],
  phase: HoldPhase,
  matches: Step['matches'],
  signal: NodeJS.Signals = 'SIGKILL',
): Step {
  return { name, simulator, phase, matches, signal }
}

/** The steps of a refresh in the order a run takes them. */
const STEPS: Step[] = [
  step('after inspection', 'meta', 'after', isBatch),
  step('during the exchange', 'meta', 'before', isExchange),
  step('after the exchange', 'meta', 'after', isExchange, 'SIGTERM'),
  step('during verification', 'meta', 'before', isVerify),
  step('after verification', 'meta', 'after', isVerify),
  step('during the secret write', 'github', 'before', isSecretWrite),
  step('after the secret write', 'github', 'after', isSecretWrite, 'SIGTERM'),
  step('before the revocation', 'meta', 'before', isRevoke),
  step('after the revocation', 'meta', 'after', isRevoke),
  step('before the issue lookup', 'github', 'before', isIssueList),
  step('after the issue is created', 'github', 'after', isIssueCreate),
]

type TokenRecord = NonNullable<ReturnType<Sandbox['meta']['inspect']>>

/** A secret's value and Meta's record of that token, both taken at one moment. */
interface SecretState {
  value: string | undefined
  record: TokenRecord | undefined
  /** Whether the action had sent this token to `debug_token` by then. */
  inspected: boolean
}

/** A step's kill, the secrets right after it, and the run that followed. */
interface StepOutcome {
  sandbox: Sandbox
  /** Whether the held request was reached, so the kill came at this step. */
  reached: boolean
  killed: ActionRun
  /** Secret name to its state right after the kill. */
  afterKill: Map<string, SecretState>
  next: ActionRun
  nextReports: ClientReport[]
  /** Secret name to its state after the next run. */
  afterNext: Map<string, SecretState>
}

const outcomes = new Map<string, StepOutcome>()
const INPUTS = { 'revoke-replaced': 'true' }

/** Records each token sent to `debug_token`, in a batch or alone, without failing any request. */
function recordInspections(sandbox: Sandbox): Set<string> {
  const inspected = new Set<string>()
  const record = (request: SimRequest) => {
    const token = request.url.searchParams.get('input_token')
    if (token) inspected.add(token)
    return undefined
  }
  sandbox.meta.script('debug_token', record)
  sandbox.meta.script('batch_item', record)
  return inspected
}

function readSecrets(
  sandbox: Sandbox,
  inspected: Set<string>,
): Map<string, SecretState> {
  return new Map(
    sandbox.scenario.clients.map((client) => {
      const value = sandbox.github.readSecret(REPOSITORY, client.secret)
      const state: SecretState = {
        value,
        record: value === undefined ? undefined : sandbox.meta.inspect(value),
        inspected: inspected.has(value ?? ''),
      }
      return [client.secret, state]
    }),
  )
}

async function runStep(step: Step): Promise<StepOutcome> {
  const sandbox = await startSandbox({ clients: 16 })
  const inspected = recordInspections(sandbox)
  const workspace = await createWorkspace(sandbox)

  const hold = holdRequests(
    sandbox[step.simulator],
    (request) => step.matches(request, sandbox),
    step.phase,
  )
  const controller = new AbortController()
  let reached = false
  void hold.reached.then(() => {
    reached = true
    controller.abort()
  })
  const killed = await runOnAgency(sandbox, workspace, INPUTS, {
    signal: controller.signal,
    killSignal: step.signal,
  })
  hold.release()
  const afterKill = readSecrets(sandbox, inspected)

  const next = await runOnAgency(sandbox, workspace, INPUTS)
  const nextReports = JSON.parse(next.outputs.report ?? '[]') as ClientReport[]
  const afterNext = readSecrets(sandbox, inspected)
  return { sandbox, reached, killed, afterKill, next, nextReports, afterNext }
}

beforeAll(async () => {
  const queue = [...STEPS]
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      outcomes.set(next.name, await runStep(next))
    }
  }
  await Promise.all(Array.from({ length: CONCURRENT_STEPS }, worker))
}, 120_000)

afterAll(async () => {
  await Promise.all([...outcomes.values()].map((o) => o.sandbox.close()))
})

function outcomeOf(step: Step): StepOutcome {
  const outcome = outcomes.get(step.name)
  if (!outcome) throw new Error(`Step "${step.name}" did not run.`)
  return outcome
}

/**
 * Checks that a secret held the client's original token, not revoked, or
 * a token an exchange minted for the same user that the action had
 * inspected and that works for about 60 days.
 */
function expectWorkingToken(
  sandbox: Sandbox,
  client: Sandbox['scenario']['clients'][number],
  state: SecretState | undefined,
): void {
  const original = sandbox.meta.inspect(client.token)
  const record = state?.record
  expect(record, `${client.secret} holds a token Meta issued`).toBeDefined()
  expect(record?.revoked, `${client.secret} holds a revoked token`).toBe(false)
  if (state?.value === client.token) return

  expect(record?.origin, client.secret).toBe('exchange')
  expect(record?.userId, client.secret).toBe(original?.userId)
  expect(record?.type, client.secret).toBe(original?.type)
  expect(record?.invalidated, client.secret).toBeNull()
  expect(
    state?.inspected,
    `${client.secret} holds a token the action never verified`,
  ).toBe(true)
  expect((record?.expiresAt ?? 0) * 1000 - Date.now()).toBeGreaterThan(
    59 * DAY_MS,
  )
}

const DUE = ['expiring-system-user', 'short-lived-user']
const STATUS_BY_KIND: Record<string, string> = {
  'expired-user': 'expired',
  'invalidated-user': 'invalid',
  'never-expiring-system-user': 'healthy',
  'long-lived-user': 'healthy',
}

describe.each(STEPS)('killed $name', (step) => {
  it('stops at the step', () => {
    const outcome = outcomeOf(step)
    expect(outcome.reached).toBe(true)
    if (step.signal === 'SIGTERM') {
      expect(outcome.killed.exitCode).toBe(143)
      expect(outcome.killed.stdout).toMatch(
        /^::warning::The run was cancelled \(SIGTERM\)\. Each secret holds its old token or a verified new one/m,
      )
    } else {
      expect(outcome.killed.exitCode).toBe(137)
    }
  })

  it('leaves a working token in every secret', () => {
    const outcome = outcomeOf(step)
    for (const client of outcome.sandbox.scenario.clients) {
      const state = outcome.afterKill.get(client.secret)
      expectWorkingToken(outcome.sandbox, client, state)
    }
  })

  it('finishes the refresh on the next run', () => {
    const outcome = outcomeOf(step)
    const { sandbox, nextReports } = outcome
    expect(outcome.next.exitCode).toBe(1)
    expect(nextReports).toHaveLength(16)

    for (const client of sandbox.scenario.clients) {
      const report = nextReports.find((r) => r.secret === client.secret)
      const state = outcome.afterNext.get(client.secret)
      if (!DUE.includes(client.kind)) {
        expect(report?.status, client.secret).toBe(STATUS_BY_KIND[client.kind])
        expect(state?.value, client.secret).toBe(client.token)
        continue
      }
      const writtenBefore =
        outcome.afterKill.get(client.secret)?.value !== client.token
      expect(report?.status, client.secret).toBe(
        writtenBefore ? 'healthy' : 'refreshed',
      )
      expect(report?.written, client.secret).toBe(!writtenBefore)
      expect(state?.value, client.secret).not.toBe(client.token)
      expectWorkingToken(sandbox, client, state)
    }
  })

  it('keeps one tracking issue', () => {
    const { github } = outcomeOf(step).sandbox
    expect(github.issues).toHaveLength(1)
    expect(github.issues[0]?.state).toBe('open')
    expect(outcomeOf(step).next.outputs['issue-number']).toBe('1')
  })
})

describe('interrupted runs, secrets', () => {
  it('leak no token in any channel', () => {
    const channels: Record<string, string> = {}
    const secrets = new Set<string>()
    for (const [name, outcome] of outcomes) {
      const { sandbox } = outcome
      secrets.add(sandbox.appSecret)
      secrets.add(sandbox.writerToken)
      secrets.add(sandbox.issueToken)
      for (const record of sandbox.meta.tokens()) secrets.add(record.token)
      for (const [label, run] of Object.entries({
        killed: outcome.killed,
        next: outcome.next,
      })) {
        channels[`${name}.${label}.stdout`] = visibleLog(run.stdout)
        channels[`${name}.${label}.stderr`] = run.stderr
        channels[`${name}.${label}.summary`] = run.summary
        channels[`${name}.${label}.outputs`] = JSON.stringify(run.outputs)
      }
      for (const issue of sandbox.github.issues) {
        channels[`${name}.issue#${issue.number}`] =
          `${issue.title}\n${issue.body}`
      }
    }
    const leaks = findLeaks(channels, [...secrets])
    expect(leaks, describeLeaks(leaks)).toEqual([])
  })
})
