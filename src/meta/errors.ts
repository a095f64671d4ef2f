/**
 * Graph API failures as one error class with a named kind, so callers handle
 * a rejected app secret, an expired token and a throttled app each by name.
 * Codes follow Meta's error-handling and rate-limiting guides.
 */
import { z } from 'zod'
import { describeError, redact } from '../redact.ts'

export type GraphErrorKind =
  | 'credentials'
  | 'token'
  | 'throttled'
  | 'transient'
  | 'permission'
  | 'version'
  | 'other'

export interface GraphErrorDetails {
  kind: GraphErrorKind
  /** Defaults to true for the kinds `transient` and `throttled`. */
  transient?: boolean
  code?: number | null
  subcode?: number | null
  httpStatus?: number | null
  /** Meta's own `error.message`, when the error came from Meta. */
  metaMessage?: string | null
}

/** A failed Graph API call. The message is redacted and fits on one line. */
export class GraphError extends Error {
  override readonly name = 'GraphError'
  readonly kind: GraphErrorKind
  readonly transient: boolean
  readonly code: number | null
  readonly subcode: number | null
  readonly httpStatus: number | null
  /** Meta's own `error.message`, redacted, or null when the error did not come from Meta. */
  readonly metaMessage: string | null

  constructor(message: string, details: GraphErrorDetails) {
    super(oneLine(message))
    this.kind = details.kind
    this.transient =
      details.transient ??
      (details.kind === 'transient' || details.kind === 'throttled')
    this.code = details.code ?? null
    this.subcode = details.subcode ?? null
    this.httpStatus = details.httpStatus ?? null
    this.metaMessage =
      details.metaMessage == null ? null : oneLine(details.metaMessage)
  }
}

function oneLine(text: string): string {
  return redact(text).replace(/\s+/g, ' ').trim()
}

/** Facts of one Meta error, from the `error` object of a response body. */
export interface MetaErrorFacts {
  message: string
  code: number | null
  subcode: number | null
  httpStatus: number | null
  /** Null when Meta did not send `is_transient`, which does not mean "false". */
  isTransient: boolean | null
}

const looseNumber = z
  .union([z.number(), z.string().regex(/^\d+$/)])
  .transform(Number)

const MetaErrorBody = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    code: looseNumber.optional(),
    error_subcode: looseNumber.optional(),
    subcode: looseNumber.optional(),
    is_transient: z.boolean().optional(),
  }),
})

/** Reads Meta's `{ error: { message, code, error_subcode, is_transient } }`, or returns null when `body` has none. */
export function readMetaError(
  body: unknown,
  httpStatus: number | null,
): MetaErrorFacts | null {
  const parsed = MetaErrorBody.safeParse(body)
  if (!parsed.success) return null
  const error = parsed.data.error
  return {
    message: error.message ?? '',
    code: error.code ?? null,
    subcode: error.error_subcode ?? error.subcode ?? null,
    httpStatus,
    isTransient: error.is_transient ?? null,
  }
}

/** Codes Meta documents as temporary (1, 2) or as throttling (4, 17, 32, 341, 613). */
const TEMPORARY_CODES = new Set([1, 2])
const THROTTLING_CODES = new Set([4, 17, 32, 341, 613])

/** Business Use Case throttling codes: 80000 (Ads Insights) to 80014 (Catalog Batch). */
function isBusinessUseCaseThrottle(code: number): boolean {
  return code >= 80000 && code <= 80014
}

function isThrottling(code: number | null): boolean {
  return (
    code !== null &&
    (THROTTLING_CODES.has(code) || isBusinessUseCaseThrottle(code))
  )
}

/**
 * Returns true when retrying may succeed: HTTP 5xx, Meta's temporary and
 * throttling codes, or `is_transient: true`. A rejected app secret (code 1
 * "Error validating client secret") is not transient although it shares code 1.
 */
