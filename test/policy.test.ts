import { describe, expect, it } from 'vitest'
import {
  daysBetween,
  decide,
  isShortLived,
  judgeRefresh,
  type Decision,
  type PolicyContext,
} from '../src/policy.ts'
import type { TokenInfo } from '../src/types.ts'

const APP_ID = '1234567890'
const NOW = new Date('2026-12-01T12:00:00Z')
const DAY = 86_400_000

const context: PolicyContext = {
  now: NOW,
  refreshBeforeDays: 30,
  warnBeforeDays: 14,
  appId: APP_ID,
}

function inDays(days: number): Date {
  return new Date(NOW.getTime() + days * DAY)
}

function token(overrides: Partial<TokenInfo>): TokenInfo {
  return {
    type: 'USER',
    isValid: true,
    appId: APP_ID,
    userId: '10001',
    profileId: null,
    expiresAt: inDays(50),
    dataAccessExpiresAt: inDays(80),
    issuedAt: inDays(-10),
    scopes: ['ads_read', 'ads_management', 'public_profile'],
    error: null,
    ...overrides,
  }
}

interface Row {
  name: string
  info: TokenInfo
  ctx?: Partial<PolicyContext>
  status: Decision['status']
  plan: Decision['plan']
  needsMigration: boolean
  reason: string
}

