/**
 * The job, phase by phase: inspect every token, decide, refresh what is due,
 * verify, write back. Shared by the Action (main.ts) and the CLI (cli.ts);
 * neither repeats a phase. Reporting and the tracking issue stay with the
 * faces, because each shows the result its own way.
 */
import type { GraphClient, Inspection } from './meta/graph-client.ts'
import type { SecretStore, ScopeAccess } from './github/secrets.ts'
import { scopeLabel } from './github/secrets.ts'
import { GraphError, type GraphErrorKind } from './meta/errors.ts'
import { decide, judgeRefresh, type Decision } from './policy.ts'
import { describeError } from './redact.ts'
import { mapLimit } from './concurrency.ts'
import type {
  Client,
  ClientReport,
  Logger,
  RunTotals,
  SecretScope,
  Settings,
  Status,
  TokenInfo,
} from './types.ts'

/** Exchanges in flight at once; Meta counts each one against the app's rate limit. */
const EXCHANGE_CONCURRENCY = 4

export interface KeeperDeps {
  graph: GraphClient
  /** Null when the run only inspects and reports (no `github-token`, or a dry run). */
  secretStore: SecretStore | null
  log: Logger
  now: Date
}

export interface KeeperResult {
  reports: ClientReport[]
  totals: RunTotals
  /** Run-level problems, each one line, already redacted. */
  problems: string[]
  /**
   * True when Meta rejected the app credentials or the Graph API version, so
   * no client was checked. `problems` then contains the one message about it.
   */
  inspectionFailed: boolean
}

type Settled = Pick<
  ClientReport,
  'status' | 'reason' | 'fix' | 'expiresAt' | 'written' | 'revoked'
> & { previousExpiresAt: string | null }

/** Runs inspection and refresh for every client and returns one report per client, in input order. */
export async function runKeeper(
  settings: Settings,
  clients: Client[],
  deps: KeeperDeps,
): Promise<KeeperResult> {
  const problems: string[] = []
  const context = {
    now: deps.now,
    refreshBeforeDays: settings.refreshBeforeDays,
    warnBeforeDays: settings.warnBeforeDays,
    appId: settings.appId,
  }

  const { inspections, failure } = await inspectAll(clients, deps, problems)
  const decisions = inspections.map((inspection) =>
    inspection.ok ? decide(inspection.info, context) : null,
  )

  const due = clients
    .map((client, index) => ({ client, index }))
    .filter(({ index }) => (decisions[index]?.plan ?? 'none') !== 'none')
  const settled = new Map<number, Settled>()

  if (due.length > 0) {
    const skipReason = refreshSkipReason(settings, deps)
    if (skipReason) {
      deps.log.info(`${due.length} token(s) due for refresh: ${skipReason}.`)
    } else {
      const store = deps.secretStore as SecretStore
      const access = await store.prepare(uniqueScopes(due.map((d) => d.client)))
      reportScopeFailures(access, deps.log, problems)
      await mapLimit(due, EXCHANGE_CONCURRENCY, async ({ client, index }) => {
        const inspection = inspections[index] as Inspection & { ok: true }
        const decision = decisions[index] as Decision
        const scopeAccess = access.get(scopeLabel(client.scope))
        settled.set(
          index,
          await refreshClient(client, inspection.info, decision, {
            settings,
            deps,
            store,
            scopeAccess,
            context,
          }),
        )
      })
    }
  }

  const reports = clients.map((client, index) =>
    buildReport(
      client,
      inspections[index] as Inspection,
      failure,
      decisions[index] ?? null,
      settled.get(index) ?? null,
      refreshSkipNote(settings, deps, decisions[index] ?? null),
    ),
  )
  return {
    reports,
    totals: countTotals(reports, new Set(due.map(({ index }) => index))),
    problems,
    inspectionFailed: failure !== null,
  }
}

