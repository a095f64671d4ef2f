/**
 * How the simulated Graph API authenticates a call: the app access token
 * `APP_ID|APP_SECRET` (or a token Meta issued to the app) given as
 * `access_token` or as `Authorization: Bearer`, its `appsecret_proof`, and
 * the `client_id` / `client_secret` pair of the OAuth endpoints.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import {
  BAD_APP_SIGNATURE,
  BAD_CLIENT_SECRET,
  BAD_PROOF,
  CANNOT_DECRYPT,
  CANNOT_PARSE,
  INVALID_APP_ID,
  missingParameter,
  PROOF_REQUIRED,
  type MetaErrorSpec,
} from './meta-errors.ts'
import {
  looksLikeMetaToken,
  tokenError,
  type TokenRecord,
  type TokenStore,
} from './meta-tokens.ts'

export interface AppCredentials {
  appId: string
  appSecret: string
}

/** Who made a call: the app itself, or the holder of a token Meta issued. */
export type Caller =
  { kind: 'app'; appId: string } | { kind: 'token'; record: TokenRecord }

/** Timed proofs expire after 5 minutes (Meta's Login Security page). */
const TIMED_PROOF_WINDOW_S = 300

/** Reads the access token of a call from the parameters or an `Authorization: Bearer` header. */
export function accessTokenOf(
  params: URLSearchParams,
  headers: Record<string, string>,
): string | null {
  const fromParams = params.get('access_token')
  if (fromParams) return fromParams
  const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(headers.authorization ?? '')
  return match?.[1]?.trim() ?? null
}

/**
 * Identifies the caller of `accessToken`. An `APP_ID|SECRET` token must name
 * the app with its current secret; any other token must be one Meta issued
 * and still valid. Returns a caller or the error Graph would send.
 */
export function identifyCaller(
  accessToken: string,
  app: AppCredentials,
  store: TokenStore,
  nowSeconds: number,
): Caller | MetaErrorSpec {
  const pipe = accessToken.indexOf('|')
  if (pipe >= 0) {
    const appId = accessToken.slice(0, pipe)
    const secret = accessToken.slice(pipe + 1)
    if (appId !== app.appId) return INVALID_APP_ID
    if (!sameText(secret, app.appSecret)) return BAD_APP_SIGNATURE
    return { kind: 'app', appId }
  }

  const record = store.get(accessToken)
  if (!record) {
    return looksLikeMetaToken(accessToken) ? CANNOT_DECRYPT : CANNOT_PARSE
  }
  const error = tokenError(record, nowSeconds)
  if (error) return { status: 400, ...error }
  if (record.type === 'APP') return { kind: 'app', appId: record.appId }
  return { kind: 'token', record }
}

/**
 * Checks `appsecret_proof` = hex HMAC-SHA256(key app secret, message access
 * token), or the timed form over `token|appsecret_time`. A missing proof is
 * an error only when the app requires one.
 */
export function checkProof(
  params: URLSearchParams,
  accessToken: string,
  appSecret: string,
  requireProof: boolean,
  nowSeconds: number,
): MetaErrorSpec | null {
  const proof = params.get('appsecret_proof')
  if (!proof) return requireProof ? PROOF_REQUIRED : null

  const time = params.get('appsecret_time')
  if (time !== null) {
    const seconds = Number(time)
    if (
      !/^\d+$/.test(time) ||
      Math.abs(nowSeconds - seconds) > TIMED_PROOF_WINDOW_S
    ) {
      return BAD_PROOF
    }
    return sameText(proof, hmac(appSecret, `${accessToken}|${time}`))
      ? null
      : BAD_PROOF
  }
  return sameText(proof, hmac(appSecret, accessToken)) ? null : BAD_PROOF
}

/** Checks `client_id` and `client_secret` of an OAuth call. */
export function checkClient(
  params: URLSearchParams,
  app: AppCredentials,
): MetaErrorSpec | null {
  const clientId = params.get('client_id')
  const clientSecret = params.get('client_secret')
  if (!clientId) return missingParameter('client_id')
  if (clientId !== app.appId) return INVALID_APP_ID
  if (!clientSecret) return missingParameter('client_secret')
  if (!sameText(clientSecret, app.appSecret)) return BAD_CLIENT_SECRET
  return null
}

/** Hex HMAC-SHA256 of `message` with `key`. */
export function hmac(key: string, message: string): string {
  return createHmac('sha256', key).update(message).digest('hex')
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** True when `value` is an error spec rather than a caller. */
export function isErrorSpec(
  value: Caller | MetaErrorSpec,
): value is MetaErrorSpec {
  return 'status' in value
}
