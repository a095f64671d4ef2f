import { describe, expect, it } from 'vitest'
import { MetaSimulator, type MetaSimulatorOptions } from './meta.ts'
import type { SimResponse } from './types.ts'
import {
  APP_ID,
  APP_SECRET,
  APP_TOKEN,
  DAY,
  json,
  NOW_MS,
  NOW_S,
  proofOf,
  send,
} from './test-helpers.ts'

type Data = Record<string, unknown> & {
  error?: { code: number; subcode?: number; message: string }
}

function simulator(options: Partial<MetaSimulatorOptions> = {}) {
  return new MetaSimulator({
    appId: APP_ID,
    appSecret: APP_SECRET,
    now: () => NOW_MS,
    ...options,
  })
}

async function debugToken(meta: MetaSimulator, token: string) {
  const response = await send(meta, 'GET', '/v27.0/debug_token', {
    query: {
      input_token: token,
      access_token: APP_TOKEN,
      appsecret_proof: proofOf(APP_TOKEN),
    },
  })
  return { response, data: json<{ data: Data }>(response).data }
}

function exchange(meta: MetaSimulator, token: string, extra = {}) {
  return send(meta, 'GET', '/v27.0/oauth/access_token', {
    query: {
      grant_type: 'fb_exchange_token',
      client_id: APP_ID,
      client_secret: APP_SECRET,
      fb_exchange_token: token,
      ...extra,
    },
  })
}

function errorOf(response: SimResponse) {
  return json<{
    error: {
      code: number
      error_subcode?: number
      message: string
      is_transient?: boolean
    }
  }>(response).error
}

