/**
 * A `debug_token` response turned into token facts, and an invalid token's
 * Meta error turned into plain words and a fix.
 */
import { z } from 'zod'
import { redact } from '../redact.ts'
import { GraphError, isForeignAppError, type MetaErrorFacts } from './errors.ts'
import type { TokenInfo, TokenType } from '../types.ts'

const TOKEN_TYPES: readonly TokenType[] = ['USER', 'PAGE', 'SYSTEM_USER', 'APP']

/**
 * IDs arrive as strings, and in some responses as JSON numbers. A number
 * beyond 2^53 has already lost digits in JSON.parse.
 */
const graphId = z.union([z.string(), z.number()]).transform(String)

/** Unix time in seconds, accepted as a string too. */
const unixTime = z
  .union([z.number(), z.string().regex(/^\d+$/)])
  .transform(Number)

const looseNumber = unixTime

const DebugTokenData = z.looseObject({
  app_id: graphId.optional(),
  type: z.string().optional(),
  is_valid: z.boolean(),
  expires_at: unixTime.optional(),
  data_access_expires_at: unixTime.optional(),
  issued_at: unixTime.optional(),
  scopes: z.array(z.string()).optional(),
  user_id: graphId.optional(),
  profile_id: graphId.optional(),
  error: z
    .looseObject({
      code: looseNumber.optional(),
      subcode: looseNumber.optional(),
      error_subcode: looseNumber.optional(),
      message: z.string().optional(),
    })
    .optional(),
})

const DebugTokenBody = z.looseObject({ data: DebugTokenData })

/**
 * Parses the body of `GET /debug_token` into token facts. `is_valid` is read
 * before `expires_at`, because an invalidated token also reports
 * `expires_at: 0`, which on a valid token means "never".
 * Throws a GraphError of kind `other` when the body has no `data` object.
 */
export function parseDebugToken(body: unknown): TokenInfo {
  const parsed = DebugTokenBody.safeParse(body)
  if (!parsed.success) {
    throw new GraphError(
      `debug_token returned an unexpected body: ${parsed.error.issues[0]?.message ?? 'no data'}`,
      { kind: 'other' },
    )
  }
  const data = parsed.data.data

  return {
    type: toTokenType(data.type),
    isValid: data.is_valid,
    appId: data.app_id ?? null,
    userId: data.user_id ?? null,
    profileId: data.profile_id ?? null,
    expiresAt: dateOrNull(data.expires_at),
    dataAccessExpiresAt: dateOrNull(data.data_access_expires_at),
    issuedAt: dateOrNull(data.issued_at),
    scopes: data.scopes ?? [],
    error: data.error
      ? {
          code: data.error.code ?? 0,
          subcode: data.error.subcode ?? data.error.error_subcode ?? null,
          message: redact(data.error.message ?? ''),
        }
      : null,
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
