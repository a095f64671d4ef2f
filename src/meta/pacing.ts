/**
 * How long to wait before the next Graph API request: exponential backoff
 * after a failure, and slowing down as Meta's rate-usage headers approach
 * the limit. Meta's rate-limiting guide recommends stopping once throttled
 * and waiting `estimated_time_to_regain_access`.
 */
import { z } from 'zod'
import type { HeaderReader } from './http.ts'

export interface BackoffOptions {
  baseMs: number
  capMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 }

/**
 * Returns the wait before retry number `retry` (1 for the first retry):
 * exponential backoff with full jitter, a uniform draw from
 * [0, min(cap, base × 2^(retry − 1))).
 */
export function backoffDelay(
  retry: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const exponent = Math.max(0, retry - 1)
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent)
  return Math.floor(random() * ceiling)
}

/** Meta's rate usage as read from the response headers. */
export interface RateUsage {
  /** Highest of call_count, total_time and total_cputime, in percent of the limit. */
  percent: number
  /** Meta's `estimated_time_to_regain_access` in ms, or null when it is missing or 0. */
  regainMs: number | null
}

const percentField = z.number().nonnegative().optional()

const UsageFields = z.looseObject({
  call_count: percentField,
  total_time: percentField,
  total_cputime: percentField,
  /** Minutes. */
  estimated_time_to_regain_access: percentField,
})

const BusinessUseCaseUsage = z.record(z.string(), z.array(UsageFields))

function parseJson(header: string | null): unknown {
  if (!header) return null
  try {
    return JSON.parse(header)
  } catch {
    return null
  }
}

function maxPercent(fields: z.infer<typeof UsageFields>): number {
  return Math.max(
    fields.call_count ?? 0,
    fields.total_time ?? 0,
    fields.total_cputime ?? 0,
  )
}

/** Reads `X-App-Usage: {"call_count":N,"total_cputime":N,"total_time":N}`, or returns null when it is absent or malformed. */
export function parseAppUsage(header: string | null): RateUsage | null {
  const parsed = UsageFields.safeParse(parseJson(header))
  if (!parsed.success) return null
  return { percent: maxPercent(parsed.data), regainMs: null }
}

/**
 * Reads `X-Business-Use-Case-Usage`, an object of business-object IDs to
 * lists of usage objects. Returns the highest percent and the longest regain
 * time over all of them, or null when the header is absent or malformed.
 */
export function parseBusinessUseCaseUsage(
  header: string | null,
): RateUsage | null {
  const parsed = BusinessUseCaseUsage.safeParse(parseJson(header))
  if (!parsed.success) return null

  const entries = Object.values(parsed.data).flat()
  if (entries.length === 0) return null
  const percent = Math.max(...entries.map(maxPercent))
  const regainMinutes = Math.max(
    ...entries.map((entry) => entry.estimated_time_to_regain_access ?? 0),
  )
  return {
    percent,
    regainMs: regainMinutes > 0 ? regainMinutes * 60_000 : null,
  }
}

/** Combines both usage headers of one response, or returns null when it has neither. */
export function readRateUsage(headers: HeaderReader): RateUsage | null {
  const app = parseAppUsage(headers.get('x-app-usage'))
  const business = parseBusinessUseCaseUsage(
    headers.get('x-business-use-case-usage'),
  )
  if (!app) return business
  if (!business) return app
  return {
    percent: Math.max(app.percent, business.percent),
    regainMs: business.regainMs,
  }
}

/** Usage in percent from which requests are spaced out. */
export const SLOWDOWN_FROM_PERCENT = 75
/** Wait in ms before each request just under 100 %, and less in proportion below. */
export const SLOWDOWN_MAX_MS = 10_000
/** Wait at 100 % when Meta gives no regain time. */
export const THROTTLED_WAIT_MS = 30_000

/**
 * Returns the wait before the next request for the last usage Meta reported.
 * Below 75 % there is none. From 75 % it grows linearly to 10 s just under
 * 100 %. At 100 % it is the regain time Meta gives, or 30 s without one.
 */
export function usageDelay(usage: RateUsage | null): number {
  if (!usage || usage.percent < SLOWDOWN_FROM_PERCENT) return 0
  if (usage.percent >= 100) return usage.regainMs ?? THROTTLED_WAIT_MS
  const share =
    (usage.percent - SLOWDOWN_FROM_PERCENT) / (100 - SLOWDOWN_FROM_PERCENT)
  return Math.round(share * SLOWDOWN_MAX_MS)
}
