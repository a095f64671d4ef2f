/**
 * The bundled action on each kind of token over real HTTP. Expiring System
 * User tokens are refreshed, verified and written, and the replaced token is
 * revoked only after that. Page tokens, tokens of another app, user tokens
 * whose data access lapses and short-lived user tokens follow. Every secret
 * is opened afterwards to check what was written, or that nothing was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RequestLogEntry, Sandbox } from '../sim/index.ts'
import type { TokenSpec } from '../sim/meta.ts'
import {
  DAY_S,
  expectNewTokenWritten,
  isoOf,
  leaksOf,
  nowSeconds,
  placeClient,
  reportOf,
  runKeeper,
  SIXTY_DAYS_S,
  startBareSandbox,
  storedValue,
  systemUserSpec,
  type KeeperRun,
  type PlacedClient,
} from './helpers.ts'

const EXCHANGE = 'GET /{version}/oauth/access_token'
const SINGLE_DEBUG_TOKEN = 'GET /{version}/debug_token'
const REVOKE = 'GET /{version}/oauth/revoke'

/** Routes of the Meta requests made alone, in order; batch items are left out. */
function singleRoutes(sandbox: Sandbox): string[] {
  return sandbox.meta.log
    .filter((entry: RequestLogEntry) => entry.batchItem !== true)
    .map((entry) => entry.route)
}

/** Builds a long-lived user token spec that expires in `days` days. */
function userSpec(days: number, extra: Partial<TokenSpec> = {}): TokenSpec {
  const expiresAt = nowSeconds() + days * DAY_S
  return {
    type: 'USER',
    userId: '7001',
    expiresAt,
    issuedAt: expiresAt - SIXTY_DAYS_S,
    ...extra,
  }
}

function formatDay(seconds: number): string {
  return isoOf(seconds).slice(0, 10)
}

describe('expiring System User token', () => {
  let sandbox: Sandbox
  let due: PlacedClient
  let lasting: PlacedClient
  let notDue: PlacedClient
  let keeper: KeeperRun

  beforeAll(async () => {
    sandbox = await startBareSandbox()
    due = placeClient(sandbox, 'META_TOKEN_REDWOOD', systemUserSpec(10, '8001'))
    lasting = placeClient(sandbox, 'META_TOKEN_GRANITE', {
      type: 'SYSTEM_USER',
      userId: '8002',
      expiresAt: 0,
      issuedAt: nowSeconds() - 200 * DAY_S,
    })
    notDue = placeClient(
      sandbox,
      'META_TOKEN_JUNIPER',
      systemUserSpec(45, '8003'),
    )
    keeper = await runKeeper(sandbox, [due, lasting, notDue])
  })

  afterAll(async () => {
    await sandbox?.close()
  })

  it('refreshes the due token', () => {
    const report = reportOf(keeper, due)
    expect(report.status).toBe('refreshed')
    expect(report.tokenType).toBe('SYSTEM_USER')
    expect(report.written).toBe(true)
    expect(report.needsMigration).toBe(false)
    expect(report.revoked).toBe(false)
    expect(report.reason).toMatch(
      /^Refreshed: the new token expires on \d{4}-\d{2}-\d{2}, the old one expires on \d{4}-\d{2}-\d{2}\.$/,
    )
    expectNewTokenWritten(sandbox, due, report)
    const expiresAt = Date.parse(report.expiresAt ?? '')
    expect(expiresAt - Date.now()).toBeGreaterThan(59 * DAY_S * 1000)
  })

  it('verifies the new token before writing', () => {
    const routes = singleRoutes(sandbox)
    const exchange = routes.indexOf(EXCHANGE)
    expect(exchange).toBeGreaterThanOrEqual(0)
    expect(routes.indexOf(SINGLE_DEBUG_TOKEN, exchange)).toBeGreaterThan(
      exchange,
    )
  })

  it('keeps the replaced token valid', () => {
    expect(sandbox.meta.inspect(due.token)?.revoked).toBe(false)
    expect(keeper.counts.revocations).toBe(0)
  })

  it('leaves the other tokens alone', () => {
    const never = reportOf(keeper, lasting)
    expect(never.status).toBe('healthy')
    expect(never.tokenType).toBe('SYSTEM_USER')
    expect(never.expiresAt).toBeNull()
    expect(never.written).toBe(false)
    expect(never.needsMigration).toBe(false)
    expect(never.reason).toBe('System User token; it does not expire.')

    const later = reportOf(keeper, notDue)
    const expiry = sandbox.meta.inspect(notDue.token)?.expiresAt ?? 0
    expect(later.status).toBe('healthy')
    expect(later.expiresAt).toBe(isoOf(expiry))
    expect(later.written).toBe(false)
    expect(later.reason).toBe(
      `System User token; expires on ${formatDay(expiry)}.`,
    )

    for (const client of [lasting, notDue]) {
      expect(storedValue(sandbox, client), client.secret).toBe(client.token)
    }
    expect(keeper.counts.exchanges).toBe(1)
    expect(keeper.counts.secretWrites).toBe(1)
  })
})

