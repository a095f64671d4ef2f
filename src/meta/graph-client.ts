/**
 * The Graph API calls of a run: `debug_token` for many tokens at once through
 * batch requests, the `fb_exchange_token` exchange and `oauth/revoke`. Every
 * call authenticates with the app access token `APP_ID|APP_SECRET` and its
 * `appsecret_proof`, or with `client_id` and `client_secret`.
 */
import { createHmac } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'
import { registerSecret } from '../redact.ts'
import type { Logger } from '../types.ts'
import { MAX_BATCH_SIZE } from './batch.ts'
import { GraphError } from './errors.ts'
import { HttpConnections, type HttpFetch } from './http.ts'
import { Inspector, type Inspection } from './inspector.ts'
import { GraphTransport, type GraphStats } from './transport.ts'

export type { Inspection } from './inspector.ts'
export type { GraphStats } from './transport.ts'

export interface GraphClientOptions {
  appId: string
  appSecret: string
  /** Base URL without the version, for example https://graph.facebook.com. */
  apiUrl: string
  /** Graph API version, for example v27.0. */
  version: string
  /** Sends one HTTP request; by default over the client's own node:http and node:https connections. */
  fetch?: HttpFetch
  /** Timeout of each request in ms, 10 s by default. */
  timeoutMs?: number
  /** Attempts per request including the first, 5 by default. */
  maxAttempts?: number
  /** Time budget in ms of all requests, counted from construction, 5 min by default. */
  deadlineMs?: number
  /** `debug_token` requests per batch, at most and by default 50. */
  batchSize?: number
  /** Batches or single requests in flight, 4 by default. */
  concurrency?: number
  log?: Logger
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Uniform in [0, 1), for the backoff jitter. */
  random?: () => number
  /** Monotonic clock in ms for the deadline, `performance.now` by default. */
  now?: () => number
  /** Called as chunks of tokens are inspected, for a progress line. */
  onProgress?: (inspected: number, total: number) => void
}

const ExchangeBody = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z
    .union([z.number(), z.string().regex(/^\d+$/)])
    .transform(Number)
    .optional(),
})

export class GraphClient {
  private readonly options: GraphClientOptions
  private readonly transport: GraphTransport
  private readonly inspector: Inspector
  private readonly appToken: string
  private readonly appsecretProof: string
  private readonly connections = new HttpConnections()
  /** Inspections started by `prefetch`, by token, until `inspect` uses them. */
  private prefetched: Promise<Map<string, Inspection>> | null = null

  /** Throws a GraphError of kind `version` when `version` is not of the form v27.0. */
  constructor(options: GraphClientOptions) {
    if (!/^v\d+\.\d+$/.test(options.version)) {
      throw new GraphError(
        `Graph API version "${options.version}" is not of the form v27.0: set \`graph-api-version\` to a version such as v27.0.`,
        { kind: 'version' },
      )
    }
    this.options = options
    registerSecret(options.appSecret)
    this.appToken = registerSecret(`${options.appId}|${options.appSecret}`)
    this.appsecretProof = createHmac('sha256', options.appSecret)
      .update(this.appToken)
      .digest('hex')
    const concurrency = options.concurrency ?? 4
    this.transport = new GraphTransport({
      apiUrl: options.apiUrl,
      version: options.version,
      fetch: options.fetch ?? this.connections.fetch,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxAttempts: Math.max(1, options.maxAttempts ?? 5),
      deadlineMs: options.deadlineMs ?? 5 * 60_000,
      concurrency,
      log: options.log ?? null,
      sleep: options.sleep ?? defaultSleep,
      random: options.random ?? Math.random,
      now: options.now ?? (() => performance.now()),
    })
    this.inspector = new Inspector({
      transport: this.transport,
      appToken: this.appToken,
      appsecretProof: this.appsecretProof,
      version: options.version,
      concurrency,
      batchSize: Math.min(
        MAX_BATCH_SIZE,
        Math.max(1, options.batchSize ?? MAX_BATCH_SIZE),
      ),
      log: options.log ?? null,
      onProgress: options.onProgress,
    })
  }

  get stats(): Readonly<GraphStats> {
    return this.transport.stats
  }

