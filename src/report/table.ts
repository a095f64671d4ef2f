/**
 * Plain-text table of the report for a terminal: one row per client, people
 * must act on first, the reason cut to the terminal's width.
 */
import type { ClientReport } from '../types.ts'
import { needsAttention } from '../keeper.ts'
import { hasKnownExpiry } from './format.ts'

const HEADERS = ['Client', 'Status', 'Type', 'Expires', 'Reason'] as const

/** Renders `reports` as aligned columns no wider than `width` characters. */
export function renderTable(reports: ClientReport[], width: number): string {
  const ordered = [...reports].sort(
    (a, b) => Number(needsAttention(b)) - Number(needsAttention(a)),
  )
  const rows = ordered.map((report) => [
    report.client,
    report.status + (report.needsMigration ? '*' : ''),
    report.tokenType,
    report.expiresAt
      ? report.expiresAt.slice(0, 10)
      : hasKnownExpiry(report)
        ? 'never'
        : 'unknown',
    report.reason,
  ])

  const widths = HEADERS.slice(0, -1).map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const fixed = widths.reduce((sum, w) => sum + w + 2, 0)
  const reasonWidth = Math.max(20, width - fixed)

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
  return `${lines.join('\n')}\n`
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`
}
