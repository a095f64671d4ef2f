/**
 * One Octokit per GitHub token, with the retry and throttling the `octokit`
 * package bundles, tuned for a job that makes a few dozen requests and must
 * never print a token.
 */
import Bottleneck from 'bottleneck'
import { STATUS_CODES } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { Octokit, RequestError } from 'octokit'
import { describeError, redact, registerSecret } from '../redact.ts'
import type { Logger } from '../types.ts'

export type { Octokit }

export interface OctokitOptions {
  token: string
  /** REST API root, for example `https://api.github.com`. */
  baseUrl: string
  log: Logger
  userAgent?: string
  /**
   * Minimum gap, in milliseconds, between the end of one mutating request
   * and the start of the next (1000 by default, as GitHub's REST best
   * practices ask). Requests that notify people (new issue, comment) start
   * at least three times as far apart. Tests pass 0.
   */
  writeSpacingMs?: number
  /** Milliseconds per unit of retry delay (retry-after seconds, backoff steps). Tests pass 0. */
  retryAfterBaseMs?: number
  /** Timeout of each attempt, in milliseconds. */
  timeoutMs?: number
}

const DEFAULT_USER_AGENT = 'meta-token-keeper'
const DEFAULT_TIMEOUT_MS = 30_000
/** Gap in ms between the end of one mutating request and the start of the next, as GitHub's REST best practices request. */
const DEFAULT_WRITE_GAP_MS = 1000
const MAX_RATE_LIMIT_RETRIES = 3
/** A rate-limit wait longer than this (seconds) fails the request instead of stalling the job. */
const MAX_RATE_LIMIT_WAIT_S = 15 * 60

/**
 * Statuses the retry plugin never retries: its defaults plus 429, which is
 * left to the throttling handlers below (they wait for the time the
 * rate-limit headers give), so the two plugins do not multiply each other's attempts.
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451]

/**
 * Creates the Octokit for one token. It retries 5xx and network errors 3
 * times with backoff (1, 4, 9 s) and rate limits up to 3 times after the wait
 * GitHub names. It serialises and spaces writes and logs one debug line per
 * request. The token is registered with `redact` before anything can print it.
 */
export function createOctokit(options: OctokitOptions): Octokit {
  const { log } = options
  registerSecret(options.token)
  const retryAfterBaseMs = options.retryAfterBaseMs ?? 1000

  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    log: {
      debug: (message: string) => log.debug(redact(message)),
      info: (message: string) => log.debug(redact(message)),
      warn: (message: string) => log.warning(redact(message)),
      error: (message: string) => log.error(redact(message)),
    },
    request: {
      fetch: fetchWithTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    },
    retry: { doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: retryAfterBaseMs },
    throttle: {
      onRateLimit: rateLimitHandler('rate limit', log),
      onSecondaryRateLimit: rateLimitHandler('secondary rate limit', log),
      retryAfterBaseValue: retryAfterBaseMs,
      ...writeGroups(options.writeSpacingMs),
    },
  })

  serialiseWrites(octokit, options.writeSpacingMs ?? DEFAULT_WRITE_GAP_MS)
  octokit.hook.wrap('request', async (request, endpoint) => {
    // Both plugins store `retryCount` on `endpoint.request`, an object that
    // Octokit shares between all requests of one instance. Without a copy per
    // request, the retry plugin's backoff ((retryCount + 1)² s) grows with
    // every retry of the run instead of starting at 1 s for each request.
    endpoint.request = { ...endpoint.request }
    const label = `${endpoint.method} ${routeOf(endpoint.url)}`
    try {
      const response = await request(endpoint)
      log.debug(`GitHub ${label}: ${response.status}`)
      return response
    } catch (error) {
      log.debug(`GitHub ${label}: ${githubErrorMessage(error)}`)
      throw error
    }
  })
  return octokit
}

/**
 * Runs mutating requests one at a time, each with its retries, and starts
 * each one at least `gapMs` after the previous one finished. GitHub's REST
 * best practices ask for serial requests and at least one second between
 * mutating ones. The throttling plugin's write group spaces only the starts
 * of writes, so network jitter could bring two of them to GitHub less than a
 * second apart; counting from the end of the previous write rules that out.
 */
