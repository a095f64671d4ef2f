/**
 * Graph API batch requests: a form POST with `batch` (a JSON array of at
 * most 50 `{method, relative_url}`), a top-level `access_token` that every
 * item falls back to, and a reply in request order of `{code, headers?,
 * body}` where `body` is a JSON-encoded string. A partial timeout leaves
 * `null` in place of an item.
 */
import {
  accessTokenOf,
  checkProof,
  identifyCaller,
  isErrorSpec,
  type AppCredentials,
} from './meta-auth.ts'
import {
  missingParameter,
  TOO_MANY_IN_BATCH,
  unknownPathComponents,
  VERSION_REQUIRED,
  type MetaErrorSpec,
} from './meta-errors.ts'
import { faultError, ITEM_500_BODY } from './meta-faults.ts'
import type { TokenStore } from './meta-tokens.ts'
import type { FaultPicker, ScriptBook } from './faults.ts'
import { looksLikeVersion, resolveVersion } from './graph-versions.ts'
import type { RequestLogEntry, SimRequest } from './types.ts'

/** Meta's limit of requests in one batch. */
export const MAX_BATCH_ITEMS = 50

export interface BatchContext {
  app: AppCredentials
  store: TokenStore
  nowSeconds: number
  requireProof: boolean
  debugTokenSupported: boolean
  /** Version the batch was posted to, or null for `POST /`. */
  version: string | null
  itemFailureRate: number
  itemKinds: readonly string[]
  faults: FaultPicker
  scripts: ScriptBook
  call(
    method: string,
    rest: string,
    params: URLSearchParams,
  ): {
    status: number
    body: unknown
  }
  error(spec: MetaErrorSpec): { status: number; body: unknown }
  /** An error body with a trace id, as the simulator sends it. */
  errorBody(spec: MetaErrorSpec): object
  onItem(entry: Omit<RequestLogEntry, 'time'>): void
}

interface BatchRequestItem {
  method?: unknown
  relative_url?: unknown
}

/**
 * NOTE: Meta's docs do not say whether `debug_token` works inside a batch.
 * This reply, for apps where it does not, is the simulator's own.
 */
const DEBUG_TOKEN_NOT_IN_BATCH: MetaErrorSpec = {
  status: 400,
  code: 100,
  message: '(#100) debug_token is not supported in batch requests',
}

const ITEM_HEADERS = [
  { name: 'Content-Type', value: 'text/javascript; charset=UTF-8' },
  {
    name: 'Cache-Control',
    value: 'private, no-cache, no-store, must-revalidate',
  },
]

/** Runs a batch and returns the reply: an array of items, or a top-level error. */
export function runBatch(
  request: SimRequest,
  params: URLSearchParams,
  headers: Record<string, string>,
  context: BatchContext,
): { status: number; body: unknown } {
  const items = readItems(params.get('batch'))
  if (!Array.isArray(items)) return context.error(items)

  const accessToken = accessTokenOf(params, headers)
  if (!accessToken) return context.error(missingParameter('access_token'))
  const caller = identifyCaller(
    accessToken,
    context.app,
    context.store,
    context.nowSeconds,
  )
  if (isErrorSpec(caller)) return context.error(caller)
  const proofError = checkProof(
    params,
    accessToken,
    context.app.appSecret,
    context.requireProof,
    context.nowSeconds,
  )
  if (proofError) return context.error(proofError)

  const withHeaders = params.get('include_headers') !== 'false'
  const fallback = { accessToken, proof: params.get('appsecret_proof') }
  const replies = items.map((item) =>
    runItem(item, request, fallback, withHeaders, context),
  )
  return { status: 200, body: replies }
}

function readItems(text: string | null): BatchRequestItem[] | MetaErrorSpec {
  if (!text) return missingParameter('batch')
  let items: unknown
  try {
    items = JSON.parse(text)
  } catch {
    return {
      status: 400,
      code: 100,
      message: '(#100) The parameter batch must be a JSON array',
    }
  }
  if (!Array.isArray(items) || items.length === 0) {
    return {
      status: 400,
      code: 100,
      message: '(#100) The parameter batch must be a JSON array',
    }
  }
  if (items.length > MAX_BATCH_ITEMS) return TOO_MANY_IN_BATCH
  return items as BatchRequestItem[]
}

function runItem(
  item: BatchRequestItem,
  request: SimRequest,
  fallback: { accessToken: string; proof: string | null },
  withHeaders: boolean,
  context: BatchContext,
): object | null {
  const method =
    typeof item.method === 'string' ? item.method.toUpperCase() : 'GET'
  const relative =
    typeof item.relative_url === 'string' ? item.relative_url : ''
  const [pathPart = '', query = ''] = relative.replace(/^\/+/, '').split('?', 2)
  const params = new URLSearchParams(query)
  const route = `${method} /{version}/${pathPart.replace(/^v\d+(\.\d+)?\//, '')}`
  const log = (status: number, fault?: string) =>
    context.onItem({
      method,
      route,
      status,
      params: [...new Set(params.keys())],
      version: context.version,
      batchItem: true,
      ...(fault ? { fault } : {}),
    })

  const fault = itemFault(
    itemRequest(request, method, relative),
    relative,
    context,
  )
  if (fault === 'itemNull') {
    log(0, fault)
    return null
  }
  if (fault !== null) {
    const spec = faultError(fault)
    const code = spec?.status ?? 500
    const body = spec ? JSON.stringify(context.errorBody(spec)) : ITEM_500_BODY
    log(code, fault)
    return withHeaders ? { code, headers: ITEM_HEADERS, body } : { code, body }
  }

  if (!params.has('access_token')) {
    params.set('access_token', fallback.accessToken)
    if (fallback.proof) params.set('appsecret_proof', fallback.proof)
  }
  const reply = dispatchItem(method, pathPart, params, context)
  log(reply.status)
  const body = JSON.stringify(reply.body)
  return withHeaders
    ? { code: reply.status, headers: ITEM_HEADERS, body }
    : { code: reply.status, body }
}

/** Builds the item as a request of its own, for scripts that pick items by URL. */
function itemRequest(
  batch: SimRequest,
  method: string,
  relative: string,
): SimRequest {
  const base = batch.baseUrl ?? batch.url.origin
  const path = relative.startsWith('/') ? relative : `/${relative}`
  return {
    method,
    url: new URL(path, base),
    headers: batch.headers,
    body: '',
    baseUrl: batch.baseUrl,
  }
}

/** Picks an item's fault: a scripted one first, then a seeded one. */
function itemFault(
  request: SimRequest,
  relativeUrl: string,
  context: BatchContext,
): string | null {
  const scripted = context.scripts.run('batch_item', request)
  if (typeof scripted === 'string') return scripted
  return context.faults.nextOf(
    context.itemFailureRate,
    context.itemKinds,
    `batch_item ${relativeUrl}`,
  )
}

/** Resolves an item's version (its own, or the batch's) and runs it. */
function dispatchItem(
  method: string,
  pathPart: string,
  params: URLSearchParams,
  context: BatchContext,
): { status: number; body: unknown } {
  const [first = '', ...others] = pathPart.split('/')
  let rest = pathPart
  if (looksLikeVersion(first)) {
    rest = others.join('/')
    const resolved = resolveVersion(first, context.nowSeconds * 1000)
    if (!resolved.ok) return context.error(unknownPathComponents(rest))
  } else if (context.version === null) {
    return context.error(VERSION_REQUIRED)
  }
  if (rest === 'debug_token' && !context.debugTokenSupported) {
    return context.error(DEBUG_TOKEN_NOT_IN_BATCH)
  }
  return context.call(method, rest, params)
}
