/**
 * Pure decisions on one token: its status, and whether to exchange or refresh
 * it, from its `debug_token` facts and the run's thresholds. There is no I/O
 * and no clock, because `now` comes in. Dates in reasons are absolute (UTC),
 * so a report stays true when read later.
 */
import { describeInvalid, formatDay } from './meta/token-info.ts'
import type { TokenInfo } from './types.ts'

export interface PolicyContext {
  now: Date
  /** Refresh a token that expires within this many days. */
  refreshBeforeDays: number
  /** Report a token that is not refreshed as expiring within this many days. */
  warnBeforeDays: number
  /** ID of the app the keeper runs as. A token of another app cannot be inspected or refreshed. */
  appId: string
}

export type Plan = 'none' | 'exchange-user' | 'refresh-system-user'

export interface Decision {
  /** Status when the plan is not carried out or does not succeed. */
  status: 'healthy' | 'expiring' | 'expired' | 'invalid'
  plan: Plan
  reason: string
  fix: string | null
  /** True for user and Page tokens, which a System User token should replace. */
  needsMigration: boolean
}

const DAY_MS = 86_400_000

const MIGRATE =
  'Move the client to a System User token, which either never expires or can be refreshed by the keeper.'

const REAUTHORIZE_DATA =
  'Ask the user to log in to the app again to restore data access, or better, move the client to a System User token.'

/**
 * Permissions that Meta exempts from the 90-day data access expiration
 * ("Data Access Expiration" in Meta's Facebook Login docs). `pages_manage_`
 * is a prefix.
 */
const LASTING_PERMISSIONS = new Set([
  'ads_read',
  'ads_management',
  'business_management',
  'pages_show_list',
  'pages_read_engagement',
  'pages_read_user_content',
  'pages_messaging',
  'read_insights',
  'read_audience_network_insights',
])

/** Returns the days from `from` to `to`, fractional, negative when `to` is earlier. */
export function daysBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / DAY_MS
}

/**
 * True for a token that lives at most 24 hours from issue: a short-lived
 * user token. Meta leaves out `issued_at` for short-lived tokens, so the
 * lifetime then counts from `now`.
 */
export function isShortLived(info: TokenInfo, now: Date): boolean {
  if (info.expiresAt === null) return false
  const start = info.issuedAt ?? now
  return info.expiresAt.getTime() - start.getTime() <= DAY_MS
}

/** Decides the status of a token and whether to exchange or refresh it. */
export function decide(info: TokenInfo, ctx: PolicyContext): Decision {
  const needsMigration = info.type === 'USER' || info.type === 'PAGE'

  if (!info.isValid) {
    const { status, reason, fix } = describeInvalid(info, ctx.now)
    return { status, plan: 'none', reason, fix, needsMigration }
  }
  if (info.appId !== null && info.appId !== ctx.appId) {
    return {
      status: 'invalid',
      plan: 'none',
      reason: `The access token was issued for another app (ID ${info.appId}), so this app cannot inspect or refresh it.`,
      fix: `Create the token with app ${ctx.appId}, or run the keeper with the credentials of app ${info.appId}.`,
      needsMigration,
    }
  }

  const decision = { ...decideByType(info, ctx), needsMigration }
  return withDataAccess(decision, info, ctx)
}

type TypeDecision = Omit<Decision, 'needsMigration'>

function decideByType(info: TokenInfo, ctx: PolicyContext): TypeDecision {
  switch (info.type) {
    case 'SYSTEM_USER':
      return decideSystemUser(info, ctx)
    case 'USER':
      if (isShortLived(info, ctx.now)) return decideShortLived(info)
      return decideLongLived(info, ctx, 'user')
    case 'PAGE':
      return decideLongLived(info, ctx, 'Page')
    case 'APP':
      return healthy('App access token; it does not expire.', null)
    case 'UNKNOWN':
      return healthy(
        `Token of an unknown token type${expiryClause(info.expiresAt)}.`,
        null,
      )
  }
}

function healthy(reason: string, fix: string | null): TypeDecision {
  return { status: 'healthy', plan: 'none', reason, fix }
}

function expiryClause(expiresAt: Date | null): string {
  return expiresAt ? `; expires on ${formatDay(expiresAt)}` : ''
}

/** `expiring` within the warning window, else `healthy`. */
function statusByExpiry(
  expiresAt: Date,
  ctx: PolicyContext,
): 'healthy' | 'expiring' {
  return daysBetween(ctx.now, expiresAt) <= ctx.warnBeforeDays
    ? 'expiring'
    : 'healthy'
}

function isDue(expiresAt: Date, ctx: PolicyContext): boolean {
  return daysBetween(ctx.now, expiresAt) <= ctx.refreshBeforeDays
}

function decideSystemUser(info: TokenInfo, ctx: PolicyContext): TypeDecision {
  const expiresAt = info.expiresAt
  if (expiresAt === null) {
    return healthy('System User token; it does not expire.', null)
  }

  const day = formatDay(expiresAt)
  if (!isDue(expiresAt, ctx)) {
    return healthy(`System User token; expires on ${day}.`, null)
  }
  return {
    status: statusByExpiry(expiresAt, ctx),
    plan: 'refresh-system-user',
    reason: `System User token; expires on ${day}, due for refresh.`,
    fix: `If the refresh keeps failing, generate a new System User token in Business Settings before ${day}.`,
  }
}

