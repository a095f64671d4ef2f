/**
 * The job summary: a heading, one line of counts, one table row per client
 * with the clients a person must act on first, and the run's notes.
 */
import type { ClientReport, RunTotals } from '../types.ts'
import {
  hasKnownExpiry,
  byPriorityThenExpiry,
  escapeSentence,
  escapeText,
  formatCount,
  formatDate,
  isActNow,
  statusLabel,
  tokenTypeLabel,
} from './format.ts'

export interface SummaryOptions {
  dryRun: boolean
  /** Run-level problems, one line each, already redacted. */
  notes: string[]
  /**
   * Largest summary in bytes (UTF-8). GitHub rejects a step summary over
   * 1 MiB, so rows past this size are counted instead. Default 1,000,000.
   */
  maxBytes?: number
}

const DEFAULT_MAX_BYTES = 1_000_000

const TABLE_HEADER = [
  '| Client | Status | Type | Expires | Written | Reason |',
  '| --- | --- | --- | --- | --- | --- |',
]

/** Renders the job summary in Markdown. A ClientReport contains no token, so neither does the summary. */
export function renderSummary(
  reports: ClientReport[],
  totals: RunTotals,
  options: SummaryOptions,
): string {
  const head = ['## Meta Token Keeper', '']
  if (options.dryRun) {
    head.push('> **Dry run:** nothing was exchanged, written or changed.', '')
  }
  head.push(countsLine(totals), '')

  const tail = notesBlock(options.notes)
  if (reports.length === 0) {
    return [...head, 'No client token was checked.', ...tail].join('\n') + '\n'
  }

  const rows = [...reports].sort(byUrgency).map(tableRow)
  const budget =
    (options.maxBytes ?? DEFAULT_MAX_BYTES) -
    byteLength([...head, ...TABLE_HEADER, ...tail].join('\n')) -
    400
  const shown = rowsWithin(rows, budget)

  const lines = [...head, ...TABLE_HEADER, ...rows.slice(0, shown)]
  if (shown < rows.length) {
    lines.push(
      '',
      `_${formatCount(rows.length - shown)} more clients are not shown, because GitHub limits a job summary to 1 MiB. The \`report\` output lists every client._`,
    )
  }
  return [...lines, ...tail].join('\n') + '\n'
}

function countsLine(totals: RunTotals): string {
  return [
    `**${formatCount(totals.checked)}** checked`,
    `**${formatCount(totals.refreshed)}** refreshed`,
    `**${formatCount(totals.attention)}** need a person`,
    `**${formatCount(totals.unfinished)}** not checked or not refreshed`,
  ].join(' · ')
}

/** Rank of a report in the table: who must act now, then expiring, then migrations, then the rest. */
function urgencyRank(report: ClientReport): number {
  if (isActNow(report)) return 0
  if (report.status === 'expiring') return 1
  if (report.needsMigration) return 2
  if (report.status === 'refreshed') return 3
  return 4
}

function byUrgency(a: ClientReport, b: ClientReport): number {
  return urgencyRank(a) - urgencyRank(b) || byPriorityThenExpiry(a, b)
}

function tableRow(report: ClientReport): string {
  const owner = report.owner ? ` · @${escapeText(report.owner)}` : ''
  const client = `${escapeText(report.client)} (\`${report.secret}\`)${owner}`
  const status =
    statusLabel(report.status) +
    (report.needsMigration ? ' · move to System User' : '')
  const fix = report.fix ? ` **Fix:** ${escapeSentence(report.fix)}` : ''
  const cells = [
    client,
    status,
    tokenTypeLabel(report.tokenType),
    expiresCell(report),
    writtenCell(report),
    escapeSentence(report.reason) + fix,
  ]
  return `| ${cells.join(' | ')} |`
}

function expiresCell(report: ClientReport): string {
  if (report.expiresAt !== null) return formatDate(report.expiresAt)
  return hasKnownExpiry(report) ? 'never' : 'unknown'
}

function writtenCell(report: ClientReport): string {
  if (!report.written) return 'no'
  return report.revoked ? 'yes, old token revoked' : 'yes'
}

function notesBlock(notes: string[]): string[] {
  if (notes.length === 0) return []
  return [
    '',
    '### Notes',
    '',
    ...notes.map((note) => `- ${escapeSentence(note)}`),
  ]
}

/** Number of leading rows whose lines fit in `budget` bytes. */
function rowsWithin(rows: string[], budget: number): number {
  let used = 0
  for (let index = 0; index < rows.length; index++) {
    used += byteLength(rows[index] as string) + 1
    if (used > budget) return index
  }
  return rows.length
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}
