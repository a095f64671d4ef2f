/**
 * The Actions face: reads the inputs, runs the job, and turns the result into
 * outputs, a job summary, annotations, the tracking issue and the exit status.
 */
import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import { InputError, readInputs } from './inputs.ts'
import { buildClients, readPassedTokens } from './clients.ts'
import { parseClientsFile } from './clients-file.ts'
import type { EarlyStart } from './early.ts'
import { GraphClient } from './meta/graph-client.ts'
import { createOctokit } from './github/octokit.ts'
import { SecretStore } from './github/secrets.ts'
import { syncTrackingIssue } from './github/tracking-issue.ts'
import { runKeeper, type KeeperResult } from './keeper.ts'
import { failureReason } from './verdict.ts'
import { renderSummary } from './report/summary.ts'
import { hasKnownExpiry } from './report/format.ts'
import { renderIssue } from './report/issue-body.ts'
import { describeError, onSecretRegistered, redact } from './redact.ts'
import type { ClientReport, FailOn, Logger, Settings } from './types.ts'

const DEFAULT_CLIENTS_FILE = '.github/meta-clients.yml'

const actionsLog: Logger = {
  info: (message) => core.info(message),
  warning: (message, title) => core.warning(message, title ? { title } : {}),
  error: (message, title) => core.error(message, title ? { title } : {}),
  debug: (message) => core.debug(message),
}

const SILENT_LOG: Logger = {
  info: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  debug: () => undefined,
}

/**
 * Runs the Action; every failure ends in one `setFailed` line. `early` is
 * the inspection index.ts started before this module loaded, if any.
 */
export async function run(early: EarlyStart | null = null): Promise<void> {
  try {
    await runAction(early)
  } catch (error) {
    if (!(error instanceof InputError) && core.isDebug()) {
      core.debug(describeStack(error))
    }
    core.setFailed(describeError(error))
  } finally {
    // Nothing is left to ask Meta; an early inspection that nobody used
    // (the clients file was invalid) must not keep the process alive. The
    // requests that close() aborts would log retries and fallbacks after the
    // run's last line, so their log is dropped.
    early?.log.attach(SILENT_LOG)
    early?.graph.close()
  }
}

async function runAction(early: EarlyStart | null): Promise<void> {
  onSecretRegistered((value) => core.setSecret(value))
  early?.log.attach(actionsLog)
  const inputs = readInputs(
    (name) => core.getInput(name, { trimWhitespace: false }),
    process.env,
  )
  const { settings } = inputs

  // Tokens are parsed (and so registered for redaction) before the clients
  // file, whose error messages could otherwise quote one.
  const { tokens, secrets } = readPassedTokens(inputs)
  const entries = await loadClientsFile(inputs.clientsFile)
  const { clients, unmatched, ignored } = buildClients({
    tokens,
    secrets,
    entries,
    defaultScope: settings.secretScope,
    secretPrefix: inputs.secretPrefix,
    log: actionsLog,
  })
  for (const entry of unmatched) {
    core.warning(
      `${inputs.clientsFile}:${entry.line}: ${entry.secret} is listed but its secret was not passed to the action; add it to \`tokens\`.`,
    )
  }
  if (ignored.length > 0) {
    core.info(`Ignored as the clients file asks: ${ignored.join(', ')}.`)
  }

  const graph =
    early?.graph ??
    new GraphClient({
      appId: settings.appId,
      appSecret: settings.appSecret,
      apiUrl: settings.graphApiUrl,
      version: settings.graphApiVersion,
      log: actionsLog,
    })
  const secretStore =
    settings.githubToken && !settings.dryRun
      ? new SecretStore(
          createOctokit({
            token: settings.githubToken,
            baseUrl: settings.githubApiUrl,
            log: actionsLog,
          }),
          settings.repository,
          actionsLog,
        )
      : null

  core.info(`Checking ${clients.length} client token(s).`)
  const result = await core.group('Inspect and refresh', () =>
    runKeeper(settings, clients, {
      graph,
      secretStore,
      log: actionsLog,
      now: new Date(),
    }),
  )

  for (const report of result.reports) logDecision(report)
  // When Meta rejected the credentials, the run's one error already covers
  // every client, so no client gets an annotation of its own.
  if (!result.inspectionFailed) annotate(result.reports)
  const issueNumber = await core.group('Tracking issue', () =>
    updateTrackingIssue(
      settings,
      result,
      unmatched.map((e) => e.secret),
    ),
  )
  await writeOutputs(settings, result, issueNumber)
  failIfNeeded(settings.failOn, result)
}