describe('MetaSimulator debug_token', () => {
  it('shows a valid long-lived user token', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'USER',
      userId: '42',
      expiresAt: NOW_S + 50 * DAY,
      issuedAt: NOW_S - 10 * DAY,
    })
    expect(token).toMatch(/^EAA[A-Za-z0-9]{100,}$/)

    const { response, data } = await debugToken(meta, token)
    expect(response.status).toBe(200)
    expect(data.is_valid).toBe(true)
    expect(data.type).toBe('USER')
    expect(data.app_id).toBe(APP_ID)
    expect(data.expires_at).toBe(NOW_S + 50 * DAY)
    expect(data.issued_at).toBe(NOW_S - 10 * DAY)
    expect(data.data_access_expires_at).toBe(NOW_S + 80 * DAY)
    expect(data.user_id).toBe('42')
    expect(data.granular_scopes).toContainEqual({ scope: 'ads_read' })
    expect(JSON.parse(response.headers['x-app-usage'] ?? '')).toHaveProperty(
      'call_count',
    )
  })

  it('omits issued_at of a short-lived token', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'USER',
      userId: '42',
      expiresAt: NOW_S + 3600,
      shortLived: true,
    })
    const { data } = await debugToken(meta, token)
    expect(data).not.toHaveProperty('issued_at')
    expect(data.is_valid).toBe(true)
  })

  it('shows a never-expiring system user token', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'SYSTEM_USER',
      userId: '7',
      expiresAt: 0,
      issuedAt: NOW_S - DAY,
    })
    const { data } = await debugToken(meta, token)
    expect(data.type).toBe('SYSTEM_USER')
    expect(data.expires_at).toBe(0)
    expect(data.data_access_expires_at).toBe(0)
    expect(data.is_valid).toBe(true)
  })

  it('shows the page of a page token', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'PAGE',
      userId: '7',
      profileId: '555',
      expiresAt: 0,
    })
    const { data } = await debugToken(meta, token)
    expect(data.profile_id).toBe('555')
    expect(data.granular_scopes).toContainEqual({
      scope: 'pages_show_list',
      target_ids: ['555'],
    })
  })

  it('reports an expired token with HTTP 200', async () => {
    const meta = simulator()
    const expiresAt = Date.parse('2026-10-30T17:00:00Z') / 1000
    const token = meta.addToken({ type: 'USER', userId: '1', expiresAt })
    const { response, data } = await debugToken(meta, token)
    expect(response.status).toBe(200)
    expect(data.is_valid).toBe(false)
    expect(data.expires_at).toBe(expiresAt)
    expect(data.error?.code).toBe(190)
    expect(data.error?.subcode).toBe(463)
    expect(data.error?.message).toBe(
      'Error validating access token: Session has expired on Friday, 30-Oct-26 10:00:00 PDT. The current time is Friday, 04-Dec-26 04:00:00 PST.',
    )
    expect(data.user_id).toBe('1')
  })

  it('reports a password change with expires_at 0', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'USER',
      userId: '1',
      expiresAt: NOW_S + DAY,
      invalidated: { subcode: 460 },
    })
    const { data } = await debugToken(meta, token)
    expect(data.is_valid).toBe(false)
    expect(data.expires_at).toBe(0)
    expect(data.error?.subcode).toBe(460)
    expect(data.error?.message).toMatch(/changed their password/)
  })

  it('reports garbage as unparseable', async () => {
    const { response, data } = await debugToken(simulator(), 'not-a-token')
    expect(response.status).toBe(200)
    expect(data).toEqual({
      error: {
        code: 190,
        message: 'Invalid OAuth access token - Cannot parse access token',
      },
      is_valid: false,
      scopes: [],
    })
  })

  it('reports an unknown well-formed token', async () => {
    const { data } = await debugToken(simulator(), `EAA${'x'.repeat(120)}`)
    expect(data.error?.message).toBe('The access token could not be decrypted')
  })

  it('rejects a token of another app', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'USER',
      userId: '1',
      appId: '999',
      expiresAt: NOW_S + DAY,
    })
    const { response } = await debugToken(meta, token)
    expect(response.status).toBe(400)
    expect(errorOf(response).code).toBe(100)
    expect(errorOf(response).message).toMatch(/did not match the Viewing App/)
  })

  it('shows another app token as data when asked', async () => {
    const meta = simulator({ foreignTokenReply: 'data' })
    const token = meta.addToken({
      type: 'USER',
      userId: '1',
      appId: '999',
      expiresAt: NOW_S + DAY,
    })
    const { data } = await debugToken(meta, token)
    expect(data.app_id).toBe('999')
  })

  it('rejects a wrong app secret', async () => {
    const meta = simulator()
    const wrong = `${APP_ID}|ffffffffffffffffffffffffffffffff`
    const response = await send(meta, 'GET', '/v27.0/debug_token', {
      query: { input_token: 'x', access_token: wrong },
    })
    expect(response.status).toBe(400)
    expect(errorOf(response)).toMatchObject({
      code: 190,
      message: 'Invalid OAuth access token signature.',
    })
  })

  it('rejects a wrong app id', async () => {
    const response = await send(simulator(), 'GET', '/v27.0/debug_token', {
      query: { input_token: 'x', access_token: `111|${APP_SECRET}` },
    })
    expect(errorOf(response)).toMatchObject({
      code: 101,
      message: 'Error validating application. Invalid application ID.',
    })
  })

  it('rejects a missing access token', async () => {
    const response = await send(simulator(), 'GET', '/v27.0/debug_token', {
      query: { input_token: 'x' },
    })
    expect(response.status).toBe(400)
    expect(errorOf(response).message).toMatch(
      /must provide an app access token/,
    )
  })

  it('takes the app token as a bearer header', async () => {
    const meta = simulator()
    const token = meta.addToken({ type: 'USER', userId: '1', expiresAt: 0 })
    const response = await send(meta, 'GET', '/v27.0/debug_token', {
      query: { input_token: token },
      headers: { authorization: `Bearer ${APP_TOKEN}` },
    })
    expect(json<{ data: Data }>(response).data.is_valid).toBe(true)
  })

  it('rejects a wrong appsecret_proof', async () => {
    const response = await send(simulator(), 'GET', '/v27.0/debug_token', {
      query: {
        input_token: 'x',
        access_token: APP_TOKEN,
        appsecret_proof: proofOf(APP_TOKEN, 'other'),
      },
    })
    expect(errorOf(response)).toMatchObject({
      code: 100,
      message: 'Invalid appsecret_proof provided in the API argument',
    })
  })

  it('requires a proof when the app does', async () => {
    const meta = simulator({ requireProof: true })
    const without = await send(meta, 'GET', '/v27.0/debug_token', {
      query: { input_token: 'x', access_token: APP_TOKEN },
    })
    expect(without.status).toBe(400)
    const { response } = await debugToken(meta, 'x')
    expect(response.status).toBe(200)
  })

  it('accepts a timed proof', async () => {
    const time = String(NOW_S - 60)
    const response = await send(simulator(), 'GET', '/v27.0/debug_token', {
      query: {
        input_token: 'x',
        access_token: APP_TOKEN,
        appsecret_proof: proofOf(`${APP_TOKEN}|${time}`),
        appsecret_time: time,
      },
    })
    expect(response.status).toBe(200)
  })

  it('refuses POST', async () => {
    const response = await send(simulator(), 'POST', '/v27.0/debug_token', {
      form: { input_token: 'x', access_token: APP_TOKEN },
    })
    expect(response.status).toBe(400)
    expect(errorOf(response)).toMatchObject({ code: 100, error_subcode: 33 })
    expect(errorOf(response).message).toMatch(/^Unsupported post request/)
  })
})

