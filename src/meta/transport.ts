/**
 * One place where Graph API requests go out: a bounded number in flight, a
 * timeout per request, a deadline for the whole run, backoff on transient
 * failures and a slowdown as Meta's rate usage nears the limit.
 */
import {
  GraphError,
  graphErrorFromFailure,
  graphErrorFromResponse,
} from './errors.ts'
import {
  backoffDelay,
  readRateUsage,
  SLOWDOWN_FROM_PERCENT,
  usageDelay,
  type RateUsage,
} from './pacing.ts'
import type { HeaderReader, HttpFetch } from './http.ts'
import { redact } from '../redact.ts'
import type { Logger } from '../types.ts'

export interface TransportOptions {
  apiUrl: string
  version: string
  fetch: HttpFetch
  timeoutMs: number
  maxAttempts: number
  deadlineMs: number
  concurrency: number
  log: Logger | null
  /** Waits `ms`; when `signal` aborts it may end early. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  random: () => number
  /** Monotonic clock in ms. */
  now: () => number
}

/** Counts of one client's requests, where `requests` is `batchRequests + singleRequests`. */
export interface GraphStats {
  requests: number
  batchRequests: number
  /** Requests that are not batches: debug_token, exchanges and revocations. */
  singleRequests: number
  /** Waits before a repeated attempt, including an item retried alone after its batch. */
  retries: number
  fallbackToSingle: boolean
}

export interface GraphRequest {
  method: 'GET' | 'POST'
  /** Path after the version, for example `debug_token`, or empty for a batch. */
  path: string
  /** Query parameters of a GET, form fields of a POST. */
  params: Record<string, string>
  /** True when `access_token` is the app access token. */
  appTokenRequest: boolean
  batch: boolean
}

export interface SendOptions {
  /** Start of the error message when the deadline passes, for example "could not be checked". */
  deadlineMessage: string
  /** A failure that already happened elsewhere, such as a batch item: the first attempt backs off as a retry. */
  previous?: { error: GraphError; attempts: number }
  /** Shared by the requests of one job, so the first fatal error stops the rest. */
  guard?: RequestGuard
}

/** Stops the requests of one job after an error that every request would hit. */
export interface RequestGuard {
  /** Throws when the job is to stop. Runs once a request slot is free. */
  check(): void
  /** Sees every failed attempt before its request slot is released. */
  record(error: unknown): void
}

/** Hands out at most `limit` slots, and gives a released slot to the oldest waiter. */
class Limiter {
  private active = 0
  private readonly waiting: Array<() => void> = []
  private readonly limit: number

  constructor(limit: number) {
    this.limit = Math.max(1, limit)
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++
      return
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.active--
  }
}

export class GraphTransport {
  readonly stats: GraphStats = {
    requests: 0,
    batchRequests: 0,
    singleRequests: 0,
    retries: 0,
    fallbackToSingle: false,
  }
  private readonly options: TransportOptions
  private readonly limiter: Limiter
  private readonly deadlineAt: number
  private readonly baseUrl: string
  private usage: RateUsage | null = null
  /** Aborted by `close`: stops requests in flight and waits between them. */
  private readonly closing = new AbortController()
  private slowdownLogged = false
  private throttleLogged = false

  constructor(options: TransportOptions) {
    this.options = options
    this.limiter = new Limiter(options.concurrency)
    this.deadlineAt = options.now() + options.deadlineMs
    this.baseUrl = `${options.apiUrl.replace(/\/+$/, '')}/${options.version}/`
  }

  /**
   * Stops every request in flight and every wait for a retry, so that a run
   * that ends early (an input error found after the first requests went out)
   * exits at once. Requests sent after `close` fail without reaching Meta.
   */
  close(): void {
    this.closing.abort()
  }

  /**
   * Sends `request` and returns its parsed JSON body. Transient failures are
   * retried with backoff up to `maxAttempts` attempts in all; any other
   * failure, and the last transient one, is thrown as a GraphError.
   */
  async send(request: GraphRequest, options: SendOptions): Promise<unknown> {
    let attempts = options.previous?.attempts ?? 0
    let lastError = options.previous?.error ?? null

    for (;;) {
      if (lastError)
        await this.backOff(attempts, lastError, options.deadlineMessage)
      try {
        return await this.attempt(request, options)
      } catch (error) {
        if (!(error instanceof GraphError) || !error.transient) throw error
        attempts++
        this.debug(
          `${this.label(request)} failed (${error.message}), attempt ${attempts}`,
        )
        if (attempts >= this.options.maxAttempts) throw error
        lastError = error
      }
    }
  }

  private async backOff(
    retry: number,
    error: GraphError,
    deadlineMessage: string,
  ): Promise<void> {
    let delay = backoffDelay(retry, this.options.random)
    const regainMs = error.kind === 'throttled' ? this.usage?.regainMs : null
    if (regainMs) delay = Math.max(delay, regainMs)
    this.ensureTimeFor(delay, deadlineMessage)
    this.stats.retries++
    await this.pause(delay)
    // The wait Meta requested is over, so usage stays unknown until the next response.
    if (regainMs) this.usage = null
  }