function serialiseWrites(octokit: Octokit, gapMs: number): void {
  let queue: Promise<unknown> = Promise.resolve()
  let lastFinishedAt = Number.NEGATIVE_INFINITY
  octokit.hook.wrap('request', (request, endpoint) => {
    if (endpoint.method === 'GET' || endpoint.method === 'HEAD') {
      return request(endpoint)
    }
    const run = queue.then(async () => {
      const wait = lastFinishedAt + gapMs - performance.now()
      if (wait > 0) await sleep(wait)
      try {
        return await request(endpoint)
      } finally {
        lastFinishedAt = performance.now()
      }
    })
    queue = run.catch(() => undefined)
    return run
  })
}

/**
 * Returns one redacted line for a failed GitHub request: the status and
 * GitHub's `message`, never the URL, headers or request body.
 */
export function githubErrorMessage(error: unknown): string {
  if (!(error instanceof RequestError)) return describeError(error)

  if (error.response === undefined) {
    return redact(`no response from GitHub (${firstLine(error.message)})`)
  }
  const data: unknown = error.response.data
  const message =
    typeof data === 'object' &&
    data !== null &&
    'message' in data &&
    typeof data.message === 'string'
      ? data.message
      : (STATUS_CODES[error.status] ?? 'error')
  return redact(`${error.status} ${firstLine(message)}`)
}

/** Returns the status of a failed GitHub request, or null when none was received. */
export function githubStatus(error: unknown): number | null {
  return error instanceof RequestError && error.response !== undefined
    ? error.status
    : null
}

/**
 * True when GitHub refused a request for its primary or secondary rate limit
 * (403 or 429 with "rate limit" in the message), which is no sign of missing
 * permissions.
 */
export function isRateLimited(error: unknown): boolean {
  const status = githubStatus(error)
  return (
    (status === 403 || status === 429) &&
    /rate limit/i.test(githubErrorMessage(error))
  )
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim()
}

/** Route template for a log line: `/repos/{owner}/{repo}/…`, or a page URL's path without its query. */
function routeOf(url: string): string {
  const withoutQuery = url.split('?')[0] ?? ''
  return withoutQuery.replace(/^https?:\/\/[^/]+/, '')
}

/**
 * Wraps the global fetch (looked up per call, so test interceptors apply)
 * with a timeout per attempt. A timeout rejects like a network error, which
 * the retry plugin retries.
 */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = init?.signal
      ? AbortSignal.any([init.signal, timeout])
      : timeout
    return globalThis.fetch(input, { ...init, signal })
  }
}

type LimitHandler = (
  retryAfter: number,
  options: { method: string; url: string },
  octokit: unknown,
  retryCount: number,
) => boolean

/** Logs a rate-limit hit with its wait and decides whether the throttling plugin retries. */
function rateLimitHandler(kind: string, log: Logger): LimitHandler {
  return (retryAfter, options, _octokit, retryCount) => {
    const label = `${options.method} ${routeOf(options.url)}`
    if (retryCount >= MAX_RATE_LIMIT_RETRIES) {
      log.warning(
        `GitHub ${kind} hit on ${label}. Giving up after ${MAX_RATE_LIMIT_RETRIES} retries.`,
      )
      return false
    }
    if (retryAfter > MAX_RATE_LIMIT_WAIT_S) {
      log.warning(
        `GitHub ${kind} hit on ${label}. The requested wait of ${retryAfter} s exceeds ${MAX_RATE_LIMIT_WAIT_S} s, so the request fails.`,
      )
      return false
    }
    log.warning(
      redact(
        `GitHub ${kind} hit on ${label}. Retrying in ${retryAfter} s (retry ${retryCount + 1} of ${MAX_RATE_LIMIT_RETRIES}).`,
      ),
    )
    return true
  }
}

/**
 * Limiter groups that space the start of mutating requests. Without a
 * spacing the throttling plugin's own groups apply, shared by every Octokit
 * in the process (@octokit/plugin-throttling 11: `write` starts 1000 ms
 * apart, `notifications` 3000 ms apart).
 */
function writeGroups(spacingMs: number | undefined): {
  write?: Bottleneck.Group
  notifications?: Bottleneck.Group
} {
  if (spacingMs === undefined) return {}
  return {
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacingMs }),
    notifications: new Bottleneck.Group({
      maxConcurrent: 1,
      minTime: spacingMs * 3,
    }),
  }
}