describe('MetaSimulator versions', () => {
  it('serves an expired version as the oldest usable one', async () => {
    const response = await send(simulator(), 'GET', '/v9.0/debug_token', {
      query: { input_token: 'x', access_token: APP_TOKEN },
    })
    expect(response.status).toBe(200)
    expect(response.headers['facebook-api-version']).toBe('v21.0')
  })

  it('rejects an unreleased version', async () => {
    const response = await send(simulator(), 'GET', '/v99.0/debug_token', {
      query: { input_token: 'x', access_token: APP_TOKEN },
    })
    expect(response.status).toBe(400)
    expect(errorOf(response)).toMatchObject({
      code: 2500,
      message: 'Unknown path components: /debug_token',
    })
  })

  it('rejects an unversioned call', async () => {
    const response = await send(simulator(), 'GET', '/debug_token', {
      query: { input_token: 'x', access_token: APP_TOKEN },
    })
    expect(errorOf(response).code).toBe(2500)
  })

  it('logs the version that served a call', async () => {
    const meta = simulator()
    await debugToken(meta, 'x')
    expect(meta.log[0]?.version).toBe('v27.0')
  })
})

describe('MetaSimulator exchange', () => {
  it('turns a short-lived token into a 60-day one', async () => {
    const meta = simulator()
    const short = meta.addToken({
      type: 'USER',
      userId: '1',
      expiresAt: NOW_S + 3600,
      shortLived: true,
    })
    const response = await exchange(meta, short)
    const body = json<{
      access_token: string
      expires_in: number
      token_type: string
    }>(response)
    expect(response.status).toBe(200)
    expect(body.token_type).toBe('bearer')
    expect(body.expires_in).toBe(5_183_944)
    expect(body.access_token).not.toBe(short)
    expect(meta.inspect(body.access_token)?.expiresAt).toBe(NOW_S + 5_183_944)
    expect(meta.counters.tokensMinted).toBe(1)
  })

  it('does not extend a long-lived token', async () => {
    let now = NOW_MS
    const meta = simulator({ now: () => now })
    const token = meta.addToken({
      type: 'USER',
      userId: '1',
      expiresAt: NOW_S + 20 * DAY,
      issuedAt: NOW_S - 40 * DAY,
    })
    const first = json<{ access_token: string; expires_in: number }>(
      await exchange(meta, token),
    )
    now += 10_000
    const second = json<{ access_token: string; expires_in: number }>(
      await exchange(meta, token),
    )
    expect(first.access_token).toBe(token)
    expect(first.expires_in).toBe(20 * DAY)
    expect(second.expires_in).toBe(20 * DAY - 10)
    expect(meta.counters.tokensMinted).toBe(0)
  })

  it('refreshes a 60-day system user token', async () => {
    const meta = simulator()
    const old = meta.addToken({
      type: 'SYSTEM_USER',
      userId: '9',
      expiresAt: NOW_S + 10 * DAY,
      issuedAt: NOW_S - 50 * DAY,
    })
    const response = await exchange(meta, old, {
      set_token_expires_in_60_days: 'true',
    })
    const body = json<{ access_token: string; expires_in: number }>(response)
    expect(body.access_token).not.toBe(old)
    expect(body.expires_in).toBe(5_183_944)
    const fresh = await debugToken(meta, body.access_token)
    expect(fresh.data.type).toBe('SYSTEM_USER')
    expect(fresh.data.issued_at).toBe(NOW_S)
    const previous = await debugToken(meta, old)
    expect(previous.data.is_valid).toBe(true)
    expect(previous.data.expires_at).toBe(NOW_S + 10 * DAY)
  })

  it('requires the 60-day flag for a system user', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'SYSTEM_USER',
      userId: '9',
      expiresAt: NOW_S + 10 * DAY,
    })
    const response = await exchange(meta, token)
    expect(response.status).toBe(400)
    expect(errorOf(response).code).toBe(100)
    expect(meta.counters.tokensMinted).toBe(0)
  })

  it('refuses an expired token', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'USER',
      userId: '1',
      expiresAt: NOW_S - DAY,
    })
    const response = await exchange(meta, token)
    expect(response.status).toBe(400)
    expect(errorOf(response)).toMatchObject({ code: 190, error_subcode: 463 })
  })

  it('refuses an invalidated token', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'USER',
      userId: '1',
      expiresAt: NOW_S + DAY,
      invalidated: { subcode: 460 },
    })
    const error = errorOf(await exchange(meta, token))
    expect(error).toMatchObject({ code: 190, error_subcode: 460 })
  })

  it('refuses a wrong client secret', async () => {
    const meta = simulator()
    const token = meta.addToken({ type: 'USER', userId: '1', expiresAt: 0 })
    const response = await exchange(meta, token, { client_secret: 'wrong' })
    expect(response.status).toBe(400)
    expect(errorOf(response)).toMatchObject({
      code: 1,
      message: 'Error validating client secret.',
    })
  })

  it('counts every exchange request', async () => {
    const meta = simulator()
    await exchange(meta, 'garbage')
    expect(meta.counters.exchanges).toBe(1)
  })
})

