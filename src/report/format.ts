/**
 * Helpers shared by the job summary, the tracking issue and the chart: dates,
 * priority order, status labels and Markdown escaping. Pure functions.
 */
import type { ClientReport, Priority, Status, TokenType } from '../types.ts'

const PRIORITY_RANK: Record<Priority, number> = { high: 0, normal: 1, low: 2 }

const STATUS_LABELS: Record<Status, string> = {
  expired: 'Expired',
  invalid: 'Invalid',
  error: 'Not checked',
  expiring: 'Expiring',
  refreshed: 'Refreshed',
  healthy: 'Healthy',
}

/** Order of statuses from most to least urgent. */
export const STATUS_ORDER: readonly Status[] = [
  'expired',
  'invalid',
  'error',
  'expiring',
  'refreshed',
  'healthy',
]

const TOKEN_TYPE_LABELS: Record<TokenType, string> = {
  USER: 'User',
  PAGE: 'Page',
  SYSTEM_USER: 'System User',
  APP: 'App',
  UNKNOWN: 'Unknown',
}

/** Formats an ISO 8601 string or a Date as `YYYY-MM-DD` in UTC; `unknown date` when it does not parse. */
export function formatDate(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value
  if (Number.isNaN(date.getTime())) return 'unknown date'
  return date.toISOString().slice(0, 10)
}

/** Returns the short label of a status, such as `Expired`. */
export function statusLabel(status: Status): string {
  return STATUS_LABELS[status]
}

/** Returns the label of a token type, such as `System User`. */
export function tokenTypeLabel(type: TokenType): string {
  return TOKEN_TYPE_LABELS[type]
}

/** True for the statuses that need a new token from a person now. */
export function isActNow(report: ClientReport): boolean {
  return (
    report.status === 'expired' ||
    report.status === 'invalid' ||
    report.status === 'error'
  )
}

/** True when a person must do something about this client. */
export function needsPerson(report: ClientReport): boolean {
  return (
    isActNow(report) || report.status === 'expiring' || report.needsMigration
  )
}

/** Parsed expiry of each report, since sorting thousands of clients compares each one many times. */
const expiryTimes = new WeakMap<ClientReport, number>()

function expiryTime(report: ClientReport): number {
  let time = expiryTimes.get(report)
  if (time === undefined) {
    const parsed =
      report.expiresAt === null ? Number.NaN : Date.parse(report.expiresAt)
    time = Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed
    expiryTimes.set(report, time)
  }
  return time
}

/** Compares by expiry, soonest first; tokens that never expire come last. */
export function compareExpiry(a: ClientReport, b: ClientReport): number {
  const left = expiryTime(a)
  const right = expiryTime(b)
  if (left === right) return 0
  return left < right ? -1 : 1
}

/** Compares by priority (high, normal, low). */
export function comparePriority(a: ClientReport, b: ClientReport): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority]
}

function compareSecret(a: ClientReport, b: ClientReport): number {
  if (a.secret === b.secret) return 0
  return a.secret < b.secret ? -1 : 1
}

/**
 * Compares by priority, then expiry (soonest first, never last), then secret
 * name, so that the same reports always sort the same way.
 */
export function byPriorityThenExpiry(a: ClientReport, b: ClientReport): number {
  return comparePriority(a, b) || compareExpiry(a, b) || compareSecret(a, b)
}

/** Compares by expiry, then priority, then secret name. */
export function byExpiryThenPriority(a: ClientReport, b: ClientReport): number {
  return compareExpiry(a, b) || comparePriority(a, b) || compareSecret(a, b)
}

/**
 * Escapes text for one line of Markdown: line breaks become spaces, `<`
 * cannot open an HTML comment or tag, `|` cannot end a table cell, and
 * emphasis and link characters show as themselves.
 */
export function escapeText(text: string): string {
  // Most names need nothing escaped, and returning them as they are saves a
  // copy of each name per rendering, for every client.
  if (!TEXT_TO_ESCAPE.test(text)) return text
  return collapseLines(text)
    .replace(/[\\`*_[\]|~>#]/g, (char) => `\\${char}`)
    .replace(/</g, '&lt;')
}

/** A character that escapeText changes, or whitespace that it trims. */
const TEXT_TO_ESCAPE = /^\s|\s$|[\r\n\\`*_[\]|~>#<]/

/**
 * Escapes a sentence written by this action or redacted from Meta: line
 * breaks become spaces and `<` and `|` are escaped, but backtick code spans
 * stay, because reasons and fixes name inputs such as `github-token`.
 */
export function escapeSentence(text: string): string {
  if (!SENTENCE_TO_ESCAPE.test(text)) return text
  return collapseLines(text).replace(/\|/g, '\\|').replace(/</g, '&lt;')
}

/** A character that escapeSentence changes, or whitespace that it trims. */
const SENTENCE_TO_ESCAPE = /^\s|\s$|[\r\n|<]/

function collapseLines(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

/**
 * Formats a whole number with thousands separators, such as `2,000`. Written
 * out rather than with `toLocaleString('en-US')`, whose first call loads
 * ICU's number-formatting data: about 4 MiB of resident memory (Node 24).
 */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** Returns `1 client` or `3 clients`. */
export function plural(
  count: number,
  noun: string,
  nouns = `${noun}s`,
): string {
  return `${formatCount(count)} ${count === 1 ? noun : nouns}`
}

/**
 * True when a null `expiresAt` means "never expires". Meta reports
 * `expires_at: 0` for invalidated tokens too, and a token that could not be
 * checked has no expiry at all, so for those null means unknown.
 */
export function hasKnownExpiry(report: ClientReport): boolean {
  return report.status !== 'invalid' && report.status !== 'error'
}
