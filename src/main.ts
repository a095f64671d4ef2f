/**
 * The Actions face: reads the inputs, runs the job, and turns the result into
 * outputs, a job summary, annotations, the tracking issue and the exit status.
 */
import * as core from '@actions/core'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_CLIENTS_FILE, InputError, readInputs } from './inputs.ts'
import { buildClients, readPassedTokens } from './clients.ts'
import { readCommonLayout } from './clients-entries.ts'
import type { EarlyStart } from './early.ts'
import { GraphClient } from './meta/graph-client.ts'
import { createOctokit } from './github/octokit.ts'
import { SecretStore } from './github/secrets.ts'
import { syncTrackingIssue } from './github/tracking-issue.ts'
import { runKeeper, type KeeperResult } from './keeper.ts'
import { failureReason } from './verdict.ts'
import { renderSummary } from './report/summary.ts'
import {
  byPriorityThenExpiry,
  hasKnownExpiry,
  isActNow,
  needsPerson,
  plural,
} from './report/format.ts'
import { renderIssue } from './report/issue-body.ts'
import { describeError, onSecretRegistered, redact } from './redact.ts'
import type { ClientReport, FailOn, Logger, Settings } from './types.ts'

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
  logCancellation()
  try {
    await runAction(early)
  } catch (error) {
    if (!(error instanceof InputError) && core.isDebug()) {
      core.debug(describeStack(error))
    }
    core.setFailed(describeError(error))
  } finally {
    // An early inspection that the run never used (because the clients file
    // was invalid) must not keep the process alive. Requests that close()
    // aborts would log retries after the run's last line, so that log is dropped.
    early?.log.attach(SILENT_LOG)
    early?.graph.close()
  }
}

/**
 * Says in the log why a run ended early. A runner cancels a step with SIGINT
 * and then SIGTERM. The order of each refresh (exchange, verify, write,
 * revoke) leaves every secret with its old token or a verified new one.
 */
function logCancellation(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      core.warning(
        `The run was cancelled (${signal}). Each secret holds its old token or a verified new one; the next run finishes the work.`,
      )
      process.exit(code)
    })
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
  const { tokens, secrets } = early?.passed ?? readPassedTokens(inputs)
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

  logDecisions(result.reports)
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
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && path === DEFAULT_CLIENTS_FILE) return []
    throw new InputError(
      code === 'ENOENT'
        ? `Input \`clients-file\` names ${path}, which does not exist. Fix the path or remove the input.`
        : code === 'EISDIR'
          ? `Input \`clients-file\`: ${path} is a directory. Set the input to the clients YAML file, such as ${DEFAULT_CLIENTS_FILE}.`
          : `Input \`clients-file\`: ${path} could not be read (${describeError(error)}). Check the path and the file's permissions.`,
    )
  }
  // The YAML parser loads only for a file outside the common layout.
  const entries = readCommonLayout(text)
  if (entries) return entries
  const { parseClientsDocument } = await import('./clients-file.ts')
  return parseClientsDocument(text, path)
}

/** Maximum number of decision lines in one write to the log. */
const DECISION_LINES_PER_WRITE = 500

/**
 * Logs one line per client, DECISION_LINES_PER_WRITE lines per write. A
 * runner reads the log more slowly than a loop writes it, so one write per
 * line would keep thousands of small pending writes in memory.
 */
function logDecisions(reports: ClientReport[]): void {
  for (
    let start = 0;
    start < reports.length;
    start += DECISION_LINES_PER_WRITE
  ) {
    const lines = reports
      .slice(start, start + DECISION_LINES_PER_WRITE)
      .map(decisionLine)
    core.info(lines.join('\n'))
  }
}

function decisionLine(report: ClientReport): string {
  const expiry = report.expiresAt
    ? report.expiresAt.slice(0, 10)
    : hasKnownExpiry(report)
      ? 'never'
      : 'unknown'
  return `${report.client} (${report.secret}): ${report.status}, ${report.tokenType}, expires ${expiry}. ${report.reason}`
}

/**
 * GitHub shows at most 10 error, 10 warning and 10 notice annotations per
 * step (actions/toolkit, docs/problem-matchers.md) and drops the rest. The
 * clients take at most this many of each kind, the most urgent first, so the
 * run's own errors and its final failure line stay visible.
 */
const CLIENT_ANNOTATIONS_PER_KIND = 8