describe('MetaSimulator revoke', () => {
  it('invalidates the revoked token', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'SYSTEM_USER',
      userId: '9',
      expiresAt: NOW_S + 10 * DAY,
    })
    const response = await send(meta, 'GET', '/v27.0/oauth/revoke', {
      query: {
        client_id: APP_ID,
        client_secret: APP_SECRET,
        revoke_token: token,
        access_token: APP_TOKEN,
        appsecret_proof: proofOf(APP_TOKEN),
      },
    })
    expect(json(response)).toEqual({ success: 'true' })
    const { data } = await debugToken(meta, token)
    expect(data.is_valid).toBe(false)
    expect(data.error?.code).toBe(190)
    expect(errorOf(await exchange(meta, token)).code).toBe(190)
  })
})

function batch(meta: MetaSimulator, requests: object[], extra = {}) {
  return send(meta, 'POST', '/v27.0/', {
    form: {
      batch: JSON.stringify(requests),
      access_token: APP_TOKEN,
      appsecret_proof: proofOf(APP_TOKEN),
      include_headers: 'false',
      ...extra,
    },
  })
}

const inspectItem = (token: string) => ({
  method: 'GET',
  relative_url: `debug_token?input_token=${encodeURIComponent(token)}`,
})

type BatchItem = { code: number; body: string; headers?: unknown } | null

