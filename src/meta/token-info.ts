/**
 * A `debug_token` response turned into token facts, and an invalid token's
 * Meta error turned into plain words and a fix.
 */
import { redact } from '../redact.ts'
import { GraphError, isForeignAppError, type MetaErrorFacts } from './errors.ts'
import type { TokenInfo, TokenType } from '../types.ts'

const TOKEN_TYPES: readonly TokenType[] = ['USER', 'PAGE', 'SYSTEM_USER', 'APP']

/**
 * Parses the body of `GET /debug_token` into token facts. `is_valid` is read
 * before `expires_at`, because an invalidated token also reports
 * `expires_at: 0`, which on a valid token means "never".
 * Throws a GraphError of kind `other` when the body has no `data` object or
 * a field has the wrong type.
 *
 * The fields are read by hand rather than with zod: this runs once per
 * token, and for thousands of tokens the intermediate objects of a zod parse
 * were a large share of the run's memory.
 */
export function parseDebugToken(body: unknown): TokenInfo {
  const data = isRecord(body) ? body.data : undefined
  if (!isRecord(data)) throw unexpectedBody('no `data` object')
  if (typeof data.is_valid !== 'boolean') {
    throw unexpectedBody('`is_valid` is not true or false')
  }

  return {
    type: toTokenType(optionalText(data, 'type')),
    isValid: data.is_valid,
    appId: shared(graphId(data, 'app_id')),
    userId: graphId(data, 'user_id'),
    profileId: graphId(data, 'profile_id'),
    expiresAt: dateOrNull(unixTime(data, 'expires_at')),
    dataAccessExpiresAt: dateOrNull(unixTime(data, 'data_access_expires_at')),
    issuedAt: dateOrNull(unixTime(data, 'issued_at')),
    scopes: scopes(data),
    error: tokenError(data),
  }
}

type Fields = Record<string, unknown>

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function unexpectedBody(problem: string): GraphError {
  return new GraphError(`debug_token returned an unexpected body: ${problem}`, {
    kind: 'other',
  })
}

function optionalText(fields: Fields, name: string): string | undefined {
  const value = fields[name]
  if (value === undefined || typeof value === 'string') return value
  throw unexpectedBody(`\`${name}\` is not text`)
}

/** IDs arrive as strings, and in some responses as JSON numbers. A number beyond 2^53 has already lost digits in JSON.parse. */
function graphId(fields: Fields, name: string): string | null {
  const value = fields[name]
  if (value === undefined) return null
  if (typeof value === 'string' || typeof value === 'number') {
    return String(value)
  }
  throw unexpectedBody(`\`${name}\` is not an ID`)
}

/** Unix time in seconds, accepted as a string of digits too. A code or subcode has the same form. */
function unixTime(fields: Fields, name: string): number | undefined {
  const value = fields[name]
  if (value === undefined || typeof value === 'number') return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  throw unexpectedBody(`\`${name}\` is not a number`)
}

function scopes(data: Fields): string[] {
  const value = data.scopes
  if (value === undefined) return []
  if (
    Array.isArray(value) &&
    value.every((scope) => typeof scope === 'string')
  ) {
    return (value as string[]).map(shared)
  }
  throw unexpectedBody('`scopes` is not a list of text')
}

/** Maximum number of distinct values that `shared` keeps, a bound for an unexpected answer. */
const MAX_SHARED = 1000

const sharedValues = new Map<string, string>()

/**
 * Returns one copy of `text` for every token that holds it. Thousands of
 * tokens of one app hold the same few permission names and the same app
 * ID, and each parsed body would otherwise keep its own copies until the
 * run ends.
 */
function shared<T extends string | null>(text: T): T {
  if (text === null) return text
  const known = sharedValues.get(text)
  if (known !== undefined) return known as T
  if (sharedValues.size < MAX_SHARED) sharedValues.set(text, text)
  return text
}

function tokenError(data: Fields): TokenInfo['error'] {
  const error = data.error
  if (error === undefined) return null
  if (!isRecord(error)) throw unexpectedBody('`error` is not an object')

  const subcode = unixTime(error, 'subcode')
  const errorSubcode = unixTime(error, 'error_subcode')
  return {
    code: unixTime(error, 'code') ?? 0,
    subcode: subcode ?? errorSubcode ?? null,
    message: redact(optionalText(error, 'message') ?? ''),
  }
}

