import { describe, expect, it } from 'vitest'
import { GraphError } from '../../src/meta/errors.ts'
import {
  describeInvalid,
  foreignAppTokenInfo,
  formatDay,
  parseDebugToken,
} from '../../src/meta/token-info.ts'
import type { TokenInfo } from '../../src/types.ts'

function errorOf(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

const APP_ID = '1234567890'

describe('parseDebugToken', () => {
  it('reads a valid user token', () => {
    const info = parseDebugToken({
      data: {
        app_id: APP_ID,
        type: 'USER',
        application: 'Agency Reports',
        data_access_expires_at: 1_800_000_000,
        expires_at: 1_790_000_000,
        issued_at: 1_784_000_000,
        is_valid: true,
        scopes: ['ads_read', 'pages_show_list'],
        granular_scopes: [{ scope: 'pages_show_list', target_ids: [111, 222] }],
        user_id: '10001',
      },
    })

    expect(info.type).toBe('USER')
    expect(info.isValid).toBe(true)
    expect(info.appId).toBe(APP_ID)
    expect(info.userId).toBe('10001')
    expect(info.expiresAt?.getTime()).toBe(1_790_000_000_000)
    expect(info.dataAccessExpiresAt?.getTime()).toBe(1_800_000_000_000)
    expect(info.issuedAt?.getTime()).toBe(1_784_000_000_000)
    expect(info.scopes).toEqual(['ads_read', 'pages_show_list'])
    expect(info.error).toBeNull()
  })

  it('reads a System User token that never expires', () => {
    const info = parseDebugToken({
      data: {
        app_id: APP_ID,
        type: 'SYSTEM_USER',
        application: 'Agency Reports',
        data_access_expires_at: 0,
        expires_at: 0,
        is_valid: true,
        issued_at: 1_780_000_000,
        scopes: ['ads_read', 'business_management'],
        user_id: '20002',
      },
    })

    expect(info.type).toBe('SYSTEM_USER')
    expect(info.expiresAt).toBeNull()
    expect(info.dataAccessExpiresAt).toBeNull()
    expect(info.issuedAt).not.toBeNull()
  })

  it('reads a Page token with numeric IDs', () => {
    const info = parseDebugToken({
      data: {
        app_id: 1234567890,
        type: 'PAGE',
        application: 'Agency Reports',
        expires_at: 0,
        is_valid: true,
        profile_id: 5550001,
        scopes: ['pages_show_list'],
        user_id: 10001,
      },
    })

    expect(info.type).toBe('PAGE')
    expect(info.appId).toBe(APP_ID)
    expect(info.profileId).toBe('5550001')
    expect(info.userId).toBe('10001')
    expect(info.expiresAt).toBeNull()
  })

  it('reads an app token', () => {
    const info = parseDebugToken({
      data: {
        app_id: APP_ID,
        type: 'APP',
        application: 'Agency Reports',
        is_valid: true,
        scopes: [],
      },
    })

    expect(info.type).toBe('APP')
    expect(info.userId).toBeNull()
    expect(info.expiresAt).toBeNull()
    expect(info.issuedAt).toBeNull()
  })

  it('reads an expired user token', () => {
    const info = parseDebugToken({
      data: {
        app_id: APP_ID,
        type: 'USER',
        application: 'Agency Reports',
        error: {
          code: 190,
          message:
            'Error validating access token: Session has expired on Thursday, 30-Oct-26 10:00:00 PDT. The current time is Monday, 01-Dec-26 04:00:00 PST.',
          subcode: 463,
        },
        expires_at: 1_793_379_600,
        is_valid: false,
        scopes: ['ads_read'],
        user_id: '10001',
      },
    })

    expect(info.isValid).toBe(false)
    expect(info.expiresAt?.toISOString()).toBe('2026-10-30T17:00:00.000Z')
    expect(info.error?.code).toBe(190)
    expect(info.error?.subcode).toBe(463)
    expect(info.userId).toBe('10001')
  })

  it('keeps expires_at 0 of an invalidated token as unknown', () => {
    const info = parseDebugToken({
      data: {
        app_id: APP_ID,
        type: 'USER',
        error: {
          code: 190,
          message:
            'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
          subcode: 460,
        },
        expires_at: 0,
        is_valid: false,
        scopes: [],
        user_id: '10001',
      },
    })

    expect(info.isValid).toBe(false)
    expect(info.expiresAt).toBeNull()
    expect(info.error?.subcode).toBe(460)
  })

  it('reads garbage in the input token', () => {
    const info = parseDebugToken({
      data: {
        error: {
          code: 190,
          message: 'Invalid OAuth access token - Cannot parse access token',
        },
        is_valid: false,
        scopes: [],
      },
    })

    expect(info.type).toBe('UNKNOWN')
    expect(info.isValid).toBe(false)
    expect(info.appId).toBeNull()
    expect(info.error?.subcode).toBeNull()
  })

  it('maps an unknown type to UNKNOWN', () => {
    const info = parseDebugToken({
      data: { app_id: APP_ID, type: 'BUSINESS_PARTNER', is_valid: true },
    })
    expect(info.type).toBe('UNKNOWN')
  })

  it('redacts the error message', () => {
    const leaked = `EAAB${'x7Q'.repeat(20)}`
    const info = parseDebugToken({
      data: {
        is_valid: false,
        error: { code: 190, message: `Bad token ${leaked}` },
      },
    })
    expect(info.error?.message).not.toContain(leaked)
    expect(info.error?.message).toContain('Bad token')
  })

  it('throws a GraphError without data', () => {
    expect(() => parseDebugToken({ error: 'nope' })).toThrow(GraphError)
  })

  it('throws a GraphError without is_valid', () => {
    expect(() => parseDebugToken({ data: { type: 'USER' } })).toThrow(
      GraphError,
    )
  })

  it('reads times and codes sent as text', () => {
    const info = parseDebugToken({
      data: {
        is_valid: false,
        expires_at: '1790000000',
        error: { code: '190', error_subcode: '463' },
      },
    })
    expect(info.expiresAt?.getTime()).toBe(1_790_000_000_000)
    expect(info.error?.code).toBe(190)
    expect(info.error?.subcode).toBe(463)
  })

  it.each([
    ['a list as data', { data: [] }, 'no `data` object'],
    ['is_valid as text', { data: { is_valid: 'true' } }, '`is_valid`'],
    ['an ID as a list', { data: { is_valid: true, user_id: [1] } }, 'user_id'],
    ['a type as a number', { data: { is_valid: true, type: 3 } }, 'type'],
    [
      'a time with a unit',
      { data: { is_valid: true, expires_at: '10s' } },
      'expires_at',
    ],
    [
      'scopes as text',
      { data: { is_valid: true, scopes: 'ads_read' } },
      'scopes',
    ],
    [
      'a scope as a number',
      { data: { is_valid: true, scopes: [1] } },
      'scopes',
    ],
    ['error as text', { data: { is_valid: false, error: 'bad' } }, 'error'],
    [
      'a subcode as null',
      { data: { is_valid: false, error: { code: 190, error_subcode: null } } },
      'error_subcode',
    ],
  ])('rejects %s', (_, body, field) => {
    const error = errorOf(() => parseDebugToken(body))
    expect(error).toBeInstanceOf(GraphError)
    expect((error as GraphError).kind).toBe('other')
    expect(error.message).toContain('debug_token returned an unexpected body')
    expect(error.message).toContain(field)
  })
})

function invalidToken(
  subcode: number | null,
  message: string,
  expiresAt: Date | null = null,
): TokenInfo {
  return {
    type: 'USER',
    isValid: false,
    appId: APP_ID,
    userId: '10001',
    profileId: null,
    expiresAt,
    dataAccessExpiresAt: null,
    issuedAt: null,
    scopes: [],
    error: { code: 190, subcode, message },
  }
}

describe('describeInvalid', () => {
  it.each([
    { subcode: 460, status: 'invalid', reason: 'changed their password' },
    { subcode: 458, status: 'invalid', reason: 'removed the app' },
    { subcode: 459, status: 'invalid', reason: 'log in on facebook.com' },
    { subcode: 464, status: 'invalid', reason: 'not confirmed' },
    {
      subcode: 467,
      status: 'invalid',
      reason: 'logged out or the token was revoked',
    },
    { subcode: 492, status: 'invalid', reason: 'role on the Page' },
  ])('explains subcode $subcode', ({ subcode, status, reason }) => {
    const described = describeInvalid(invalidToken(subcode, 'Meta text'))
    expect(described.status).toBe(status)
    expect(described.reason).toContain(reason)
    expect(described.fix).toContain('System User')
  })

  it('dates an expired token', () => {
    const described = describeInvalid(
      invalidToken(
        463,
        'Session has expired',
        new Date('2026-10-30T17:00:00Z'),
      ),
    )
    expect(described.status).toBe('expired')
    expect(described.reason).toBe('The access token expired on 2026-10-30.')
  })

  it('counts a past expiry as expired', () => {
    const info = invalidToken(null, 'Error', new Date('2026-11-01T00:00:00Z'))
    const described = describeInvalid(info, new Date('2026-12-01T00:00:00Z'))
    expect(described.status).toBe('expired')
  })

  it('explains a token Meta cannot parse', () => {
    const described = describeInvalid(
      invalidToken(
        null,
        'Invalid OAuth access token - Cannot parse access token',
      ),
    )
    expect(described.status).toBe('invalid')
    expect(described.reason).toContain('not a Meta access token')
  })

  it('explains a token that could not be decrypted', () => {
    const described = describeInvalid(
      invalidToken(null, 'The access token could not be decrypted'),
    )
    expect(described.status).toBe('invalid')
    expect(described.reason).toContain('could not decrypt')
  })

  it('quotes an unknown error', () => {
    const described = describeInvalid(invalidToken(999, 'Something new'))
    expect(described.status).toBe('invalid')
    expect(described.reason).toContain('error 190/999: Something new')
  })
})

describe('foreignAppTokenInfo', () => {
  it('builds an invalid token for another app', () => {
    const info = foreignAppTokenInfo({
      message:
        '(#100) The App_id in the input_token did not match the Viewing App',
      code: 100,
      subcode: null,
      httpStatus: 400,
      isTransient: null,
    })
    expect(info?.isValid).toBe(false)
    expect(describeInvalid(info as TokenInfo).reason).toContain(
      'issued for another app',
    )
  })

  it('returns null for other errors', () => {
    const info = foreignAppTokenInfo({
      message: '(#100) Missing parameter',
      code: 100,
      subcode: null,
      httpStatus: 400,
      isTransient: null,
    })
    expect(info).toBeNull()
  })
})

describe('formatDay', () => {
  it('uses the UTC date', () => {
    expect(formatDay(new Date('2026-10-30T23:30:00-05:00'))).toBe('2026-10-31')
  })
})