describe('MetaSimulator batch', () => {
  it('answers in order with JSON-encoded bodies', async () => {
    const meta = simulator()
    const a = meta.addToken({ type: 'USER', userId: 'a', expiresAt: 0 })
    const b = meta.addToken({ type: 'SYSTEM_USER', userId: 'b', expiresAt: 0 })
    const response = await batch(meta, [
      inspectItem(a),
      inspectItem('junk'),
      inspectItem(b),
    ])
    const items = json<BatchItem[]>(response)
    expect(response.status).toBe(200)
    expect(items).toHaveLength(3)
    expect(typeof items[0]?.body).toBe('string')
    expect(items[0]).not.toHaveProperty('headers')
    const bodies = items.map((item) => JSON.parse(item?.body ?? 'null').data)
    expect(bodies[0].user_id).toBe('a')
    expect(bodies[1].is_valid).toBe(false)
    expect(bodies[2].user_id).toBe('b')
    expect(meta.counters.batchRequests).toBe(1)
    expect(meta.counters.debugTokens).toBe(3)
  })

  it('adds item headers by default', async () => {
    const response = await batch(simulator(), [inspectItem('x')], {
      include_headers: 'true',
    })
    expect(json<BatchItem[]>(response)[0]?.headers).toBeInstanceOf(Array)
  })

  it('refuses more than 50 requests', async () => {
    const requests = Array.from({ length: 51 }, () => inspectItem('x'))
    const response = await batch(simulator(), requests)
    expect(response.status).toBe(400)
    expect(errorOf(response)).toMatchObject({
      code: 1,
      message: 'Too many requests in batch message. Maximum batch size is 50',
    })
  })

  it('accepts the unversioned batch path', async () => {
    const meta = simulator()
    const response = await send(meta, 'POST', '/', {
      form: {
        batch: JSON.stringify([
          { method: 'GET', relative_url: 'v27.0/debug_token?input_token=x' },
        ]),
        access_token: APP_TOKEN,
      },
    })
    expect(json<BatchItem[]>(response)[0]?.code).toBe(200)
  })

  it('rejects a wrong app secret for the whole batch', async () => {
    const response = await batch(simulator(), [inspectItem('x')], {
      access_token: `${APP_ID}|ffffffffffffffffffffffffffffffff`,
      appsecret_proof: '',
    })
    expect(response.status).toBe(400)
    expect(errorOf(response).code).toBe(190)
  })

  it('fails debug_token items when unsupported', async () => {
    const meta = simulator({ batchDebugTokenSupported: false })
    const items = json<BatchItem[]>(await batch(meta, [inspectItem('x')]))
    expect(items[0]?.code).toBe(400)
    expect(JSON.parse(items[0]?.body ?? '{}').error.code).toBe(100)
  })

  it('counts each item against the rate limit', async () => {
    const meta = simulator({ callsPerHour: 100 })
    const requests = Array.from({ length: 10 }, () => inspectItem('x'))
    const response = await batch(meta, requests)
    expect(JSON.parse(response.headers['x-app-usage'] ?? '').call_count).toBe(
      10,
    )
  })
})