describe('revoke-replaced', () => {
  let sandbox: Sandbox
  let rotated: PlacedClient
  let shortLived: PlacedClient
  let keeper: KeeperRun
  /** The secret and the Meta request log as they were when each revocation arrived. */
  const atRevoke: Array<{ stored: string | undefined; routes: string[] }> = []

  beforeAll(async () => {
    sandbox = await startBareSandbox()
    rotated = placeClient(
      sandbox,
      'META_TOKEN_REDWOOD',
      systemUserSpec(10, '8101'),
    )
    shortLived = placeClient(sandbox, 'META_TOKEN_PINECONE', {
      type: 'USER',
      userId: '8102',
      expiresAt: nowSeconds() + 90 * 60,
      shortLived: true,
    })
    sandbox.meta.script('revoke', () => {
      atRevoke.push({
        stored: storedValue(sandbox, rotated),
        routes: singleRoutes(sandbox),
      })
      return undefined
    })
    keeper = await runKeeper(sandbox, [rotated, shortLived], {
      inputs: { 'revoke-replaced': 'true' },
    })
  })

  afterAll(async () => {
    await sandbox?.close()
  })

  it('reports the revocation', () => {
    const report = reportOf(keeper, rotated)
    expect(report.status).toBe('refreshed')
    expect(report.tokenType).toBe('SYSTEM_USER')
    expect(report.written).toBe(true)
    expect(report.revoked).toBe(true)
    expect(report.needsMigration).toBe(false)
    expectNewTokenWritten(sandbox, rotated, report)
  })

  it('revokes after the write', () => {
    expect(atRevoke).toHaveLength(1)
    expect(atRevoke[0]?.stored).toBeDefined()
    expect(atRevoke[0]?.stored).not.toBe(rotated.token)
    expect(atRevoke[0]?.stored).toBe(storedValue(sandbox, rotated))
  })

  it('revokes after the verification', () => {
    expect(atRevoke).toHaveLength(1)
    const routes = atRevoke[0]?.routes ?? []
    const exchange = routes.indexOf(EXCHANGE)
    expect(exchange).toBeGreaterThanOrEqual(0)
    expect(routes.indexOf(SINGLE_DEBUG_TOKEN, exchange)).toBeGreaterThan(
      exchange,
    )
    expect(singleRoutes(sandbox).filter((route) => route === REVOKE)).toEqual([
      REVOKE,
    ])
  })

  it('revokes only the replaced System User token', () => {
    expect(sandbox.meta.inspect(rotated.token)?.revoked).toBe(true)
    const stored = storedValue(sandbox, rotated) ?? ''
    expect(sandbox.meta.inspect(stored)?.revoked).toBe(false)
    expect(keeper.counts.revocations).toBe(1)

    const user = reportOf(keeper, shortLived)
    expect(user.status).toBe('refreshed')
    expect(user.written).toBe(true)
    expect(user.revoked).toBe(false)
    expect(sandbox.meta.inspect(shortLived.token)?.revoked).toBe(false)
  })
})