  private async attempt(
    request: GraphRequest,
    options: SendOptions,
  ): Promise<unknown> {
    await this.limiter.acquire()
    try {
      options.guard?.check()
      this.ensureOpen()
      await this.waitForRateUsage(options.deadlineMessage)
      this.ensureTimeFor(0, options.deadlineMessage)
      return await this.fetchOnce(request)
    } catch (error) {
      options.guard?.record(error)
      throw error
    } finally {
      this.limiter.release()
    }
  }

  private async fetchOnce(request: GraphRequest): Promise<unknown> {
    const timeoutMs = Math.max(
      1,
      Math.min(this.options.timeoutMs, this.remainingMs()),
    )
    this.count(request)

    try {
      const response = await this.options.fetch(this.url(request), {
        method: request.method,
        headers: this.headers(request),
        body:
          request.method === 'POST' ? formEncode(request.params) : undefined,
        signal: AbortSignal.any([
          AbortSignal.timeout(timeoutMs),
          this.closing.signal,
        ]),
      })
      const text = await response.text()
      this.observeUsage(response.headers)
      this.debug(`${this.label(request)}: HTTP ${response.status}`)
      return this.readBody(request, response.status, text)
    } catch (error) {
      throw graphErrorFromFailure(error, timeoutMs)
    }
  }

  private readBody(
    request: GraphRequest,
    status: number,
    text: string,
  ): unknown {
    const body = parseJson(text)
    const hasError =
      typeof body === 'object' && body !== null && 'error' in body
    if (status >= 400 || hasError) {
      throw graphErrorFromResponse(status, body, {
        appTokenRequest: request.appTokenRequest,
        version: this.options.version,
      })
    }
    if (body === undefined) {
      throw new GraphError(
        `${this.label(request)} returned a body that is not JSON (HTTP ${status})`,
        { kind: 'other', httpStatus: status },
      )
    }
    return body
  }

  private url(request: GraphRequest): string {
    const url = `${this.baseUrl}${request.path}`
    if (request.method === 'POST') return url
    return `${url}?${formEncode(request.params)}`
  }

  private headers(request: GraphRequest): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (request.method === 'POST')
      headers['content-type'] = 'application/x-www-form-urlencoded'
    return headers
  }

  private count(request: GraphRequest): void {
    this.stats.requests++
    if (request.batch) this.stats.batchRequests++
    else this.stats.singleRequests++
  }

  private observeUsage(headers: HeaderReader): void {
    const usage = readRateUsage(headers)
    if (usage) this.usage = usage
  }

  /** Waits the delay that the last reported rate usage calls for, and logs the first slowdown and the first stop. */
  private async waitForRateUsage(deadlineMessage: string): Promise<void> {
    const delay = usageDelay(this.usage)
    if (delay === 0 || !this.usage) return

    const seconds = Math.ceil(delay / 1000)
    if (this.usage.percent >= 100 && !this.throttleLogged) {
      this.throttleLogged = true
      this.options.log?.warning(
        `Meta reports the app at its rate limit; waiting ${seconds} s before the next request, as Meta recommends.`,
      )
    } else if (this.usage.percent < 100 && !this.slowdownLogged) {
      this.slowdownLogged = true
      this.options.log?.info(
        `Meta reports the app at ${this.usage.percent}% of its rate limit; waiting ${seconds} s before each request until usage drops below ${SLOWDOWN_FROM_PERCENT}%.`,
      )
    }
    this.ensureTimeFor(delay, deadlineMessage)
    await this.pause(delay)
    // A stop at 100 % is waited out once, and the next response reports the new usage.
    if ((this.usage?.percent ?? 0) >= 100) this.usage = null
  }

  /** Waits `ms`, or less when the transport is closed meanwhile. */
  private async pause(ms: number): Promise<void> {
    const { signal } = this.closing
    if (signal.aborted) return
    await new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done)
        resolve()
      }
      signal.addEventListener('abort', done)
      void this.options.sleep(ms, signal).then(done)
    })
  }

  private ensureOpen(): void {
    if (this.closing.signal.aborted) {
      throw new GraphError('the run stopped before this request was sent', {
        kind: 'other',
      })
    }
  }

  private remainingMs(): number {
    return this.deadlineAt - this.options.now()
  }

  /** Throws a transient GraphError when a wait of `delayMs` would pass the deadline. */
  private ensureTimeFor(delayMs: number, deadlineMessage: string): void {
    if (delayMs < this.remainingMs()) return
    const budget = formatDuration(this.options.deadlineMs)
    throw new GraphError(
      `${deadlineMessage} before the time budget of ${budget} ran out`,
      { kind: 'transient' },
    )
  }

  private label(request: GraphRequest): string {
    return `${request.method} /${this.options.version}/${request.path}`
  }

  private debug(message: string): void {
    this.options.log?.debug(redact(message))
  }
}

/** Parses `text` as JSON, or returns undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`
  if (ms >= 1000) return `${Math.round(ms / 1000)} s`
  return `${ms} ms`
}

/**
 * Encodes `params` as a query string or form body. URLSearchParams builds
 * each value one character at a time and, for a batch of 50 tokens,
 * allocates several times the body in short-lived strings. encodeURIComponent
 * builds it in one step. A form decoder reads `%20` as a space, as it reads `+`.
 */
export function formEncode(params: Record<string, string>): string {
  return Object.entries(params)
    .map(
      ([name, value]) =>
        `${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
    )
    .join('&')
}