export function isTransientGraphError(
  facts: Pick<MetaErrorFacts, 'code' | 'httpStatus' | 'isTransient'> & {
    message?: string
  },
): boolean {
  if (namesAppCredentials(facts.code, facts.message ?? '')) return false
  if (facts.isTransient === true) return true
  if (facts.httpStatus !== null && facts.httpStatus >= 500) return true
  if (facts.code === null) return false
  return TEMPORARY_CODES.has(facts.code) || isThrottling(facts.code)
}

/** True for Meta's responses to a wrong app ID or app secret, whatever the token. */
function namesAppCredentials(code: number | null, message: string): boolean {
  if (code === 101) return true
  if (
    /client secret|invalid application id|error validating application/i.test(
      message,
    )
  )
    return true
  return (
    code === 100 &&
    /must provide an app access token|appsecret_proof/i.test(message)
  )
}

/**
 * True when Meta rejects the app ID or app secret. `appTokenRequest` is true
 * when the call sent the app access token `APP_ID|APP_SECRET`, so code 190
 * can only mean that this token is wrong.
 */
function isCredentialsError(
  facts: MetaErrorFacts,
  appTokenRequest: boolean,
): boolean {
  if (namesAppCredentials(facts.code, facts.message)) return true
  return facts.code === 190 && appTokenRequest
}

/**
 * True for an unknown or retired Graph API version. Graph responds to a version it
 * does not know with code 2500 "Unknown path components", and 2635 marks a
 * deprecated Marketing API version.
 */
function isVersionError(facts: MetaErrorFacts): boolean {
  if (facts.code === 2635) return true
  if (facts.code === 2500 && /unknown path components/i.test(facts.message))
    return true
  return /\b(unsupported|unknown|invalid|deprecated) (graph )?(api )?version\b/i.test(
    facts.message,
  )
}

/** True for Meta's response to a token of another app: "(#100) The App_id in the input_token did not match the Viewing App". */
export function isForeignAppError(facts: MetaErrorFacts): boolean {
  return (
    facts.code === 100 && /did not match the viewing app/i.test(facts.message)
  )
}

/** Subcodes of 190 that Meta documents for a token that stopped working. */
const TOKEN_SUBCODES = new Set([458, 459, 460, 463, 464, 467, 492])

/** Picks the kind of a Meta error. `appTokenRequest` is as in `ResponseContext`. */
export function classifyMetaError(
  facts: MetaErrorFacts,
  appTokenRequest: boolean,
): { kind: GraphErrorKind; transient: boolean } {
  if (isCredentialsError(facts, appTokenRequest))
    return { kind: 'credentials', transient: false }
  if (isVersionError(facts)) return { kind: 'version', transient: false }
  if (isThrottling(facts.code)) return { kind: 'throttled', transient: true }
  if (isTransientGraphError(facts))
    return { kind: 'transient', transient: true }

  const code = facts.code
  if (
    code === 190 ||
    code === 102 ||
    isForeignAppError(facts) ||
    (facts.subcode !== null && TOKEN_SUBCODES.has(facts.subcode))
  )
    return { kind: 'token', transient: false }
  if (code === 10 || (code !== null && code >= 200 && code <= 299))
    return { kind: 'permission', transient: false }
  return { kind: 'other', transient: false }
}

export interface ResponseContext {
  /** True when the request authenticated with the app access token. */
  appTokenRequest: boolean
  /** Graph API version of the request, named in a version error. */
  version: string
}

/**
 * Builds the GraphError for an HTTP error or an `error` body. The message
 * names the inputs to fix for a credentials or version error.
 */
export function graphErrorFromResponse(
  httpStatus: number,
  body: unknown,
  context: ResponseContext,
): GraphError {
  const fromMeta = readMetaError(body, httpStatus)
  const facts = fromMeta ?? {
    message: `HTTP ${httpStatus} without a Graph API error body`,
    code: null,
    subcode: null,
    httpStatus,
    isTransient: null,
  }
  const { kind, transient } = classifyMetaError(facts, context.appTokenRequest)
  const details = {
    kind,
    transient,
    code: facts.code,
    subcode: facts.subcode,
    httpStatus,
    metaMessage: fromMeta?.message ?? null,
  }
  return new GraphError(describeFacts(facts, kind, context), details)
}