describe('MetaSimulator faults', () => {
  it('repeats the same faults for a seed', async () => {
    const run = async () => {
      const meta = simulator({
        faults: { failureRate: 0.5, seed: 7, kinds: ['code2', 'http500'] },
      })
      const statuses: number[] = []
      for (let i = 0; i < 20; i++) {
        const response = await send(meta, 'GET', '/v27.0/debug_token', {
          query: { input_token: 'x', access_token: APP_TOKEN },
        })
        statuses.push(response.status)
      }
      return statuses
    }
    const first = await run()
    expect(first.filter((status) => status >= 500).length).toBeGreaterThan(3)
    expect(first.filter((status) => status === 200).length).toBeGreaterThan(3)
    expect(await run()).toEqual(first)
  })

  it('sends is_transient with code 2', async () => {
    const meta = simulator()
    meta.failNext('debug_token', 'code2')
    const response = await send(meta, 'GET', '/v27.0/debug_token', {
      query: { input_token: 'x', access_token: APP_TOKEN },
    })
    expect(response.status).toBe(503)
    expect(errorOf(response)).toMatchObject({ code: 2, is_transient: true })
  })

  it('drops the connection', async () => {
    const meta = simulator()
    meta.failNext('debug_token', 'drop')
    const response = await send(meta, 'GET', '/v27.0/debug_token', {
      query: { input_token: 'x', access_token: APP_TOKEN },
    })
    expect(response.drop).toBe(true)
  })

  it('hangs before it drops', async () => {
    const waits: number[] = []
    const meta = simulator({
      faults: { hangMs: 12_345 },
      sleep: async (ms) => void waits.push(ms),
    })
    meta.failNext('debug_token', 'hang')
    const response = await send(meta, 'GET', '/v27.0/debug_token', {
      query: { input_token: 'x', access_token: APP_TOKEN },
    })
    expect(response.drop).toBe(true)
    expect(waits).toContain(12_345)
  })

  it('mints nothing on a failed exchange', async () => {
    const meta = simulator()
    const token = meta.addToken({
      type: 'SYSTEM_USER',
      userId: '9',
      expiresAt: NOW_S + DAY,
    })
    meta.failNext('exchange', 'code1')
    const response = await exchange(meta, token, {
      set_token_expires_in_60_days: 'true',
    })
    expect(response.status).toBe(500)
    expect(meta.counters.tokensMinted).toBe(0)
    expect(meta.tokens()).toHaveLength(1)
  })

  it('fails batch items alone', async () => {
    const meta = simulator()
    let calls = 0
    meta.script('batch_item', () =>
      ++calls === 1 ? 'itemNull' : calls === 2 ? 'item500' : undefined,
    )
    const items = json<BatchItem[]>(
      await batch(meta, [inspectItem('x'), inspectItem('x'), inspectItem('x')]),
    )
    expect(items[0]).toBeNull()
    expect(items[1]?.code).toBe(500)
    expect(items[2]?.code).toBe(200)
  })

  it('fails an item with a Graph code', async () => {
    const meta = simulator()
    meta.script('batch_item', (request) =>
      request.url.searchParams.get('input_token') === 'b' ? 'code4' : undefined,
    )
    const items = json<BatchItem[]>(
      await batch(meta, [inspectItem('a'), inspectItem('b')]),
    )
    expect(items[0]?.code).toBe(200)
    expect(items[1]?.code).toBe(400)
    expect(JSON.parse(items[1]?.body ?? '{}').error).toMatchObject({
      code: 4,
      is_transient: true,
    })
  })

  it('meets every kind before repeating one', async () => {
    const kinds = ['code32', 'code341', 'code80004', 'transientFlag']
    const meta = simulator({ faults: { failureRate: 1, seed: 3, kinds } })
    const codes: number[] = []
    for (let i = 0; i < kinds.length; i++) {
      const { response } = await debugToken(meta, 'x')
      codes.push(errorOf(response).code)
    }
    expect(codes.sort((a, b) => a - b)).toEqual([32, 100, 341, 80004])
  })

  it('caps faults in a row per token', async () => {
    const meta = simulator({
      faults: { failureRate: 1, maxInARow: 2, kinds: ['http500'] },
    })
    const statuses: number[] = []
    for (const token of ['x', 'x', 'x', 'x', 'y', 'x']) {
      const response = await send(meta, 'GET', '/v27.0/debug_token', {
        query: { input_token: token, access_token: APP_TOKEN },
      })
      statuses.push(response.status)
    }
    expect(statuses).toEqual([500, 500, 200, 500, 500, 500])
  })

  it('throttles at 100 percent usage', async () => {
    const meta = simulator()
    meta.setUsage(100)
    const response = await send(meta, 'GET', '/v27.0/debug_token', {
      query: { input_token: 'x', access_token: APP_TOKEN },
    })
    expect(response.status).toBe(400)
    expect(errorOf(response)).toMatchObject({ code: 4, is_transient: true })
    expect(meta.counters.throttled).toBe(1)
  })

  it('reports a pinned usage', async () => {
    const meta = simulator()
    meta.setUsage(92)
    const { response } = await debugToken(meta, 'x')
    expect(JSON.parse(response.headers['x-app-usage'] ?? '').call_count).toBe(
      92,
    )
  })
})

describe('MetaSimulator log', () => {
  it('holds no token text', async () => {
    const meta = simulator()
    const token = meta.addToken({ type: 'USER', userId: '1', expiresAt: 0 })
    await debugToken(meta, token)
    await exchange(meta, token)
    await batch(meta, [inspectItem(token)])
    const text = JSON.stringify(meta.log)
    expect(text).not.toContain(token)
    expect(text).not.toContain(APP_SECRET)
    expect(meta.log.map((entry) => entry.route)).toContain(
      'GET /{version}/debug_token',
    )
    expect(meta.log.filter((entry) => entry.batchItem)).toHaveLength(1)
  })
})
