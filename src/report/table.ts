/**
 * Plain-text report for a terminal: one row per client, the most urgent
 * first, then what a person should do, grouped by fix.
 */
import type { ClientReport } from '../types.ts'
import { needsAttention } from '../keeper.ts'
import { compareExpiry, hasKnownExpiry, STATUS_ORDER } from './format.ts'

const HEADERS = ['Client', 'Status', 'Type', 'Expires', 'Reason'] as const

/** The reason column never gets narrower than this, even on a narrow terminal. */
const MIN_REASON_WIDTH = 20

/** Clients named per fix before the rest are counted as "and N more". */
const NAMES_PER_FIX = 5

/**
 * Renders `reports` as aligned columns followed by a "What to do" list.
 * `width` is the terminal's width in characters: reasons are cut and fixes
 * wrapped to fit it. `Infinity` (output to a file or a pipe) cuts nothing.
 */
export function renderTable(reports: ClientReport[], width: number): string {
  if (reports.length === 0) return 'No client token was checked.\n'

  const rows = [...reports]
    .sort(byUrgency)
    .map((report) => [
      report.client,
      report.status + (report.needsMigration ? '*' : ''),
      report.tokenType,
      expiryCell(report),
      report.reason,
    ])

  const widths = HEADERS.slice(0, -1).map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const fixed = widths.reduce((sum, columnWidth) => sum + columnWidth + 2, 0)
  const reasonWidth = Math.max(MIN_REASON_WIDTH, width - fixed)

  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column < widths.length
          ? cell.padEnd(widths[column] ?? 0)
          : truncate(cell, reasonWidth),
      )
      .join('  ')
      .trimEnd()

  const lines = [format(HEADERS), ...rows.map(format)]
  if (reports.some((report) => report.needsMigration)) {
    lines.push(
      '',
      '* still on a user or Page token: move it to a System User token.',
    )
  }
  lines.push(...renderFixes(reports, width))
  return `${lines.join('\n')}\n`
}

/** Sorts by status (expired first, healthy last), a migration before a plain healthy token, then by expiry and secret. */
function byUrgency(a: ClientReport, b: ClientReport): number {
  return (
    urgencyRank(a) - urgencyRank(b) ||
    compareExpiry(a, b) ||
    a.secret.localeCompare(b.secret)
  )
}

function urgencyRank(report: ClientReport): number {
  const rank = STATUS_ORDER.indexOf(report.status) * 2
  return report.needsMigration ? rank : rank + 1
}

function expiryCell(report: ClientReport): string {
  if (report.expiresAt) return report.expiresAt.slice(0, 10)
  return hasKnownExpiry(report) ? 'never' : 'unknown'
}

/** Lists each distinct fix once with the clients it applies to, the most urgent first. */
function renderFixes(reports: ClientReport[], width: number): string[] {
  const byFix = new Map<string, string[]>()
  for (const report of [...reports].sort(byUrgency)) {
    if (!report.fix || !needsAttention(report)) continue
    const names = byFix.get(report.fix) ?? []
    names.push(report.client)
    byFix.set(report.fix, names)
  }
  if (byFix.size === 0) return []

  const lines = ['', 'What to do:']
  for (const [fix, names] of byFix) {
    lines.push(...wrap(`- ${nameList(names)}: ${fix}`, width, '  '))
  }
  return lines
}

function nameList(names: string[]): string {
  if (names.length <= NAMES_PER_FIX) return names.join(', ')
  const shown = names.slice(0, NAMES_PER_FIX).join(', ')
  return `${shown} and ${names.length - NAMES_PER_FIX} more`
}

/** Breaks `text` into lines of at most `width` characters at spaces; later lines start with `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  if (!Number.isFinite(width) || text.length <= width) return [text]
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`
    if (candidate.length > width && line.trim() !== '') {
      lines.push(line)
      line = `${indent}${word}`
    } else {
      line = candidate
    }
  }
  lines.push(line)
  return lines
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`
}