function describeFacts(
  facts: MetaErrorFacts,
  kind: GraphErrorKind,
  context: ResponseContext,
): string {
  const quoted = `${codeLabel(facts)}: ${facts.message || 'no message'}`
  if (kind === 'credentials') {
    return (
      `Meta rejected the app credentials (${quoted}). Check the \`app-id\` and ` +
      '`app-secret` inputs: they must be the ID and the current secret of the ' +
      'app that issued the tokens (App Dashboard, App settings, Basic).'
    )
  }
  if (kind === 'version') {
    return (
      `Meta does not accept Graph API version ${context.version} (${quoted}). ` +
      'Set `graph-api-version` to a supported version, for example v27.0.'
    )
  }
  return `Meta ${quoted} (HTTP ${facts.httpStatus ?? 'unknown'})`
}

function codeLabel(facts: MetaErrorFacts): string {
  if (facts.code === null) return 'error'
  return facts.subcode === null
    ? `error ${facts.code}`
    : `error ${facts.code}/${facts.subcode}`
}

/** Returns the Meta facts a GraphError keeps, for checks such as `isForeignAppError`. */
export function factsOf(error: GraphError): MetaErrorFacts {
  return {
    message: error.metaMessage ?? '',
    code: error.code,
    subcode: error.subcode,
    httpStatus: error.httpStatus,
    isTransient: null,
  }
}

/**
 * Turns a failed request (timeout, dropped connection, DNS failure), from
 * node:http or from a `fetch` that a test passes, into a transient
 * GraphError. Any other thrown value is returned unchanged.
 */
export function graphErrorFromFailure(
  error: unknown,
  timeoutMs: number,
): unknown {
  if (error instanceof GraphError) return error
  if (isTimeout(error)) {
    return new GraphError(
      `the Graph API request timed out after ${timeoutMs} ms`,
      { kind: 'transient' },
    )
  }
  if (error instanceof TypeError) {
    return new GraphError(
      `the Graph API request failed: ${describeError(error)}${describeCause(error.cause)}`,
      { kind: 'transient' },
    )
  }
  const code = systemErrorCode(error)
  if (code) {
    const peer = peerOf(error as object)
    return new GraphError(
      `the Graph API request failed (${code}${peer ? `, ${peer}` : ''})`,
      { kind: 'transient' },
    )
  }
  return error
}

/**
 * Returns where a failed connection went, such as `127.0.0.1:3128` or
 * `graph.facebook.com`, or null. Behind a proxy this is the proxy, which
 * tells a refused proxy from a refused Meta.
 */
function peerOf(error: {
  address?: unknown
  hostname?: unknown
  port?: unknown
}): string | null {
  const host = error.address ?? error.hostname
  if (typeof host !== 'string' || host === '') return null
  const port = typeof error.port === 'number' ? `:${error.port}` : ''
  return redact(`${host}${port}`)
}

/**
 * Returns the code of a failed request from node:http or node:https, or
 * null: a system error such as ECONNRESET, or a TLS one such as
 * DEPTH_ZERO_SELF_SIGNED_CERT.
 */
function systemErrorCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code
  return error instanceof Error &&
    typeof code === 'string' &&
    /^[A-Z][A-Z0-9_]+$/.test(code)
    ? code
    : null
}

/**
 * Returns " (CODE)" with the system error code of a failed `fetch`, such as
 * ECONNREFUSED, or else " (REASON)" with fetch's own short reason, such as
 * "bad port". A reason that could carry a URL or a query is left out, because
 * it might contain a token.
 */
function describeCause(cause: unknown): string {
  const code = (cause as { code?: unknown } | undefined)?.code
  if (typeof code === 'string' && code !== '') return ` (${code})`
  if (!(cause instanceof Error)) return ''
  const reason = describeError(cause)
  const safe = reason !== '' && reason.length <= 80 && !/[:/?=@&]/.test(reason)
  return safe ? ` (${reason})` : ''
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'TimeoutError' || error.name === 'AbortError')
  )
}