function annotate(reports: ClientReport[]): void {
  const sorted = [...reports].sort(byPriorityThenExpiry)
  annotateKind(
    sorted.filter((report) => isActNow(report)),
    (report) => core.error(clientMessage(report), clientTitle(report)),
    (count) =>
      core.error(
        `${plural(count, 'more client')} expired, invalid or not checked: see the job summary or the tracking issue.`,
        { title: 'More clients to re-authorize' },
      ),
  )
  annotateKind(
    sorted.filter((report) => report.status === 'expiring'),
    (report) => core.warning(clientMessage(report), clientTitle(report)),
    (count) =>
      core.warning(
        `${plural(count, 'more client')} expiring soon: see the job summary or the tracking issue.`,
        { title: 'More clients expiring soon' },
      ),
  )
  annotateKind(
    sorted.filter(
      (report) =>
        report.needsMigration &&
        !isActNow(report) &&
        report.status !== 'expiring',
    ),
    (report) =>
      core.notice(
        `${report.client} still uses a ${report.tokenType} token; move it to a System User token.`,
        { title: `${report.client}: move to a System User token` },
      ),
    (count) =>
      core.notice(
        `${plural(count, 'more client')} to move to a System User token: see the job summary or the tracking issue.`,
        { title: 'More clients to move to a System User token' },
      ),
  )
}

/** Annotates each report, or the first ones and one line that counts the rest. */
function annotateKind(
  reports: ClientReport[],
  one: (report: ClientReport) => void,
  rest: (count: number) => void,
): void {
  if (reports.length <= CLIENT_ANNOTATIONS_PER_KIND) {
    reports.forEach(one)
    return
  }
  const shown = CLIENT_ANNOTATIONS_PER_KIND - 1
  reports.slice(0, shown).forEach(one)
  rest(reports.length - shown)
}

/** Joins the reason and the fix as two sentences, because a reason such as Meta's quoted error may lack its full stop. */
function clientMessage(report: ClientReport): string {
  if (!report.fix) return report.reason
  const reason = /[.!?]$/.test(report.reason)
    ? report.reason
    : `${report.reason}.`
  return `${reason} ${report.fix}`
}

function clientTitle(report: ClientReport): { title: string } {
  return { title: `${report.client}: ${report.status}` }
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
  // Each report is serialized once: the file and the output share the
  // pieces, and no string contains the whole array (several MB for thousands
  // of clients).
  const items = result.reports.map((report) => JSON.stringify(report))
  const reportFile = await writeReportFile(items)
  core.setOutput('report', reportOutput(result.reports, items))
  core.setOutput('report-file', reportFile)
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

/** GitHub caps an output at 1 MB; the `report` output stays below this many bytes. */
const MAX_REPORT_OUTPUT_BYTES = 1_000_000

/**
 * Returns the `report` output: every client, or, when that JSON would pass
 * GitHub's 1 MB limit, the clients a person must act on, as many as fit.
 * `report-file` always contains every client. `items` are the reports as JSON.
 */
function reportOutput(reports: ClientReport[], items: string[]): string {
  const bytes = items.reduce(
    (sum, item) => sum + Buffer.byteLength(item) + 1,
    1,
  )
  if (bytes <= MAX_REPORT_OUTPUT_BYTES) return `[${items.join(',')}]`

  const kept: string[] = []
  let keptBytes = 2
  for (const [index, report] of reports.entries()) {
    if (!needsPerson(report)) continue
    const item = items[index] as string
    keptBytes += Buffer.byteLength(item) + 1
    if (keptBytes > MAX_REPORT_OUTPUT_BYTES) break
    kept.push(item)
  }
  core.warning(
    `The report of ${plural(reports.length, 'client')} is over GitHub's 1 MB limit for an output, so \`report\` lists only ${plural(kept.length, 'client')} a person must act on. Read every client from the file named by \`report-file\`.`,
  )
  return `[${kept.join(',')}]`
}

/** Reports written to the file per chunk. */
const REPORT_FILE_CHUNK = 500

/**
 * Writes every client's report under RUNNER_TEMP as a JSON array, one client
 * per line, and returns the path. `items` are the reports as JSON.
 */
async function writeReportFile(items: string[]): Promise<string> {
  const directory = process.env.RUNNER_TEMP || tmpdir()
  const path = join(directory, `meta-token-keeper-report-${process.pid}.json`)
  await writeFile(path, jsonArrayChunks(items))
  return path
}

/** Yields a JSON array of `items` in pieces of REPORT_FILE_CHUNK lines. */
function* jsonArrayChunks(items: string[]): Generator<string> {
  yield '['
  for (let start = 0; start < items.length; start += REPORT_FILE_CHUNK) {
    const separator = start === 0 ? '\n' : ',\n'
    yield separator + items.slice(start, start + REPORT_FILE_CHUNK).join(',\n')
  }
  yield '\n]\n'
}

function failIfNeeded(failOn: FailOn, result: KeeperResult): void {
  // Without a summary file, the one line per client in the log is the list.
  const listedIn = process.env.GITHUB_STEP_SUMMARY
    ? 'the job summary'
    : 'the log above'
  const reason = failureReason(failOn, result, listedIn)
  if (reason) core.setFailed(reason)
}

/** The stack, redacted, for debug logging only (`ACTIONS_STEP_DEBUG`). */
function describeStack(error: unknown): string {
  return redact(
    error instanceof Error ? (error.stack ?? error.message) : String(error),
  )
}