  /**
   * Inspects every token with `debug_token` and returns one inspection per
   * token, in input order. Tokens go out in batches of up to 50; when Meta
   * rejects `debug_token` inside a batch, the rest go one request at a time.
   * Throws one GraphError of kind `credentials` (or `version`) when Meta
   * rejects the app ID, app secret or Graph API version.
   */
  async inspect(tokens: string[]): Promise<Inspection[]> {
    const prefetched = this.prefetched
    if (!prefetched) return this.inspector.inspect(tokens)
    this.prefetched = null
    const known = await prefetched
    const missing = [...new Set(tokens.filter((token) => !known.has(token)))]
    if (missing.length > 0) {
      const more = await this.inspector.inspect(missing)
      missing.forEach((token, index) =>
        known.set(token, more[index] as Inspection),
      )
    }
    return tokens.map((token) => known.get(token) as Inspection)
  }

  /**
   * Starts inspecting `tokens` at once, so that Meta works on them while the
   * rest of the run loads and reads its files. The next `inspect` uses these
   * results and requests only the tokens that were not prefetched. A
   * credentials or version error is thrown by that `inspect`, as without a
   * prefetch.
   */
  prefetch(tokens: string[]): void {
    const unique = [...new Set(tokens)]
    const answers = this.inspector
      .inspect(unique)
      .then(
        (inspections) =>
          new Map(unique.map((token, index) => [token, inspections[index]])),
      ) as Promise<Map<string, Inspection>>
    // A run that stops early never awaits the prefetch, so its rejection is
    // caught here to keep it from being reported as unhandled.
    answers.catch(() => undefined)
    this.prefetched = answers
  }

  /** Stops requests in flight and waits between retries; later calls fail without reaching Meta. */
  close(): void {
    this.transport.close()
    this.connections.close()
  }

  /** Inspects one token with a single `debug_token` request; never throws a GraphError. */
  inspectOne(token: string): Promise<Inspection> {
    return this.inspector.inspectOne(token)
  }

  /**
   * Exchanges `token` through `oauth/access_token` with
   * `grant_type=fb_exchange_token`; a System User token also sends
   * `set_token_expires_in_60_days=true`. Meta keeps the old token valid, so a
   * transient failure is retried. `expiresIn` is in seconds, null when Meta
   * gives none.
   */
  async exchange(
    token: string,
    kind: 'user' | 'system-user',
  ): Promise<{ accessToken: string; expiresIn: number | null }> {
    registerSecret(token)
    const params: Record<string, string> = {
      grant_type: 'fb_exchange_token',
      client_id: this.options.appId,
      client_secret: this.options.appSecret,
      fb_exchange_token: token,
    }
    if (kind === 'system-user') params.set_token_expires_in_60_days = 'true'

    const body = await this.transport.send(
      {
        method: 'GET',
        path: 'oauth/access_token',
        params,
        appTokenRequest: false,
        batch: false,
      },
      { deadlineMessage: 'the exchange could not finish' },
    )
    return readExchange(body)
  }

  /** Revokes `token` through `oauth/revoke`, and throws a GraphError unless Meta confirms with `success: true`. */
  async revoke(token: string): Promise<void> {
    registerSecret(token)
    const body = await this.transport.send(
      {
        method: 'GET',
        path: 'oauth/revoke',
        params: {
          client_id: this.options.appId,
          client_secret: this.options.appSecret,
          revoke_token: token,
          access_token: this.appToken,
          appsecret_proof: this.appsecretProof,
        },
        appTokenRequest: true,
        batch: false,
      },
      { deadlineMessage: 'the revocation could not finish' },
    )
    const success = (body as { success?: unknown } | null)?.success
    if (success !== true && success !== 'true') {
      throw new GraphError('Meta did not confirm the revocation', {
        kind: 'other',
      })
    }
  }
}

/** Registers the new token as a secret before anything else reads the body. */
function readExchange(body: unknown): {
  accessToken: string
  expiresIn: number | null
} {
  const raw = (body as { access_token?: unknown } | null)?.access_token
  if (typeof raw === 'string') registerSecret(raw)

  const parsed = ExchangeBody.safeParse(body)
  if (!parsed.success) {
    throw new GraphError('the exchange returned no access token', {
      kind: 'other',
    })
  }
  return {
    accessToken: parsed.data.access_token,
    expiresIn: parsed.data.expires_in ?? null,
  }
}

/** Waits `ms`; an abort ends the wait early and clears its timer, so a closed client keeps no process alive. */
function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined)
}