const rows: Row[] = [
  {
    name: 'expired user token (190/463)',
    info: token({
      isValid: false,
      expiresAt: new Date('2026-10-30T17:00:00Z'),
      error: { code: 190, subcode: 463, message: 'Session has expired' },
    }),
    status: 'expired',
    plan: 'none',
    needsMigration: true,
    reason: 'expired on 2026-10-30',
  },
  {
    name: 'invalid token with past expiry and no subcode',
    info: token({
      isValid: false,
      expiresAt: inDays(-3),
      error: { code: 190, subcode: null, message: 'Error validating' },
    }),
    status: 'expired',
    plan: 'none',
    needsMigration: true,
    reason: 'expired on 2026-11-28',
  },
  {
    name: 'password changed (190/460, expires_at 0)',
    info: token({
      isValid: false,
      expiresAt: null,
      error: { code: 190, subcode: 460, message: 'password changed' },
    }),
    status: 'invalid',
    plan: 'none',
    needsMigration: true,
    reason: 'changed their password',
  },
  {
    name: 'Page role lost (190/492)',
    info: token({
      type: 'PAGE',
      isValid: false,
      expiresAt: null,
      error: { code: 190, subcode: 492, message: 'Invalid session' },
    }),
    status: 'invalid',
    plan: 'none',
    needsMigration: true,
    reason: 'role on the Page',
  },
  {
    name: 'garbage in the secret',
    info: token({
      type: 'UNKNOWN',
      isValid: false,
      appId: null,
      userId: null,
      expiresAt: null,
      dataAccessExpiresAt: null,
      issuedAt: null,
      scopes: [],
      error: {
        code: 190,
        subcode: null,
        message: 'Invalid OAuth access token - Cannot parse access token',
      },
    }),
    status: 'invalid',
    plan: 'none',
    needsMigration: false,
    reason: 'not a Meta access token',
  },
  {
    name: 'valid token of another app',
    info: token({ appId: '999' }),
    status: 'invalid',
    plan: 'none',
    needsMigration: true,
    reason: 'issued for another app (ID 999)',
  },
  {
    name: 'token Meta refused as another app',
    info: token({
      type: 'UNKNOWN',
      isValid: false,
      appId: null,
      expiresAt: null,
      error: {
        code: 100,
        subcode: null,
        message:
          '(#100) The App_id in the input_token did not match the Viewing App',
      },
    }),
    status: 'invalid',
    plan: 'none',
    needsMigration: false,
    reason: 'issued for another app',
  },
  {
    name: 'System User token that never expires',
    info: token({
      type: 'SYSTEM_USER',
      expiresAt: null,
      dataAccessExpiresAt: null,
    }),
    status: 'healthy',
    plan: 'none',
    needsMigration: false,
    reason: 'does not expire',
  },
  {
    name: 'System User token with 10 days left',
    info: token({ type: 'SYSTEM_USER', expiresAt: inDays(10) }),
    status: 'expiring',
    plan: 'refresh-system-user',
    needsMigration: false,
    reason: 'expires on 2026-12-11, due for refresh',
  },
  {
    name: 'System User token with 20 days left',
    info: token({ type: 'SYSTEM_USER', expiresAt: inDays(20) }),
    status: 'healthy',
    plan: 'refresh-system-user',
    needsMigration: false,
    reason: 'due for refresh',
  },
  {
    name: 'System User token with 45 days left',
    info: token({ type: 'SYSTEM_USER', expiresAt: inDays(45) }),
    status: 'healthy',
    plan: 'none',
    needsMigration: false,
    reason: 'expires on 2027-01-15',
  },
  {
    name: 'short-lived user token',
    info: token({ expiresAt: inDays(2 / 24), issuedAt: null }),
    status: 'expiring',
    plan: 'exchange-user',
    needsMigration: true,
    reason: 'Short-lived user token; expires on 2026-12-01 14:00 UTC',
  },
  {
    name: 'short-lived user token, refresh window 0',
    info: token({ expiresAt: inDays(2 / 24), issuedAt: null }),
    ctx: { refreshBeforeDays: 0, warnBeforeDays: 0 },
    status: 'expiring',
    plan: 'exchange-user',
    needsMigration: true,
    reason: 'Short-lived',
  },
  {
    name: 'short-lived user token with issued_at',
    info: token({ expiresAt: inDays(0.5), issuedAt: inDays(-0.5) }),
    ctx: { refreshBeforeDays: 0 },
    status: 'expiring',
    plan: 'exchange-user',
    needsMigration: true,
    reason: 'Short-lived',
  },
  {
    name: 'long-lived user token with 10 days left',
    info: token({ expiresAt: inDays(10) }),
    status: 'expiring',
    plan: 'exchange-user',
    needsMigration: true,
    reason:
      'Meta does not extend long-lived user tokens; expires on 2026-12-11',
  },
  {
    name: 'long-lived user token with 20 days left',
    info: token({ expiresAt: inDays(20) }),
    status: 'healthy',
    plan: 'exchange-user',
    needsMigration: true,
    reason: 'Meta does not extend long-lived user tokens',
  },
  {
    name: 'user token with 50 days left',
    info: token({ expiresAt: inDays(50) }),
    status: 'healthy',
    plan: 'none',
    needsMigration: true,
    reason: 'expires on 2027-01-20',
  },
  {
    name: 'user token with 20 days left, refresh window 0',
    info: token({ expiresAt: inDays(20) }),
    ctx: { refreshBeforeDays: 0, warnBeforeDays: 0 },
    status: 'healthy',
    plan: 'none',
    needsMigration: true,
    reason: 'expires on 2026-12-21',
  },
  {
    name: 'Page token that never expires',
    info: token({ type: 'PAGE', expiresAt: null, profileId: '555' }),
    status: 'healthy',
    plan: 'none',
    needsMigration: true,
    reason: 'Page token; it does not expire',
  },
  {
    name: 'Page token with 10 days left',
    info: token({ type: 'PAGE', expiresAt: inDays(10), profileId: '555' }),
    status: 'expiring',
    plan: 'exchange-user',
    needsMigration: true,
    reason: 'expires on 2026-12-11',
  },
  {
    name: 'app token',
    info: token({ type: 'APP', userId: null, expiresAt: null, scopes: [] }),
    status: 'healthy',
    plan: 'none',
    needsMigration: false,
    reason: 'App access token',
  },
  {
    name: 'unknown token type',
    info: token({ type: 'UNKNOWN', expiresAt: inDays(50) }),
    status: 'healthy',
    plan: 'none',
    needsMigration: false,
    reason: 'unknown token type; expires on 2027-01-20',
  },
  {
    name: 'data access expired',
    info: token({
      dataAccessExpiresAt: new Date('2026-11-20T00:00:00Z'),
      scopes: ['ads_read', 'user_posts', 'public_profile'],
    }),
    status: 'expiring',
    plan: 'none',
    needsMigration: true,
    reason:
      'Data access expired on 2026-11-20: the token reads nothing until the user re-authorizes',
  },
  {
    name: 'data access expires within the warning',
    info: token({ dataAccessExpiresAt: inDays(5), scopes: ['user_posts'] }),
    status: 'expiring',
    plan: 'none',
    needsMigration: true,
    reason: 'Data access expires on 2026-12-06',
  },
  {
    name: 'data access expired, only exempt permissions',
    info: token({
      dataAccessExpiresAt: inDays(-10),
      scopes: ['ads_read', 'pages_manage_ads', 'public_profile'],
    }),
    status: 'healthy',
    plan: 'none',
    needsMigration: true,
    reason: 'expires on 2027-01-20',
  },
  {
    name: 'data access expired with a refresh due',
    info: token({
      expiresAt: inDays(10),
      dataAccessExpiresAt: inDays(-1),
      scopes: ['user_posts'],
    }),
    status: 'expiring',
    plan: 'exchange-user',
    needsMigration: true,
    reason: 'Data access expired on 2026-11-30',
  },
]