describe('revoke-replaced with a failed write', () => {
  let sandbox: Sandbox
  let rotated: PlacedClient
  let keeper: KeeperRun
  const readOnlyToken = 'github_pat_11READONLY0000_secretsReadOnly000'

  beforeAll(async () => {
    sandbox = await startBareSandbox()
    sandbox.github.addCredential(readOnlyToken, {
      kind: 'pat',
      secrets: 'read',
      orgSecrets: 'none',
      issues: 'write',
      login: 'auditor',
    })
    rotated = placeClient(
      sandbox,
      'META_TOKEN_REDWOOD',
      systemUserSpec(10, '8201'),
    )
    keeper = await runKeeper(sandbox, [rotated], {
      inputs: { 'revoke-replaced': 'true', 'github-token': readOnlyToken },
    })
  })

  afterAll(async () => {
    await sandbox?.close()
  })

  it('reports the failed write', () => {
    const report = reportOf(keeper, rotated)
    const expiry = sandbox.meta.inspect(rotated.token)?.expiresAt ?? 0
    expect(report.status).toBe('error')
    expect(report.tokenType).toBe('SYSTEM_USER')
    expect(report.written).toBe(false)
    expect(report.revoked).toBe(false)
    expect(report.needsMigration).toBe(false)
    expect(report.expiresAt).toBe(isoOf(expiry))
    expect(report.reason).toContain(
      `Refreshed, but writing the secret failed (Input \`github-token\` could not write secret ${rotated.secret} in the repository secrets of northwind-agency/meta-tokens (403 Resource not accessible by personal access token).`,
    )
    expect(report.reason).toContain('"Secrets: read and write"')
    expect(keeper.run.exitCode).toBe(1)
  })

  it('keeps the secret and the old token', () => {
    expect(storedValue(sandbox, rotated)).toBe(rotated.token)
    expect(sandbox.meta.inspect(rotated.token)?.revoked).toBe(false)
    expect(keeper.counts.exchanges).toBe(1)
    expect(keeper.counts.secretWrites).toBe(0)
    expect(keeper.counts.revocations).toBe(0)
    expect(singleRoutes(sandbox)).not.toContain(REVOKE)
  })
})

describe('Page tokens', () => {
  let sandbox: Sandbox
  let lasting: PlacedClient
  let lostRole: PlacedClient
  let keeper: KeeperRun

  beforeAll(async () => {
    sandbox = await startBareSandbox()
    const page = (userId: string, extra: Partial<TokenSpec> = {}) => ({
      type: 'PAGE' as const,
      userId,
      profileId: '104729384756',
      expiresAt: 0,
      issuedAt: nowSeconds() - 120 * DAY_S,
      ...extra,
    })
    lasting = placeClient(sandbox, 'META_TOKEN_HARBOR_PAGE', page('9001'))
    lostRole = placeClient(
      sandbox,
      'META_TOKEN_CIDER_PAGE',
      page('9002', { invalidated: { subcode: 492 } }),
    )
    keeper = await runKeeper(sandbox, [lasting, lostRole])
  })

  afterAll(async () => {
    await sandbox?.close()
  })

  it('keeps a never-expiring Page token healthy', () => {
    const report = reportOf(keeper, lasting)
    expect(report.status).toBe('healthy')
    expect(report.tokenType).toBe('PAGE')
    expect(report.expiresAt).toBeNull()
    expect(report.written).toBe(false)
    expect(report.reason).toBe(
      'Page token; it does not expire, but stops working when its user loses the Page role or changes their password.',
    )
  })

  it('lists it for migration', () => {
    const report = reportOf(keeper, lasting)
    expect(report.needsMigration).toBe(true)
    expect(report.fix).toMatch(/System User token/)
    expect(keeper.log).toContain(
      `::notice title=Harbor Page%3A move to a System User token::Harbor Page still uses a PAGE token; move it to a System User token.`,
    )
  })

  it('gives the lost Page role its reason', () => {
    const report = reportOf(keeper, lostRole)
    expect(report.status).toBe('invalid')
    expect(report.tokenType).toBe('PAGE')
    expect(report.expiresAt).toBeNull()
    expect(report.written).toBe(false)
    expect(report.needsMigration).toBe(true)
    expect(report.reason).toBe(
      'The user behind this Page token no longer has a role on the Page.',
    )
    expect(report.fix).toMatch(/^Give the user a role on the Page again/)
  })

  it('exchanges and writes nothing', () => {
    expect(keeper.counts.exchanges).toBe(0)
    expect(keeper.counts.secretWrites).toBe(0)
    expect(keeper.run.outputs.attention).toBe('2')
    for (const client of [lasting, lostRole]) {
      expect(storedValue(sandbox, client), client.secret).toBe(client.token)
    }
  })
})