function toTokenType(type: string | undefined): TokenType {
  const upper = type?.toUpperCase()
  return TOKEN_TYPES.find((known) => known === upper) ?? 'UNKNOWN'
}

/** 0 and a missing value both mean "none": never, or not reported. */
function dateOrNull(seconds: number | undefined): Date | null {
  return seconds ? new Date(seconds * 1000) : null
}

/**
 * Builds the facts of a token that Meta refused to inspect because another
 * app issued it ("The App_id in the input_token did not match the Viewing
 * App"), so the report names the cause instead of "could not be checked".
 */
export function foreignAppTokenInfo(facts: MetaErrorFacts): TokenInfo | null {
  if (!isForeignAppError(facts)) return null
  return {
    type: 'UNKNOWN',
    isValid: false,
    appId: null,
    userId: null,
    profileId: null,
    expiresAt: null,
    dataAccessExpiresAt: null,
    issuedAt: null,
    scopes: [],
    error: {
      code: facts.code ?? 100,
      subcode: facts.subcode,
      message: redact(facts.message),
    },
  }
}

/** Formats a date as YYYY-MM-DD in UTC. */
export function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

const REAUTHORIZE =
  'Ask the client to log in to the app again and store the new token, or better, ' +
  'create a System User token in their Business Manager, which Meta can refresh.'

export interface InvalidReason {
  status: 'expired' | 'invalid'
  reason: string
  fix: string
}

/**
 * Puts Meta's reason for an invalid token in plain words with the fix. Code
 * 190 subcodes follow Meta's error-handling guide. With `now`, a token whose
 * `expires_at` is past counts as expired whatever the subcode.
 */
export function describeInvalid(info: TokenInfo, now?: Date): InvalidReason {
  const subcode = info.error?.subcode ?? null
  const message = info.error?.message ?? ''
  const pastExpiry =
    now !== undefined && info.expiresAt !== null && info.expiresAt <= now

  if (subcode === 463 || pastExpiry || /session has expired/i.test(message)) {
    const when = info.expiresAt ? ` on ${formatDay(info.expiresAt)}` : ''
    return {
      status: 'expired',
      reason: `The access token expired${when}.`,
      fix: REAUTHORIZE,
    }
  }
  return describeBySubcode(subcode) ?? describeByMessage(info)
}

function invalid(reason: string, fix: string = REAUTHORIZE): InvalidReason {
  return { status: 'invalid', reason, fix }
}

function describeBySubcode(subcode: number | null): InvalidReason | null {
  switch (subcode) {
    case 460:
      return invalid(
        'Meta invalidated the access token because the user changed their password or Meta reset the session.',
      )
    case 458:
      return invalid(
        'The user removed the app, so the access token stopped working.',
      )
    case 459:
      return invalid(
        'The user account is checkpointed: the user must log in on facebook.com and pass the security check.',
        `The user logs in on facebook.com and passes the check, then: ${REAUTHORIZE}`,
      )
    case 464:
      return invalid(
        'The user has not confirmed their Facebook account.',
        `The user confirms their account, then: ${REAUTHORIZE}`,
      )
    case 467:
      return invalid(
        'The access token is no longer valid: the user logged out or the token was revoked.',
      )
    case 492:
      return invalid(
        'The user behind this Page token no longer has a role on the Page.',
        'Give the user a role on the Page again and create a new Page token, or better, ' +
          'create a System User token with access to the Page.',
      )
    default:
      return null
  }
}

function describeByMessage(info: TokenInfo): InvalidReason {
  const message = info.error?.message ?? ''
  if (/did not match the viewing app/i.test(message)) {
    return invalid(
      'The access token was issued for another app, so this app cannot inspect or refresh it.',
      'Create the token with this app, or run the keeper with the credentials of the app that issued it.',
    )
  }
  if (/cannot parse access token/i.test(message)) {
    return invalid(
      'The secret holds something that is not a Meta access token: Meta cannot parse it.',
      'Check the secret: it must hold the access token alone, without quotes, spaces or a "Bearer" prefix.',
    )
  }
  if (/could not be decrypted/i.test(message)) {
    return invalid(
      'Meta could not decrypt the access token: it is damaged or cut short.',
      `Check that the secret holds the whole token. If it does: ${REAUTHORIZE}`,
    )
  }
  const code = info.error
    ? ` (error ${info.error.code}${info.error.subcode ? `/${info.error.subcode}` : ''}: ${info.error.message})`
    : ''
  return invalid(`Meta reports the access token as invalid${code}.`)
}