describe('decide', () => {
  it.each(rows)('$name', (row) => {
    const decision = decide(row.info, { ...context, ...row.ctx })

    expect(decision.status).toBe(row.status)
    expect(decision.plan).toBe(row.plan)
    expect(decision.needsMigration).toBe(row.needsMigration)
    expect(decision.reason).toContain(row.reason)
  })

  it('gives a fix for every status but healthy without migration', () => {
    for (const row of rows) {
      const decision = decide(row.info, { ...context, ...row.ctx })
      const needsNothing =
        decision.status === 'healthy' &&
        decision.plan === 'none' &&
        !decision.needsMigration
      expect(decision.fix === null, row.name).toBe(needsNothing)
    }
  })

  it('writes no countdown in reasons', () => {
    for (const row of rows) {
      const { reason } = decide(row.info, { ...context, ...row.ctx })
      expect(reason, row.name).not.toMatch(/\bin \d+ days?\b|days? left/i)
    }
  })
})

describe('judgeRefresh', () => {
  const before = token({ expiresAt: inDays(10) })

  it('accepts a later expiry', () => {
    const verdict = judgeRefresh(
      before,
      token({ expiresAt: inDays(60) }),
      context,
    )
    expect(verdict.accept).toBe(true)
    expect(verdict.reason).toContain('expires on 2027-01-30')
  })

  it('accepts a token that never expires', () => {
    const verdict = judgeRefresh(before, token({ expiresAt: null }), context)
    expect(verdict.accept).toBe(true)
  })

  it.each([
    {
      name: 'invalid new token',
      after: token({
        isValid: false,
        error: { code: 190, subcode: 467, message: 'Invalid token' },
      }),
      reason: 'as invalid (Invalid token)',
    },
    {
      name: 'another app',
      after: token({ appId: '999', expiresAt: inDays(60) }),
      reason: 'another app (ID 999)',
    },
    {
      name: 'another user',
      after: token({ userId: '20002', expiresAt: inDays(60) }),
      reason: 'another user (ID 20002)',
    },
    {
      name: 'same expiry',
      after: token({ expiresAt: inDays(10) }),
      reason:
        'does not expire later than the current one (expires on 2026-12-11)',
    },
    {
      name: 'earlier expiry',
      after: token({ expiresAt: inDays(9) }),
      reason: 'does not expire later',
    },
  ])('rejects $name', ({ after, reason }) => {
    const verdict = judgeRefresh(before, after, context)
    expect(verdict.accept).toBe(false)
    expect(verdict.reason).toContain(reason)
  })

  it('rejects anything after a token that never expires', () => {
    const never = token({ expiresAt: null })
    const verdict = judgeRefresh(never, token({ expiresAt: null }), context)
    expect(verdict.accept).toBe(false)
    expect(verdict.reason).toContain('does not expire')
  })
})

describe('daysBetween', () => {
  it('returns fractional days', () => {
    expect(daysBetween(NOW, inDays(1.5))).toBe(1.5)
  })

  it('is negative for an earlier date', () => {
    expect(daysBetween(NOW, inDays(-2))).toBe(-2)
  })
})

describe('isShortLived', () => {
  it('counts from now without issued_at', () => {
    expect(
      isShortLived(token({ issuedAt: null, expiresAt: inDays(1) }), NOW),
    ).toBe(true)
  })

  it('counts from issued_at when given', () => {
    const info = token({ issuedAt: inDays(-59), expiresAt: inDays(0.5) })
    expect(isShortLived(info, NOW)).toBe(false)
  })

  it('is false for a token that never expires', () => {
    expect(isShortLived(token({ expiresAt: null, issuedAt: null }), NOW)).toBe(
      false,
    )
  })
})