async function loadClientsFile(path: string) {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    if (missing && path === DEFAULT_CLIENTS_FILE) return []
    throw new InputError(
      missing
        ? `Input \`clients-file\` names ${path}, which does not exist. Fix the path or remove the input.`
        : `Input \`clients-file\`: ${path} could not be read (${describeError(error)}).`,
    )
  }
  return parseClientsFile(text, path)
}

function logDecision(report: ClientReport): void {
  const expiry = report.expiresAt
    ? report.expiresAt.slice(0, 10)
    : hasKnownExpiry(report)
      ? 'never'
      : 'unknown'
  core.info(
    `${report.client} (${report.secret}): ${report.status}, ${report.tokenType}, expires ${expiry}. ${report.reason}`,
  )
}

function annotate(reports: ClientReport[]): void {
  for (const report of reports) {
    const title = `${report.client}: ${report.status}`
    const message = [report.reason, report.fix].filter(Boolean).join(' ')
    if (['expired', 'invalid', 'error'].includes(report.status)) {
      core.error(message, { title })
    } else if (report.status === 'expiring') {
      core.warning(message, { title })
    } else if (report.needsMigration) {
      core.notice(
        `${report.client} still uses a ${report.tokenType} token; move it to a System User token.`,
        { title: `${report.client}: move to a System User token` },
      )
    }
  }
}

async function updateTrackingIssue(
  settings: Settings,
  result: KeeperResult,
  unmatched: string[],
): Promise<number | null> {
  if (!settings.trackingIssue) return null
  if (!settings.issueToken) {
    core.warning(
      'Input `issue-token` is empty, so the tracking issue was not updated. Pass `${{ github.token }}` with `issues: write`.',
    )
    return null
  }

  const content = renderIssue(result.reports, {
    now: new Date(),
    warnBeforeDays: settings.warnBeforeDays,
    runUrl: settings.runUrl,
    unmatched,
  })
  const outcome = await syncTrackingIssue({
    octokit: createOctokit({
      token: settings.issueToken,
      baseUrl: settings.githubApiUrl,
      log: actionsLog,
    }),
    repository: settings.repository,
    labels: settings.issueLabels,
    content,
    closeComment:
      'Every client token is healthy and on a System User token. Closing.',
    log: actionsLog,
    dryRun: settings.dryRun,
  })
  if (outcome.action === 'failed') {
    core.error(outcome.message, { title: 'Tracking issue not updated' })
    result.problems.push(outcome.message)
  } else {
    core.info(outcome.message)
  }
  return outcome.number
}

async function writeOutputs(
  settings: Settings,
  result: KeeperResult,
  issueNumber: number | null,
): Promise<void> {
  core.setOutput('report', JSON.stringify(result.reports))
  core.setOutput('checked', result.totals.checked)
  core.setOutput('refreshed', result.totals.refreshed)
  core.setOutput('attention', result.totals.attention)
  core.setOutput('issue-number', issueNumber ?? '')

  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('No GITHUB_STEP_SUMMARY file: the job summary was not written.')
    return
  }
  await core.summary
    .addRaw(
      renderSummary(result.reports, result.totals, {
        dryRun: settings.dryRun,
        notes: result.problems,
      }),
    )
    .write()
}

function failIfNeeded(failOn: FailOn, result: KeeperResult): void {
  const reason = failureReason(failOn, result)
  if (reason) core.setFailed(reason)
}

/** The stack, redacted, for debug logging only (`ACTIONS_STEP_DEBUG`). */
function describeStack(error: unknown): string {
  return redact(
    error instanceof Error ? (error.stack ?? error.message) : String(error),
  )
}