/** Decides for a short-lived token, which lives hours, so it is exchanged regardless of `refreshBeforeDays`. */
function decideShortLived(info: TokenInfo): TypeDecision {
  const expiresAt = info.expiresAt as Date
  const moment = `${formatDay(expiresAt)} ${expiresAt.toISOString().slice(11, 16)} UTC`
  return {
    status: 'expiring',
    plan: 'exchange-user',
    reason: `Short-lived user token; expires on ${moment}, due for exchange to a long-lived token.`,
    fix: `Store a long-lived token before ${moment}, or better: ${MIGRATE}`,
  }
}

/**
 * Decides for a long-lived user or Page token. Meta's docs do not say that an exchange
 * extends a long-lived token, and a field report shows the expiry unchanged,
 * so the exchange is tried and `judgeRefresh` accepts it only when the
 * expiry really moved later.
 */
function decideLongLived(
  info: TokenInfo,
  ctx: PolicyContext,
  kind: 'user' | 'Page',
): TypeDecision {
  const expiresAt = info.expiresAt
  if (expiresAt === null) {
    const reason =
      kind === 'Page'
        ? 'Page token; it does not expire, but stops working when its user loses the Page role or changes their password.'
        : 'User token; it does not expire.'
    return healthy(reason, MIGRATE)
  }

  const day = formatDay(expiresAt)
  if (!isDue(expiresAt, ctx)) {
    return healthy(`Long-lived ${kind} token; expires on ${day}.`, MIGRATE)
  }
  return {
    status: statusByExpiry(expiresAt, ctx),
    plan: 'exchange-user',
    reason: `Meta does not extend long-lived ${kind} tokens; expires on ${day}.`,
    fix: `Ask the client to log in to the app again before ${day}, or better: ${MIGRATE}`,
  }
}

/**
 * Marks a valid user token as expiring when its data access has expired or
 * expires within the warning window. Permissions that Meta exempts from
 * data access expiration keep working, so a token holding only those is
 * left alone.
 */
function withDataAccess(
  decision: Decision,
  info: TokenInfo,
  ctx: PolicyContext,
): Decision {
  const until = info.dataAccessExpiresAt
  if (info.type !== 'USER' || until === null) return decision
  if (holdsOnlyLastingPermissions(info.scopes)) return decision
  if (daysBetween(ctx.now, until) > ctx.warnBeforeDays) return decision

  const day = formatDay(until)
  const warning =
    until <= ctx.now
      ? `Data access expired on ${day}: the token reads nothing until the user re-authorizes.`
      : `Data access expires on ${day}: from then on the token reads nothing until the user re-authorizes.`
  return {
    ...decision,
    status: decision.status === 'healthy' ? 'expiring' : decision.status,
    reason: `${warning} ${decision.reason}`,
    fix: REAUTHORIZE_DATA,
  }
}

/**
 * True when every scope is exempt from data access expiration.
 * NOTE: `public_profile` is left out of the check: every user token contains
 * it and an agency reads no profile data, but Meta does not list it as
 * exempt. An empty scope list is not "only lasting".
 */
function holdsOnlyLastingPermissions(scopes: string[]): boolean {
  const relevant = scopes.filter((scope) => scope !== 'public_profile')
  return (
    relevant.length > 0 &&
    relevant.every(
      (scope) =>
        LASTING_PERMISSIONS.has(scope) || scope.startsWith('pages_manage_'),
    )
  )
}

/**
 * Accepts a refreshed token only if Meta reports it valid, for the same app
 * and user, and expiring later than the current one. "Never" counts as later
 * than any date, and nothing is later than "never". A rejection's reason
 * names the check that failed.
 */
export function judgeRefresh(
  before: TokenInfo,
  after: TokenInfo,
  ctx: PolicyContext,
): { accept: true; reason: string } | { accept: false; reason: string } {
  if (!after.isValid) {
    const quoted = after.error ? ` (${after.error.message})` : ''
    return {
      accept: false,
      reason: `Meta reports the new token as invalid${quoted}.`,
    }
  }
  if (after.appId !== before.appId || after.appId !== ctx.appId) {
    return {
      accept: false,
      reason: `The new token belongs to another app (ID ${after.appId ?? 'unknown'}).`,
    }
  }
  if (after.userId !== before.userId) {
    return {
      accept: false,
      reason: `The new token belongs to another user (ID ${after.userId ?? 'unknown'}).`,
    }
  }
  if (!expiresLater(after.expiresAt, before.expiresAt)) {
    return {
      accept: false,
      reason: `The new token does not expire later than the current one (${describeExpiry(before.expiresAt)}).`,
    }
  }
  return {
    accept: true,
    reason: `Refreshed: the new token ${describeExpiry(after.expiresAt)}, the old one ${describeExpiry(before.expiresAt)}.`,
  }
}

function expiresLater(after: Date | null, before: Date | null): boolean {
  if (before === null) return false
  if (after === null) return true
  return after.getTime() > before.getTime()
}

function describeExpiry(expiresAt: Date | null): string {
  return expiresAt ? `expires on ${formatDay(expiresAt)}` : 'does not expire'
}