async function inspectAll(
  clients: Client[],
  deps: KeeperDeps,
  problems: string[],
): Promise<{ inspections: Inspection[]; failure: GraphError | null }> {
  try {
    const tokens = clients.map((client) => client.token)
    return { inspections: await deps.graph.inspect(tokens), failure: null }
  } catch (error) {
    // A rejected app id, app secret or Graph API version fails every
    // inspection the same way: report it once for the run, and mark each
    // client as not checked.
    const failure =
      error instanceof GraphError
        ? error
        : new GraphError(describeError(error), { kind: 'other' })
    problems.push(failure.message)
    deps.log.error(failure.message, RUN_FAILURE_TITLES[failure.kind])
    return {
      inspections: clients.map(() => ({ ok: false, error: failure })),
      failure,
    }
  }
}

const RUN_FAILURE_TITLES: Partial<Record<GraphErrorKind, string>> = {
  credentials: 'Meta rejected the app credentials',
  version: 'Meta rejected the Graph API version',
}

/**
 * Logs one error for each scope whose public key could not be read, so the
 * diagnostic appears once however many clients live in that scope.
 */
function reportScopeFailures(
  access: Map<string, ScopeAccess>,
  log: Logger,
  problems: string[],
): void {
  for (const [label, scopeAccess] of access) {
    if (scopeAccess.ok) continue
    problems.push(scopeAccess.message)
    log.error(scopeAccess.message, `Cannot write the ${label} secrets`)
  }
}

function refreshSkipReason(
  settings: Settings,
  deps: KeeperDeps,
): string | null {
  if (settings.dryRun) return 'dry run, nothing exchanged or written'
  if (!settings.githubToken || !deps.secretStore)
    return 'no `github-token`, so the run only inspects and reports'
  return null
}

function refreshSkipNote(
  settings: Settings,
  deps: KeeperDeps,
  decision: Decision | null,
): string | null {
  if (!decision || decision.plan === 'none') return null
  if (settings.dryRun) return 'Dry run: would refresh.'
  if (!settings.githubToken || !deps.secretStore)
    return 'Not refreshed: set `github-token` to a token that can write secrets.'
  return null
}

function uniqueScopes(clients: Client[]): SecretScope[] {
  const byLabel = new Map<string, SecretScope>()
  for (const client of clients)
    byLabel.set(scopeLabel(client.scope), client.scope)
  return [...byLabel.values()]
}

interface RefreshContext {
  settings: Settings
  deps: KeeperDeps
  store: SecretStore
  scopeAccess: ScopeAccess | undefined
  context: Parameters<typeof decide>[1]
}

/**
 * Refreshes one client in the order that never leaves the secret worse off:
 * exchange (the old token keeps working), verify the new token with
 * debug_token, write it, and only then revoke the old one when asked.
 * A run killed between any two steps leaves the old or the verified new token.
 */
async function refreshClient(
  client: Client,
  before: TokenInfo,
  decision: Decision,
  { settings, deps, store, scopeAccess, context }: RefreshContext,
): Promise<Settled> {
  const kept = (reason: string, status: Status = decision.status): Settled => ({
    status,
    reason,
    fix: decision.fix,
    expiresAt: isoOrNull(before.expiresAt),
    written: false,
    revoked: false,
    previousExpiresAt: null,
  })

  if (!scopeAccess || !scopeAccess.ok) {
    // The diagnostic itself was logged once for the scope by reportScopeFailures.
    const label = scopeLabel(client.scope)
    return {
      ...kept(
        `Not refreshed: \`github-token\` could not read the public key of the ${label} secrets, so nothing was exchanged.`,
        'error',
      ),
      fix: `Fix access to the ${label} secrets as the run's error for that scope says, then re-run.`,
    }
  }

  const kind = before.type === 'SYSTEM_USER' ? 'system-user' : 'user'
  let fresh: string
  try {
    const exchanged = await deps.graph.exchange(client.token, kind)
    fresh = exchanged.accessToken
  } catch (error) {
    deps.log.warning(
      `${client.name}: the exchange failed (${describeError(error)}); the current token is kept.`,
    )
    return kept(
      `${decision.reason} The exchange failed: ${describeError(error)}`,
    )
  }

  if (fresh === client.token) {
    return kept(`${decision.reason} Meta returned the same token.`)
  }

  const verified = await deps.graph.inspectOne(fresh)
  if (!verified.ok) {
    return kept(
      `${decision.reason} The new token could not be verified (${describeError(verified.error)}), so the current one is kept.`,
    )
  }
  const verdict = judgeRefresh(before, verified.info, context)
  if (!verdict.accept) {
    return kept(`${decision.reason} ${verdict.reason}`)
  }

  try {
    await store.write(client.scope, client.secret, fresh)
  } catch (error) {
    return {
      ...kept(
        `Refreshed, but writing the secret failed (${describeError(error)}); the current token is kept.`,
        'error',
      ),
      fix: 'Check that `github-token` can write this secret, then re-run.',
    }
  }

  const revoked =
    settings.revokeReplaced && kind === 'system-user'
      ? await revokeReplaced(client, deps)
      : false

  return {
    status: 'refreshed',
    reason: verdict.reason,
    fix: null,
    expiresAt: isoOrNull(verified.info.expiresAt),
    written: true,
    revoked,
    previousExpiresAt: isoOrNull(before.expiresAt),
  }
}

