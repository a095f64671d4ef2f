/**
 * The simulated Graph API's token table: what Meta stores about every access
 * token it issued, and the `data` object `debug_token` shows for it.
 */
import { base62 } from './random.ts'
import {
  invalidatedMessage,
  REVOKED_MESSAGE,
  sessionExpired,
} from './meta-errors.ts'

export type MetaTokenType = 'USER' | 'PAGE' | 'SYSTEM_USER' | 'APP'

/** Facts of a token a test adds. Times are Unix seconds. */
export interface TokenSpec {
  type: MetaTokenType
  userId: string
  /** The app that issued the token; the simulator's app by default. */
  appId?: string
  /** 0 means never. */
  expiresAt: number
  /** Left out of `debug_token` when absent, as Meta does for short-lived tokens. */
  issuedAt?: number
  /** 0 means never; for USER and PAGE tokens 90 days after `issuedAt` (or now) by default. */
  dataAccessExpiresAt?: number
  scopes?: string[]
  /** Page ID of a PAGE token. */
  profileId?: string
  /** A token Meta invalidated before its expiry: 190 with this subcode. */
  invalidated?: { subcode: number; message?: string }
  /** A short-lived USER token (about an hour), which an exchange turns into a long-lived one. */
  shortLived?: boolean
}

/** The simulator's truth about one token. */
export interface TokenRecord {
  token: string
  type: MetaTokenType
  userId: string
  appId: string
  expiresAt: number
  issuedAt: number | null
  dataAccessExpiresAt: number | null
  scopes: string[]
  profileId: string | null
  invalidated: { subcode: number; message: string } | null
  shortLived: boolean
  revoked: boolean
  /** `seeded` by a test, or minted by an `exchange`. */
  origin: 'seeded' | 'exchange'
}

export interface AppInfo {
  appId: string
  name: string
}

const DAY = 86_400

/** Meta's documented `expires_in` of a 60-day token, in seconds. */
export const SIXTY_DAYS_EXPIRES_IN = 5_183_944

const DEFAULT_SCOPES: Record<MetaTokenType, string[]> = {
  USER: ['ads_read', 'ads_management', 'business_management', 'public_profile'],
  PAGE: ['pages_show_list', 'pages_read_engagement', 'ads_read'],
  SYSTEM_USER: ['ads_read', 'ads_management', 'business_management'],
  APP: [],
}

export class TokenStore {
  readonly #records = new Map<string, TokenRecord>()
  readonly #random: () => number

  constructor(random: () => number) {
    this.#random = random
  }

  get size(): number {
    return this.#records.size
  }

  get(token: string): TokenRecord | undefined {
    return this.#records.get(token)
  }

  records(): IterableIterator<TokenRecord> {
    return this.#records.values()
  }

  /** Adds a token and returns its record; `nowSeconds` sets default data-access expiry. */
  add(
    spec: TokenSpec,
    appId: string,
    nowSeconds: number,
    origin: TokenRecord['origin'] = 'seeded',
  ): TokenRecord {
    const record: TokenRecord = {
      token: this.#newTokenString(),
      type: spec.type,
      userId: spec.userId,
      appId: spec.appId ?? appId,
      expiresAt: spec.expiresAt,
      issuedAt: spec.issuedAt ?? null,
      dataAccessExpiresAt: defaultDataAccess(spec, nowSeconds),
      scopes: spec.scopes ?? DEFAULT_SCOPES[spec.type],
      profileId: spec.profileId ?? null,
      invalidated: spec.invalidated
        ? {
            subcode: spec.invalidated.subcode,
            message:
              spec.invalidated.message ??
              invalidatedMessage(spec.invalidated.subcode, spec.appId ?? appId),
          }
        : null,
      shortLived: spec.shortLived ?? false,
      revoked: false,
      origin,
    }
    this.#records.set(record.token, record)
    return record
  }

  /** Meta-like token text: `EAA` and 150 base62 characters, unique in this store. */
  #newTokenString(): string {
    for (;;) {
      const token = `EAA${base62(this.#random, 150)}`
      if (!this.#records.has(token)) return token
    }
  }
}

function defaultDataAccess(spec: TokenSpec, nowSeconds: number): number | null {
  if (spec.dataAccessExpiresAt !== undefined) return spec.dataAccessExpiresAt
  if (spec.type === 'SYSTEM_USER') return 0
  if (spec.type === 'APP') return null
  return (spec.issuedAt ?? nowSeconds) + 90 * DAY
}

/** Returns why a token is not valid at `nowSeconds`, or null when it is valid. */
export function tokenError(
  record: TokenRecord,
  nowSeconds: number,
): { code: number; subcode?: number; message: string } | null {
  if (record.revoked) return { code: 190, message: REVOKED_MESSAGE }
  if (record.invalidated) {
    return {
      code: 190,
      subcode: record.invalidated.subcode,
      message: record.invalidated.message,
    }
  }
  if (record.expiresAt !== 0 && record.expiresAt <= nowSeconds) {
    return sessionExpired(record.expiresAt, nowSeconds)
  }
  return null
}

/**
 * Builds the `data` object of `debug_token` for a known token, field order
 * as in Meta's examples. An APP token shows only app_id, type, application,
 * is_valid and scopes. An invalidated or revoked token shows expires_at 0.
 */
export function debugTokenData(
  record: TokenRecord,
  app: AppInfo,
  nowSeconds: number,
): Record<string, unknown> {
  const error = tokenError(record, nowSeconds)
  if (record.type === 'APP') {
    return {
      app_id: record.appId,
      type: 'APP',
      application: app.name,
      is_valid: error === null,
      scopes: [],
    }
  }

  const data: Record<string, unknown> = {
    app_id: record.appId,
    type: record.type,
    application: app.name,
  }
  if (record.dataAccessExpiresAt !== null) {
    data.data_access_expires_at = record.dataAccessExpiresAt
  }
  if (error) data.error = error
  const cutShort = record.revoked || record.invalidated !== null
  data.expires_at = cutShort ? 0 : record.expiresAt
  data.is_valid = error === null
  if (record.issuedAt !== null) data.issued_at = record.issuedAt
  if (record.profileId !== null) data.profile_id = record.profileId
  data.scopes = record.scopes
  if (!cutShort) data.granular_scopes = granularScopes(record)
  data.user_id = record.userId
  return data
}

/** Builds `granular_scopes`: a Page token's page permissions name the Page in `target_ids`, other scopes apply to all targets. */
function granularScopes(record: TokenRecord): object[] {
  return record.scopes.map((scope) =>
    record.profileId !== null && scope.startsWith('pages_')
      ? { scope, target_ids: [record.profileId] }
      : { scope },
  )
}

/** `data` of a string Meta cannot read: HTTP 200, is_valid false and an error. */
export function unreadableTokenData(token: string): Record<string, unknown> {
  const message = looksLikeMetaToken(token)
    ? 'The access token could not be decrypted'
    : 'Invalid OAuth access token - Cannot parse access token'
  return { error: { code: 190, message }, is_valid: false, scopes: [] }
}

/** True for text shaped like a Meta access token (EAA and a long base62 run) that Meta never issued. */
export function looksLikeMetaToken(token: string): boolean {
  return /^EAA[A-Za-z0-9]{90,}$/.test(token)
}
