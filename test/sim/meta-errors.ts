/**
 * Error bodies and messages of the simulated Graph API. Shapes follow Meta's
 * error-handling guide: `{ error: { message, type, code, error_subcode,
 * is_transient?, fbtrace_id } }`. Messages quoted by Meta's docs or field
 * reports are used as given; the others are marked where they are built.
 */

export interface MetaErrorSpec {
  status: number
  message: string
  code: number
  subcode?: number
  type?: string
  isTransient?: boolean
}

/** Builds `{ error: … }` with a trace id, the way Graph sends it. */
export function errorBody(spec: MetaErrorSpec, traceId: string): object {
  const error: Record<string, unknown> = {
    message: spec.message,
    type: spec.type ?? 'OAuthException',
    code: spec.code,
  }
  if (spec.subcode !== undefined) error.error_subcode = spec.subcode
  if (spec.isTransient !== undefined) error.is_transient = spec.isTransient
  error.fbtrace_id = traceId
  return { error }
}

export const MUST_PROVIDE_APP_TOKEN: MetaErrorSpec = {
  status: 400,
  code: 100,
  message:
    '(#100) You must provide an app access token, or a user access token that is an owner or developer of the app',
}

export const BAD_APP_SIGNATURE: MetaErrorSpec = {
  status: 400,
  code: 190,
  message: 'Invalid OAuth access token signature.',
}

export const INVALID_APP_ID: MetaErrorSpec = {
  status: 400,
  code: 101,
  message: 'Error validating application. Invalid application ID.',
}

export const BAD_CLIENT_SECRET: MetaErrorSpec = {
  status: 400,
  code: 1,
  message: 'Error validating client secret.',
}

export const CANNOT_PARSE: MetaErrorSpec = {
  status: 400,
  code: 190,
  message: 'Invalid OAuth access token - Cannot parse access token',
}

export const CANNOT_DECRYPT: MetaErrorSpec = {
  status: 400,
  code: 190,
  message:
    'Invalid OAuth access token - The access token could not be decrypted',
}

export const BAD_PROOF: MetaErrorSpec = {
  status: 400,
  code: 100,
  type: 'GraphMethodException',
  message: 'Invalid appsecret_proof provided in the API argument',
}

export const PROOF_REQUIRED: MetaErrorSpec = {
  status: 400,
  code: 100,
  type: 'GraphMethodException',
  message: 'API calls from the server require an appsecret_proof argument',
}

/** Meta's reply to a token of another app; a widely reported message, not in Meta's reference pages. */
export const FOREIGN_APP: MetaErrorSpec = {
  status: 400,
  code: 100,
  message: '(#100) The App_id in the input_token did not match the Viewing App',
}

export const TOO_MANY_IN_BATCH: MetaErrorSpec = {
  status: 400,
  code: 1,
  isTransient: false,
  message: 'Too many requests in batch message. Maximum batch size is 50',
}

export const APP_LIMIT_REACHED: MetaErrorSpec = {
  status: 400,
  code: 4,
  isTransient: true,
  message: '(#4) Application request limit reached',
}

/** `what` is the missing parameter's name. */
export function missingParameter(what: string): MetaErrorSpec {
  return {
    status: 400,
    code: 100,
    message: `(#100) The parameter ${what} is required`,
  }
}

/** Builds the reply to a path that names no object or edge, and to `POST /debug_token`. */
export function unsupportedRequest(
  method: string,
  objectId: string | null,
): MetaErrorSpec {
  const what = objectId
    ? ` Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`
    : ''
  return {
    status: 400,
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${method.toLowerCase()} request.${what} Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  }
}

/** Graph's reply to a version segment it does not know; the message names the path after it. */
export function unknownPathComponents(rest: string): MetaErrorSpec {
  return {
    status: 400,
    code: 2500,
    message: `Unknown path components: /${rest}`,
  }
}

/**
 * NOTE: Meta's reference pages do not show the reply to an unversioned call.
 * A 2026 field report states that Graph rejects them with HTTP 400 and a version
 * error; this message is the simulator's own wording.
 */
export const VERSION_REQUIRED: MetaErrorSpec = {
  status: 400,
  code: 2500,
  message:
    'Unknown path components: a Graph API version is required, for example /v27.0/',
}

/** Formats a time the way Graph's session messages do: `Thursday, 30-Oct-26 10:00:00 PDT`. */
export function pacificTime(unixSeconds: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    weekday: 'long',
    day: '2-digit',
    month: 'short',
    year: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(unixSeconds * 1000))
  const part = (type: string) =>
    parts.find((item) => item.type === type)?.value ?? ''
  return `${part('weekday')}, ${part('day')}-${part('month')}-${part('year')} ${part('hour')}:${part('minute')}:${part('second')} ${part('timeZoneName')}`
}

/** `error` of an expired token: code 190, subcode 463. */
export function sessionExpired(
  expiresAt: number,
  nowSeconds: number,
): { code: number; subcode: number; message: string } {
  return {
    code: 190,
    subcode: 463,
    message: `Error validating access token: Session has expired on ${pacificTime(expiresAt)}. The current time is ${pacificTime(nowSeconds)}.`,
  }
}

/**
 * Messages of code 190 by subcode. 460 and 463 follow captured Meta
 * responses; the others paraphrase the meaning Meta's error-handling guide
 * gives each subcode.
 */
export function invalidatedMessage(subcode: number, appId: string): string {
  switch (subcode) {
    case 458:
      return `Error validating access token: The user has not authorized application ${appId}.`
    case 459:
      return 'Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.'
    case 460:
      return 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.'
    case 464:
      return 'Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user.'
    case 467:
      return 'Error validating access token: The session is invalid because the user logged out.'
    case 492:
      return 'Error validating access token: The session is invalid because the user does not have a role on the Page.'
    default:
      return 'Error validating access token: The session is invalid.'
  }
}

/**
 * NOTE: Meta documents that revocation takes effect at once, not the
 * message `debug_token` then shows; this wording and the missing subcode
 * are the simulator's own.
 */
export const REVOKED_MESSAGE =
  'Error validating access token: The session was invalidated explicitly using an API call.'