/** Revokes the replaced token; called only after the new one was verified and written. */
async function revokeReplaced(
  client: Client,
  deps: KeeperDeps,
): Promise<boolean> {
  try {
    await deps.graph.revoke(client.token)
    return true
  } catch (error) {
    deps.log.warning(
      `${client.name}: the replaced token could not be revoked (${describeError(error)}); it stays valid until its own expiry.`,
    )
    return false
  }
}

function buildReport(
  client: Client,
  inspection: Inspection,
  runFailure: GraphError | null,
  decision: Decision | null,
  settled: Settled | null,
  skipNote: string | null,
): ClientReport {
  const base = {
    client: client.name,
    secret: client.secret,
    priority: client.priority,
    owner: client.owner,
    note: client.note,
    scope: scopeLabel(client.scope),
  }

  if (runFailure) {
    // The run's error explains the failure once, not once per client.
    const title =
      RUN_FAILURE_TITLES[runFailure.kind] ??
      'the inspection failed for every client'
    return {
      ...notChecked(base, `Not checked: ${title}.`),
      fix: "Fix what the run's error names, then re-run.",
    }
  }
  if (!inspection.ok || !decision) {
    const message = inspection.ok
      ? 'no decision'
      : describeError(inspection.error)
    return notChecked(base, `Could not be checked: ${message}`)
  }

  const info = inspection.info
  const reason =
    settled?.reason ?? [decision.reason, skipNote].filter(Boolean).join(' ')
  return {
    ...base,
    tokenType: info.type,
    status: settled?.status ?? decision.status,
    expiresAt: settled ? settled.expiresAt : isoOrNull(info.expiresAt),
    dataAccessExpiresAt: isoOrNull(info.dataAccessExpiresAt),
    needsMigration: decision.needsMigration,
    written: settled?.written ?? false,
    reason,
    fix: settled ? settled.fix : decision.fix,
    previousExpiresAt: settled?.previousExpiresAt ?? null,
    revoked: settled?.revoked ?? false,
  }
}

type ReportBase = Pick<
  ClientReport,
  'client' | 'secret' | 'priority' | 'owner' | 'note' | 'scope'
>

function notChecked(base: ReportBase, reason: string): ClientReport {
  return {
    ...base,
    tokenType: 'UNKNOWN',
    status: 'error',
    expiresAt: null,
    dataAccessExpiresAt: null,
    needsMigration: false,
    written: false,
    reason,
    fix: 'Re-run later; if it persists, check the Graph API status and the app credentials.',
    previousExpiresAt: null,
    revoked: false,
  }
}

/** True when a person must do something about this client. */
export function needsAttention(report: ClientReport): boolean {
  return (
    report.needsMigration ||
    report.status === 'expired' ||
    report.status === 'invalid' ||
    report.status === 'expiring' ||
    report.status === 'error'
  )
}

/** Counts the totals; `due` contains the indexes of the clients due for a refresh. */
function countTotals(reports: ClientReport[], due: Set<number>): RunTotals {
  return {
    checked: reports.length,
    refreshed: reports.filter((report) => report.written).length,
    attention: reports.filter(needsAttention).length,
    unfinished: reports.filter(
      (report, index) =>
        report.status === 'error' || (due.has(index) && !report.written),
    ).length,
  }
}

function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null
}