describe('tokens of another app', () => {
  const otherApp = '998877665544332'
  let rejected: { sandbox: Sandbox; client: PlacedClient; keeper: KeeperRun }
  let inspected: { sandbox: Sandbox; client: PlacedClient; keeper: KeeperRun }

  beforeAll(async () => {
    const run = async (foreignTokenReply: 'error' | 'data') => {
      const sandbox = await startBareSandbox({ foreignTokenReply })
      const client = placeClient(sandbox, 'META_TOKEN_AGENCY_OLD_APP', {
        ...systemUserSpec(10, '9101'),
        appId: otherApp,
      })
      return { sandbox, client, keeper: await runKeeper(sandbox, [client]) }
    }
    ;[rejected, inspected] = await Promise.all([run('error'), run('data')])
  })

  afterAll(async () => {
    await Promise.all([rejected?.sandbox.close(), inspected?.sandbox.close()])
  })

  it('reports a rejected token as invalid', () => {
    const report = reportOf(rejected.keeper, rejected.client)
    expect(report.status).toBe('invalid')
    expect(report.tokenType).toBe('UNKNOWN')
    expect(report.expiresAt).toBeNull()
    expect(report.written).toBe(false)
    expect(report.needsMigration).toBe(false)
    expect(report.reason).toBe(
      'The access token was issued for another app, so this app cannot inspect or refresh it.',
    )
  })

  it('reports an inspected token as invalid', () => {
    const report = reportOf(inspected.keeper, inspected.client)
    const expiry = inspected.sandbox.meta.inspect(
      inspected.client.token,
    )?.expiresAt
    expect(report.status).toBe('invalid')
    expect(report.tokenType).toBe('SYSTEM_USER')
    expect(report.expiresAt).toBe(isoOf(expiry ?? 0))
    expect(report.written).toBe(false)
    expect(report.needsMigration).toBe(false)
    expect(report.reason).toBe(
      `The access token was issued for another app (ID ${otherApp}), so this app cannot inspect or refresh it.`,
    )
  })

  it('exchanges and writes nothing', () => {
    for (const { sandbox, client, keeper } of [rejected, inspected]) {
      expect(keeper.counts.exchanges).toBe(0)
      expect(keeper.counts.secretWrites).toBe(0)
      expect(keeper.run.exitCode).toBe(1)
      expect(storedValue(sandbox, client)).toBe(client.token)
    }
  })
})

describe('data access expiration', () => {
  let sandbox: Sandbox
  let lapsed: PlacedClient
  let lapsing: PlacedClient
  let later: PlacedClient
  let exempt: PlacedClient
  let keeper: KeeperRun
  /** `instagram_basic` is not among the permissions Meta exempts from data access expiration. */
  const expiringScopes = ['ads_read', 'instagram_basic', 'public_profile']

  beforeAll(async () => {
    sandbox = await startBareSandbox()
    const now = nowSeconds()
    const user = (id: string, dataDays: number, scopes = expiringScopes) =>
      userSpec(50, {
        userId: id,
        scopes,
        dataAccessExpiresAt: now + dataDays * DAY_S,
      })
    lapsed = placeClient(sandbox, 'META_TOKEN_LAPSED', user('9201', -3))
    lapsing = placeClient(sandbox, 'META_TOKEN_LAPSING', user('9202', 5))
    later = placeClient(sandbox, 'META_TOKEN_LATER', user('9203', 40))
    exempt = placeClient(
      sandbox,
      'META_TOKEN_EXEMPT',
      user('9204', -3, ['ads_read', 'business_management', 'public_profile']),
    )
    keeper = await runKeeper(sandbox, [lapsed, lapsing, later, exempt])
  })

  afterAll(async () => {
    await sandbox?.close()
  })

  function dataAccessDay(client: PlacedClient): string {
    return formatDay(
      sandbox.meta.inspect(client.token)?.dataAccessExpiresAt ?? 0,
    )
  }

  it('flags expired data access', () => {
    const report = reportOf(keeper, lapsed)
    expect(report.status).toBe('expiring')
    expect(report.reason).toMatch(
      new RegExp(
        `^Data access expired on ${dataAccessDay(lapsed)}: the token reads nothing until the user re-authorizes\\.`,
      ),
    )
    expect(report.fix).toMatch(/^Ask the user to log in to the app again/)
  })

  it('flags data access within warn-before-days', () => {
    const report = reportOf(keeper, lapsing)
    expect(report.status).toBe('expiring')
    expect(report.reason).toMatch(
      new RegExp(
        `^Data access expires on ${dataAccessDay(lapsing)}: from then on the token reads nothing`,
      ),
    )
  })

  it('leaves later data access alone', () => {
    const report = reportOf(keeper, later)
    expect(report.status).toBe('healthy')
    expect(report.reason).toMatch(/^Long-lived user token; expires on/)
  })

  it('leaves exempt permissions alone', () => {
    const report = reportOf(keeper, exempt)
    expect(report.status).toBe('healthy')
    expect(report.reason).not.toMatch(/Data access/)
  })

  it('reports the fields of each token', () => {
    for (const client of [lapsed, lapsing, later, exempt]) {
      const report = reportOf(keeper, client)
      const record = sandbox.meta.inspect(client.token)
      expect(report.tokenType, client.secret).toBe('USER')
      expect(report.expiresAt, client.secret).toBe(
        isoOf(record?.expiresAt ?? 0),
      )
      expect(report.dataAccessExpiresAt, client.secret).toBe(
        isoOf(record?.dataAccessExpiresAt ?? 0),
      )
      expect(report.needsMigration, client.secret).toBe(true)
      expect(report.written, client.secret).toBe(false)
      expect(storedValue(sandbox, client), client.secret).toBe(client.token)
    }
    expect(keeper.counts.exchanges).toBe(0)
    expect(keeper.run.exitCode).toBe(0)
  })
})

