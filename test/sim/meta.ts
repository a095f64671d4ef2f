/**
 * A transport-free simulator of the Graph API endpoints a token keeper
 * uses: `debug_token`, the `fb_exchange_token` exchange, `oauth/revoke` and
 * batch requests, with Meta's error shapes, `X-App-Usage` headers, seeded
 * faults and a request log that never contains a token.
 */
import {
  accessTokenOf,
  checkProof,
  identifyCaller,
  isErrorSpec,
} from './meta-auth.ts'
import { runBatch, type BatchContext } from './meta-batch.ts'
import {
  APP_LIMIT_REACHED,
  errorBody,
  FOREIGN_APP,
  missingParameter,
  MUST_PROVIDE_APP_TOKEN,
  unknownPathComponents,
  unsupportedRequest,
  VERSION_REQUIRED,
  type MetaErrorSpec,
} from './meta-errors.ts'
import {
  faultError,
  META_FAULT_KINDS,
  META_ITEM_FAULT_KINDS,
} from './meta-faults.ts'
import { exchange, revoke } from './meta-oauth.ts'
import {
  debugTokenData,
  TokenStore,
  unreadableTokenData,
  type TokenRecord,
  type TokenSpec,
} from './meta-tokens.ts'
import { AppUsage } from './meta-usage.ts'
import { FaultPicker, ScriptBook, type ScriptResult } from './faults.ts'
import { looksLikeVersion, resolveVersion } from './graph-versions.ts'
import { base62, mulberry32 } from './random.ts'
import {
  realSleep,
  type FaultOptions,
  type RequestLogEntry,
  type SimRequest,
  type SimResponse,
  type Simulator,
  type Sleep,
} from './types.ts'

export type { TokenRecord, TokenSpec } from './meta-tokens.ts'
export { META_FAULT_KINDS, META_ITEM_FAULT_KINDS } from './meta-faults.ts'

export interface MetaFaultOptions extends FaultOptions {
  /** Share of batch items (0..1) that fail alone: code 500, `null` or a Graph error. */
  itemFailureRate?: number
  /** Kinds a failed item picks from; every item kind by default. */
  itemKinds?: string[]
}

export interface MetaSimulatorOptions {
  appId: string
  appSecret: string
  /** The app's name, shown as `application` by `debug_token`. */
  appName?: string
  /** Clock in Unix ms; `Date.now` by default. */
  now?: () => number
  faults?: MetaFaultOptions
  /** Added to every request (a batch counts once), in ms. */
  latencyMs?: number
  /** Seed of the token strings; 1 by default. */
  seed?: number
  /** The app's "Require App Secret" setting: calls without `appsecret_proof` fail. */
  requireProof?: boolean
  /** False makes every `debug_token` item of a batch fail, so a client must go one token at a time. */
  batchDebugTokenSupported?: boolean
  /**
   * `debug_token` of another app's token: `error` sends code 100 "did not
   * match the Viewing App" (the default), `data` shows the token's data.
   */
  foreignTokenReply?: 'error' | 'data'
  /** The app's hourly call limit behind `X-App-Usage`. */
  callsPerHour?: number
  sleep?: Sleep
}

/**
 * Route names that scripts attach to. A `batch_item` script gets each item
 * as a request of its own (method, and URL from its `relative_url`).
 */
export type MetaRoute =
  'debug_token' | 'exchange' | 'revoke' | 'batch' | 'batch_item'

export interface MetaCounters {
  /** HTTP requests, a batch counting once. */
  requests: number
  batchRequests: number
  batchItems: number
  /** `debug_token` calls, single or inside a batch. */
  debugTokens: number
  /** Exchange requests, whatever their outcome. */
  exchanges: number
  /** New token strings issued by exchanges. */
  tokensMinted: number
  revocations: number
  /** Requests and batch items failed by an injected fault. */
  faults: number
  /** Requests refused because usage reached 100 %. */
  throttled: number
}

/** The reply of one Graph call before headers are added. */
export interface CallReply {
  status: number
  body: unknown
}

export class MetaSimulator implements Simulator {
  readonly log: RequestLogEntry[] = []
  readonly counters: MetaCounters = {
    requests: 0,
    batchRequests: 0,
    batchItems: 0,
    debugTokens: 0,
    exchanges: 0,
    tokensMinted: 0,
    revocations: 0,
    faults: 0,
    throttled: 0,
  }
  readonly scripts = new ScriptBook()
  readonly app: { appId: string; appSecret: string; name: string }
  readonly #options: MetaSimulatorOptions
  readonly #store: TokenStore
  readonly #usage: AppUsage
  readonly #faults: FaultPicker
  readonly #trace: () => number
  readonly #now: () => number
  readonly #sleep: Sleep

