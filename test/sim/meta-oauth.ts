/**
 * The OAuth endpoints of the simulated Graph API: the `fb_exchange_token`
 * exchange and `oauth/revoke`. Rules follow Meta's long-lived token and
 * System User pages, and field reports where the pages are silent.
 */
import { checkClient, identifyCaller, isErrorSpec } from './meta-auth.ts'
import type { AppCredentials } from './meta-auth.ts'
import {
  CANNOT_DECRYPT,
  CANNOT_PARSE,
  missingParameter,
  type MetaErrorSpec,
} from './meta-errors.ts'
import {
  looksLikeMetaToken,
  SIXTY_DAYS_EXPIRES_IN,
  tokenError,
  type TokenRecord,
  type TokenStore,
} from './meta-tokens.ts'

export type OAuthOutcome =
  | { ok: true; body: object; minted: TokenRecord | null }
  | { ok: false; error: MetaErrorSpec }

/**
 * NOTE: Meta documents no reply for these cases, so their codes and
 * messages are the simulator's own.
 */
const WRONG_GRANT: MetaErrorSpec = {
  status: 400,
  code: 100,
  message: '(#100) Unsupported grant_type: use fb_exchange_token',
}
const NOT_EXCHANGEABLE: MetaErrorSpec = {
  status: 400,
  code: 100,
  message:
    '(#100) fb_exchange_token must be a user or system user access token',
}
const OTHER_APP_TOKEN: MetaErrorSpec = {
  status: 400,
  code: 190,
  message:
    'Error validating access token: The token was issued for another app.',
}
const SYSTEM_USER_NEEDS_FLAG: MetaErrorSpec = {
  status: 400,
  code: 100,
  message:
    '(#100) This business must use expiring tokens: refresh the system user access token with set_token_expires_in_60_days=true',
}
const REVOKE_OTHER_APP: MetaErrorSpec = {
  status: 400,
  code: 100,
  message:
    '(#100) The client_id, client_secret and the app of both tokens must be the same app',
}

function fail(error: MetaErrorSpec): OAuthOutcome {
  return { ok: false, error }
}

/** Looks up a token that a call names as a parameter. */
function findToken(
  token: string,
  store: TokenStore,
): TokenRecord | MetaErrorSpec {
  const record = store.get(token)
  if (record) return record
  return looksLikeMetaToken(token) ? CANNOT_DECRYPT : CANNOT_PARSE
}

/**
 * `GET oauth/access_token?grant_type=fb_exchange_token`:
 * - a short-lived USER token gets a new 60-day token string;
 * - a long-lived USER token comes back unchanged, with `expires_in` its
 *   remaining seconds. Meta's pages are silent here, but one field report
 *   shows no extension and another the same string;
 * - a SYSTEM_USER token with `set_token_expires_in_60_days=true` gets a new
 *   token valid 60 days from now, and the old one stays valid until its
 *   own expiry; without the flag Meta answers with an error.
 */
export function exchange(
  params: URLSearchParams,
  app: AppCredentials,
  store: TokenStore,
  nowSeconds: number,
): OAuthOutcome {
  const clientError = checkClient(params, app)
  if (clientError) return fail(clientError)
  if (params.get('grant_type') !== 'fb_exchange_token') return fail(WRONG_GRANT)

  const token = params.get('fb_exchange_token')
  if (!token) return fail(missingParameter('fb_exchange_token'))
  const record = findToken(token, store)
  if ('status' in record) return fail(record)
  if (record.appId !== app.appId) return fail(OTHER_APP_TOKEN)

  const error = tokenError(record, nowSeconds)
  if (error) return fail({ status: 400, ...error })

  const sixtyDays = params.get('set_token_expires_in_60_days') === 'true'
  switch (record.type) {
    case 'USER':
      return record.shortLived
        ? mint(record, store, app, nowSeconds)
        : {
            ok: true,
            body: bearer(record.token, record.expiresAt - nowSeconds),
            minted: null,
          }
    case 'SYSTEM_USER':
      return sixtyDays
        ? mint(record, store, app, nowSeconds)
        : fail(SYSTEM_USER_NEEDS_FLAG)
    default:
      return fail(NOT_EXCHANGEABLE)
  }
}

/** Issues a new 60-day token for the same user and scopes. */
function mint(
  from: TokenRecord,
  store: TokenStore,
  app: AppCredentials,
  nowSeconds: number,
): OAuthOutcome {
  const minted = store.add(
    {
      type: from.type,
      userId: from.userId,
      appId: from.appId,
      expiresAt: nowSeconds + SIXTY_DAYS_EXPIRES_IN,
      issuedAt: nowSeconds,
      scopes: from.scopes,
      ...(from.profileId ? { profileId: from.profileId } : {}),
    },
    app.appId,
    nowSeconds,
    'exchange',
  )
  return {
    ok: true,
    body: bearer(minted.token, SIXTY_DAYS_EXPIRES_IN),
    minted,
  }
}

function bearer(token: string, expiresIn: number): object {
  return { access_token: token, token_type: 'bearer', expires_in: expiresIn }
}

/**
 * `GET oauth/revoke?client_id&client_secret&revoke_token&access_token`:
 * `{"success":"true"}`, and the revoked token is invalid from then on. The
 * client, the caller's token and the revoked token must all be of one app.
 */
export function revoke(
  params: URLSearchParams,
  accessToken: string | null,
  app: AppCredentials,
  store: TokenStore,
  nowSeconds: number,
): OAuthOutcome {
  const clientError = checkClient(params, app)
  if (clientError) return fail(clientError)

  const target = params.get('revoke_token')
  if (!target) return fail(missingParameter('revoke_token'))
  if (!accessToken) return fail(missingParameter('access_token'))

  const caller = identifyCaller(accessToken, app, store, nowSeconds)
  if (isErrorSpec(caller)) return fail(caller)
  const callerApp = caller.kind === 'app' ? caller.appId : caller.record.appId

  const record = findToken(target, store)
  if ('status' in record) return fail(record)
  if (record.appId !== app.appId || callerApp !== app.appId) {
    return fail(REVOKE_OTHER_APP)
  }

  record.revoked = true
  return { ok: true, body: { success: 'true' }, minted: null }
}
