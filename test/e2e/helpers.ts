/**
 * Shared setup of the end-to-end tests that run the bundled action on
 * clients a test places itself. A test starts a sandbox without an agency,
 * adds tokens to the Meta simulator and stores each in the secret of a
 * chosen scope. It then runs dist/index.js once and opens the stored secrets.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  startSandbox,
  type SandboxCounters,
  type SandboxOptions,
  type Sandbox,
} from '../sim/index.ts'
import type { TokenSpec } from '../sim/meta.ts'
import { expect } from 'vitest'
import { runAction, type ActionRun } from '../harness/run-action.ts'
import { describeLeaks, findLeaks, visibleLog } from '../harness/leaks.ts'
import type { ClientReport, SecretScope } from '../../src/types.ts'

export const DAY_S = 86_400
/** Meta's `expires_in` of a 60-day token, in seconds. */
export const SIXTY_DAYS_S = 5_183_944

export const REPOSITORY: SecretScope = { kind: 'repository' }
export const ORGANIZATION: SecretScope = { kind: 'organization' }
export const PRODUCTION: SecretScope = {
  kind: 'environment',
  name: 'production',
}

/** A client a test placed: its secret, the token stored there and the scope it lives in. */
export interface PlacedClient {
  secret: string
  token: string
  scope: SecretScope
}

export interface KeeperRun {
  run: ActionRun
  reports: ClientReport[]
  /** What each simulator counted during this run only. */
  counts: SandboxCounters
  /** `stdout` as the runner shows it in the log, without `::add-mask::` lines. */
  log: string
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

/** Starts the simulators with no agency loaded, so each test places its own clients. */
export function startBareSandbox(
  options: Omit<SandboxOptions, 'clients' | 'agency'> = {},
): Promise<Sandbox> {
  return startSandbox({ ...options, clients: 0 })
}

/** Builds the spec of a 60-day System User token that expires in `days` days. */
export function systemUserSpec(days: number, userId = '1001'): TokenSpec {
  const expiresAt = nowSeconds() + Math.round(days * DAY_S)
  return {
    type: 'SYSTEM_USER',
    userId,
    expiresAt,
    issuedAt: expiresAt - SIXTY_DAYS_S,
  }
}

/**
 * Adds a token to the Meta simulator and stores it in `secret` of `scope`,
 * unless `store` is false (a secret that does not exist yet).
 */
export function placeClient(
  sandbox: Sandbox,
  secret: string,
  spec: TokenSpec,
  scope: SecretScope = REPOSITORY,
  store = true,
): PlacedClient {
  const token = sandbox.meta.addToken(spec)
  if (store) sandbox.github.seedSecret(scope, secret, token)
  return { secret, token, scope }
}

/** Opens the sealed box stored in the client's secret. */
export function storedValue(
  sandbox: Sandbox,
  client: PlacedClient,
): string | undefined {
  return sandbox.github.readSecret(client.scope, client.secret)
}

/**
 * Asserts that the client's secret now contains a new token that an exchange
 * minted for the same user, valid and not revoked, and that the report
 * gives its expiry and the replaced token's.
 */
export function expectNewTokenWritten(
  sandbox: Sandbox,
  client: PlacedClient,
  report: ClientReport,
): void {
  const stored = storedValue(sandbox, client) ?? ''
  const before = sandbox.meta.inspect(client.token)
  const after = sandbox.meta.inspect(stored)
  expect(stored, client.secret).not.toBe(client.token)
  expect(after?.origin, client.secret).toBe('exchange')
  expect(after?.userId, client.secret).toBe(before?.userId)
  expect(after?.type, client.secret).toBe(before?.type)
  expect(after?.appId, client.secret).toBe(sandbox.appId)
  expect(after?.revoked, client.secret).toBe(false)
  expect(report.expiresAt, client.secret).toBe(isoOf(after?.expiresAt ?? 0))
  expect(report.previousExpiresAt, client.secret).toBe(
    isoOf(before?.expiresAt ?? 0),
  )
}

/** Returns the client's report, or throws when the run reported no such client. */
export function reportOf(
  keeper: KeeperRun,
  client: PlacedClient,
): ClientReport {
  const report = keeper.reports.find((item) => item.secret === client.secret)
  if (!report) throw new Error(`The report has no line for ${client.secret}.`)
  return report
}

/** Formats a Unix time in seconds as the report writes it. */
export function isoOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString()
}

/** Counts the occurrences of `text` in `haystack`. */
export function occurrences(haystack: string, text: string): number {
  return haystack.split(text).length - 1
}

/**
 * Runs dist/index.js once on the sandbox with `clients` in the `tokens`
 * input, `clientsFile` (YAML) at the default path when given, the writer
 * token as `github-token` and no tracking issue. `inputs` overrides any of
 * these inputs.
 */
export async function runKeeper(
  sandbox: Sandbox,
  clients: PlacedClient[],
  options: { clientsFile?: string; inputs?: Record<string, string> } = {},
): Promise<KeeperRun> {
  const workspace = await mkdtemp(join(tmpdir(), 'mtk-e2e-'))
  if (options.clientsFile !== undefined) {
    await mkdir(join(workspace, '.github'))
    await writeFile(
      join(workspace, '.github/meta-clients.yml'),
      options.clientsFile,
    )
  }

  const before = sandbox.counters()
  const run = await runAction({
    githubApiUrl: sandbox.githubUrl,
    githubToken: sandbox.issueToken,
    repository: sandbox.repository,
    workspace,
    inputs: {
      'app-id': sandbox.appId,
      'app-secret': sandbox.appSecret,
      'github-token': sandbox.writerToken,
      'graph-api-url': sandbox.graphUrl,
      'tracking-issue': 'false',
      tokens: clients
        .map((client) => `${client.secret}=${client.token}`)
        .join('\n'),
      ...options.inputs,
    },
  })
  const after = sandbox.counters()

  const counts = { ...after }
  for (const key of Object.keys(after) as (keyof SandboxCounters)[]) {
    counts[key] = after[key] - before[key]
  }
  const report = run.outputs.report
  return {
    run,
    reports: report ? (JSON.parse(report) as ClientReport[]) : [],
    counts,
    log: visibleLog(run.stdout),
  }
}

/** Returns a description of every place a secret leaked in the runs' channels, or '' when none did. */
export function leaksOf(
  runs: Record<string, KeeperRun>,
  secrets: readonly string[],
): string {
  const channels: Record<string, string> = {}
  for (const [name, keeper] of Object.entries(runs)) {
    channels[`${name}.stdout`] = keeper.log
    channels[`${name}.stderr`] = keeper.run.stderr
    channels[`${name}.summary`] = keeper.run.summary
    channels[`${name}.outputs`] = JSON.stringify(keeper.run.outputs)
  }
  return describeLeaks(findLeaks(channels, secrets))
}