describe('short-lived user token with refresh-before-days 0', () => {
  let sandbox: Sandbox
  let shortLived: PlacedClient
  let longLived: PlacedClient
  let keeper: KeeperRun

  beforeAll(async () => {
    sandbox = await startBareSandbox()
    shortLived = placeClient(sandbox, 'META_TOKEN_PINECONE', {
      type: 'USER',
      userId: '9301',
      expiresAt: nowSeconds() + 90 * 60,
      shortLived: true,
    })
    longLived = placeClient(
      sandbox,
      'META_TOKEN_JUNIPER',
      userSpec(10, { userId: '9302' }),
    )
    keeper = await runKeeper(sandbox, [shortLived, longLived], {
      inputs: { 'refresh-before-days': '0', 'warn-before-days': '0' },
    })
  })

  afterAll(async () => {
    await sandbox?.close()
  })

  it('exchanges the short-lived token', () => {
    const report = reportOf(keeper, shortLived)
    expect(report.status).toBe('refreshed')
    expect(report.tokenType).toBe('USER')
    expect(report.written).toBe(true)
    expect(report.needsMigration).toBe(true)
    expectNewTokenWritten(sandbox, shortLived, report)
  })

  it('writes a long-lived token', () => {
    const stored = storedValue(sandbox, shortLived) ?? ''
    const record = sandbox.meta.inspect(stored)
    expect(record?.shortLived).toBe(false)
    expect((record?.expiresAt ?? 0) - nowSeconds()).toBeGreaterThan(59 * DAY_S)
    const routes = singleRoutes(sandbox)
    const exchange = routes.indexOf(EXCHANGE)
    expect(routes.indexOf(SINGLE_DEBUG_TOKEN, exchange)).toBeGreaterThan(
      exchange,
    )
  })

  it('leaves the long-lived token for later', () => {
    const report = reportOf(keeper, longLived)
    expect(report.status).toBe('healthy')
    expect(report.written).toBe(false)
    expect(report.expiresAt).toBe(
      isoOf(sandbox.meta.inspect(longLived.token)?.expiresAt ?? 0),
    )
    expect(storedValue(sandbox, longLived)).toBe(longLived.token)
    expect(keeper.counts.exchanges).toBe(1)
  })

  it('leaks no token', () => {
    const secrets = [
      sandbox.appSecret,
      sandbox.writerToken,
      shortLived.token,
      longLived.token,
      storedValue(sandbox, shortLived) ?? '',
    ]
    expect(leaksOf({ keeper }, secrets)).toBe('')
  })
})