  constructor(options: MetaSimulatorOptions) {
    this.#options = options
    this.app = {
      appId: options.appId,
      appSecret: options.appSecret,
      name: options.appName ?? 'Agency Token Keeper',
    }
    this.#store = new TokenStore(mulberry32(options.seed ?? 1))
    this.#usage = new AppUsage(options.callsPerHour)
    this.#faults = new FaultPicker(options.faults, META_FAULT_KINDS)
    this.#trace = mulberry32((options.seed ?? 1) ^ 0x5eed)
    this.#now = options.now ?? Date.now
    this.#sleep = options.sleep ?? realSleep
  }

  /** Adds a token Meta issued and returns its string. */
  addToken(spec: TokenSpec): string {
    return this.#store.add(spec, this.app.appId, this.#nowSeconds()).token
  }

  /** Returns the simulator's own truth about a token, or undefined for one Meta never issued. */
  inspect(token: string): Readonly<TokenRecord> | undefined {
    const record = this.#store.get(token)
    return record ? { ...record } : undefined
  }

  /** Returns every token the simulator stores, seeded or minted. */
  tokens(): Array<Readonly<TokenRecord>> {
    return [...this.#store.records()].map((record) => ({ ...record }))
  }

  /** Pins the `X-App-Usage` percentage; null goes back to counting calls. */
  setUsage(percent: number | null): void {
    this.#usage.force(percent)
  }

  /** Attaches a hook to a route; see ScriptBook. */
  script(
    route: MetaRoute,
    hook: (request: SimRequest) => ScriptResult,
  ): () => void {
    return this.scripts.add(route, hook)
  }

  /** Makes the next `times` requests of `route` fail with a fault kind. */
  failNext(route: MetaRoute, kind: string, times = 1): void {
    this.scripts.failNext(route, kind, times)
  }

  async handle(request: SimRequest): Promise<SimResponse> {
    await this.#sleep(this.#options.latencyMs ?? 0)
    this.counters.requests++
    const params = readParams(request)
    const target = this.#target(request)

    if ('error' in target) {
      this.#usage.record(this.#now())
      return this.#respond(request, target.label, params, null, {
        status: target.error.status,
        body: errorBody(target.error, this.#traceId()),
      })
    }

    const { route, version, rest } = target
    const calls = route === 'batch' ? batchSize(params) : 1
    this.#usage.record(this.#now(), calls)
    if (route === 'exchange') this.counters.exchanges++

    const fault = this.#fault(route, request, params)
    if (fault !== null) {
      this.counters.faults++
      return this.#faultResponse(fault, request, params, target)
    }
    if (this.#usage.percent(this.#now()) >= 100) {
      this.counters.throttled++
      return this.#respond(request, target.label, params, version, {
        status: APP_LIMIT_REACHED.status,
        body: errorBody(APP_LIMIT_REACHED, this.#traceId()),
      })
    }

    const reply =
      route === 'batch'
        ? await this.#batch(request, params, version)
        : this.call(request.method, rest, params, request.headers)
    return this.#respond(request, target.label, params, version, reply)
  }

  /**
   * Runs one Graph call: `rest` is the path after the version. Batch items
   * come through here too, with the batch's access token filled in.
   */
  call(
    method: string,
    rest: string,
    params: URLSearchParams,
    headers: Record<string, string>,
  ): CallReply {
    switch (routeOf(method, rest)) {
      case 'debug_token':
        return this.#debugToken(method, params, headers)
      case 'exchange':
        return this.#oauth(
          exchange(params, this.app, this.#store, this.#nowSeconds()),
        )
      case 'revoke':
        return this.#oauth(this.#revoke(params, headers))
      default:
        return this.#error(
          unsupportedRequest(method, rest.split('/')[0] || null),
        )
    }
  }

  #debugToken(
    method: string,
    params: URLSearchParams,
    headers: Record<string, string>,
  ): CallReply {
    this.counters.debugTokens++
    if (method !== 'GET') return this.#error(unsupportedRequest(method, null))

    const accessToken = accessTokenOf(params, headers)
    if (!accessToken) return this.#error(MUST_PROVIDE_APP_TOKEN)
    const now = this.#nowSeconds()
    const caller = identifyCaller(accessToken, this.app, this.#store, now)
    if (isErrorSpec(caller)) return this.#error(caller)
    // NOTE: an app developer's own user token may inspect too (Meta's docs);
    // the simulator models no developers, so only the app token inspects.
    if (caller.kind !== 'app') return this.#error(MUST_PROVIDE_APP_TOKEN)
    const proofError = checkProof(
      params,
      accessToken,
      this.app.appSecret,
      this.#options.requireProof ?? false,
      now,
    )
    if (proofError) return this.#error(proofError)

    const input = params.get('input_token')
    if (!input) return this.#error(missingParameter('input_token'))
    const record = this.#store.get(input)
    if (!record)
      return { status: 200, body: { data: unreadableTokenData(input) } }
    if (
      record.appId !== this.app.appId &&
      (this.#options.foreignTokenReply ?? 'error') === 'error'
    ) {
      return this.#error(FOREIGN_APP)
    }
    return {
      status: 200,
      body: { data: debugTokenData(record, this.app, now) },
    }
  }

  #revoke(params: URLSearchParams, headers: Record<string, string>) {
    this.counters.revocations++
    const accessToken = accessTokenOf(params, headers)
    const now = this.#nowSeconds()
    if (accessToken) {
      const proofError = checkProof(
        params,
        accessToken,
        this.app.appSecret,
        this.#options.requireProof ?? false,
        now,
      )
      if (proofError) return { ok: false as const, error: proofError }
    }
    return revoke(params, accessToken, this.app, this.#store, now)
  }

  #oauth(outcome: ReturnType<typeof exchange>): CallReply {
    if (!outcome.ok) return this.#error(outcome.error)
    if (outcome.minted) this.counters.tokensMinted++
    return { status: 200, body: outcome.body }
  }

  async #batch(
    request: SimRequest,
    params: URLSearchParams,
    version: string | null,
  ): Promise<CallReply> {
    this.counters.batchRequests++
    const context: BatchContext = {
      app: this.app,
      store: this.#store,
      nowSeconds: this.#nowSeconds(),
      requireProof: this.#options.requireProof ?? false,
      debugTokenSupported: this.#options.batchDebugTokenSupported ?? true,
      version,
      itemFailureRate: this.#options.faults?.itemFailureRate ?? 0,
      itemKinds: itemKinds(this.#options.faults?.itemKinds),
      faults: this.#faults,
      scripts: this.scripts,
      call: (method, rest, itemParams) =>
        this.call(method, rest, itemParams, {}),
      error: (spec) => this.#error(spec),
      errorBody: (spec) => errorBody(spec, this.#traceId()),
      onItem: (entry) => {
        this.counters.batchItems++
        if (entry.fault) this.counters.faults++
        this.log.push({ ...entry, time: this.#now() })
      },
    }
    return runBatch(request, params, request.headers, context)
  }

  #target(request: SimRequest):
    | {
        route: MetaRoute | 'other'
        version: string | null
        rest: string
        label: string
      }
    | { error: MetaErrorSpec; label: string } {
    const path = request.url.pathname.replace(/^\/+/, '')
    const [first = '', ...others] = path.split('/')
    if (path === '' || (looksLikeVersion(first) && others.join('/') === '')) {
      const version = path === '' ? null : first
      if (version !== null && !resolveVersion(version, this.#now()).ok) {
        return {
          error: unknownPathComponents(''),
          label: `${request.method} /{version}/`,
        }
      }
      const served =
        version === null ? null : servedVersion(version, this.#now())
      return request.method === 'POST'
        ? {
            route: 'batch',
            version: served,
            rest: '',
            label: `POST ${version ? '/{version}/' : '/'}`,
          }
        : {
            error: unsupportedRequest(request.method, null),
            label: `${request.method} /`,
          }
    }
    if (!looksLikeVersion(first)) {
      return { error: VERSION_REQUIRED, label: `${request.method} /${first}` }
    }
    const rest = others.join('/')
    const resolved = resolveVersion(first, this.#now())
    if (!resolved.ok) {
      return {
        error: unknownPathComponents(rest),
        label: `${request.method} /{version}/${rest}`,
      }
    }
    const route = routeOf(request.method, rest)
    return {
      route,
      version: resolved.served,
      rest,
      label: `${request.method} /{version}/${route === 'other' ? '{path}' : rest}`,
    }
  }

  #fault(
    route: MetaRoute | 'other',
    request: SimRequest,
    params: URLSearchParams,
  ): string | SimResponse | null {
    if (route !== 'other') {
      const scripted = this.scripts.run(route, request)
      if (scripted !== undefined) return scripted
    }
    return this.#faults.next(faultTarget(route, params))
  }

  async #faultResponse(
    fault: string | SimResponse,
    request: SimRequest,
    params: URLSearchParams,
    target: { version: string | null; label: string },
  ): Promise<SimResponse> {
    if (typeof fault !== 'string') {
      this.#logEntry(
        request,
        target.label,
        params,
        target.version,
        fault.status,
        'script',
      )
      return fault
    }
    if (fault === 'hang') {
      await this.#sleep(this.#options.faults?.hangMs ?? 30_000)
    }
    if (fault === 'drop' || fault === 'hang') {
      this.#logEntry(request, target.label, params, target.version, 0, fault)
      return { status: 0, headers: {}, body: '', drop: true }
    }
    const spec = faultError(fault)
    const reply: CallReply = spec
      ? { status: spec.status, body: errorBody(spec, this.#traceId()) }
      : { status: fault === 'http503' ? 503 : 500, body: null }
    return this.#respond(
      request,
      target.label,
      params,
      target.version,
      reply,
      fault,
    )
  }

  #respond(
    request: SimRequest,
    label: string,
    params: URLSearchParams,
    version: string | null,
    reply: CallReply,
    fault?: string,
  ): SimResponse {
    this.#logEntry(request, label, params, version, reply.status, fault)
    const headers: Record<string, string> = {
      'x-app-usage': this.#usage.header(this.#now()),
      'x-fb-trace-id': this.#traceId(),
    }
    if (version) headers['facebook-api-version'] = version
    if (reply.body === null) {
      headers['content-type'] = 'text/html; charset=utf-8'
      const text = reply.status === 503 ? 'Service Unavailable' : ''
      return { status: reply.status, headers, body: text }
    }
    headers['content-type'] = 'application/json; charset=UTF-8'
    return { status: reply.status, headers, body: JSON.stringify(reply.body) }
  }

  #logEntry(
    request: SimRequest,
    route: string,
    params: URLSearchParams,
    version: string | null,
    status: number,
    fault?: string,
  ): void {
    const entry: RequestLogEntry = {
      time: this.#now(),
      method: request.method,
      route,
      status,
      params: [...new Set(params.keys())],
      version,
    }
    if (fault) entry.fault = fault
    this.log.push(entry)
  }

  #error(spec: MetaErrorSpec): CallReply {
    return { status: spec.status, body: errorBody(spec, this.#traceId()) }
  }

  #traceId(): string {
    return `A${base62(this.#trace, 10)}`
  }

  #nowSeconds(): number {
    return Math.floor(this.#now() / 1000)
  }
}

/** Returns the call and the token (or batch) it concerns, the target that `maxInARow` counts by. */
function faultTarget(route: string, params: URLSearchParams): string {
  const subject =
    params.get('input_token') ??
    params.get('fb_exchange_token') ??
    params.get('revoke_token') ??
    params.get('batch') ??
    ''
  return `${route} ${subject}`
}

/** Returns the requested item kinds that the simulator has, or all of them. */
function itemKinds(wanted: string[] | undefined): readonly string[] {
  const known: readonly string[] = META_ITEM_FAULT_KINDS
  const kinds = wanted?.filter((kind) => known.includes(kind))
  return kinds && kinds.length > 0 ? kinds : known
}

function routeOf(method: string, rest: string): MetaRoute | 'other' {
  if (rest === 'debug_token') return 'debug_token'
  if (rest === 'oauth/access_token') return 'exchange'
  if (rest === 'oauth/revoke') return 'revoke'
  return method === 'POST' && rest === '' ? 'batch' : 'other'
}

function servedVersion(version: string, now: number): string | null {
  const resolved = resolveVersion(version, now)
  return resolved.ok ? resolved.served : null
}

/** Query parameters, and for a form POST the form fields too. */
function readParams(request: SimRequest): URLSearchParams {
  const params = new URLSearchParams(request.url.searchParams)
  const type = request.headers['content-type'] ?? ''
  if (
    request.method !== 'GET' &&
    type.includes('application/x-www-form-urlencoded')
  ) {
    for (const [key, value] of new URLSearchParams(request.body)) {
      params.append(key, value)
    }
  }
  return params
}

/** Calls a batch counts against the rate limit: its items, or 1 when unreadable. */
function batchSize(params: URLSearchParams): number {
  try {
    const items: unknown = JSON.parse(params.get('batch') ?? '')
    return Array.isArray(items) ? Math.max(1, items.length) : 1
  } catch {
    return 1
  }
}
