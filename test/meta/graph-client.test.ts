import { createHmac } from 'node:crypto'
import { delay, http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from 'vitest'
import { GraphError } from '../../src/meta/errors.ts'
import {
  GraphClient,
  type GraphClientOptions,
} from '../../src/meta/graph-client.ts'
import { describeInvalid } from '../../src/meta/token-info.ts'
import { clearSecretsForTesting, redact } from '../../src/redact.ts'
import type { Logger } from '../../src/types.ts'

// A .test domain never resolves, and the catch-all handler below responds to
// any route the fake does not know, so no request leaves the process.
const API = 'https://graph.example.test'
const VERSION = 'v27.0'
const APP_ID = '1234567890'
const APP_SECRET = 'f0e1d2c3b4a5968778695a4b3c2d1e0f'
const APP_TOKEN = `${APP_ID}|${APP_SECRET}`
const PROOF = createHmac('sha256', APP_SECRET).update(APP_TOKEN).digest('hex')
const EXPIRES_AT = 1_790_000_000

function tokenFor(index: number): string {
  return `EAAG${'Zq7Lm2'.repeat(18)}${String(index).padStart(5, '0')}`
}

function debugData(token: string): object {
  const match = /(\d{5})$/.exec(token)
  if (!token.startsWith('EAAG') || !match) {
    return {
      error: {
        code: 190,
        message: 'Invalid OAuth access token - Cannot parse access token',
      },
      is_valid: false,
      scopes: [],
    }
  }
  return {
    app_id: APP_ID,
    type: 'USER',
    application: 'Agency Reports',
    expires_at: EXPIRES_AT,
    data_access_expires_at: EXPIRES_AT + 86_400 * 30,
    issued_at: EXPIRES_AT - 86_400 * 60,
    is_valid: true,
    scopes: ['ads_read'],
    user_id: String(Number(match[1]) + 10_000),
  }
}

function metaError(
  code: number,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      fbtrace_id: 'Ax1',
      ...extra,
    },
  }
}

const badSignature = () =>
  HttpResponse.json(metaError(190, 'Invalid OAuth access token signature.'), {
    status: 400,
  })

type BatchItemOverride = (token: string, index: number) => unknown

/** State of the fake Graph API for one test. */
interface FakeGraph {
  batchBodies: URLSearchParams[]
  debugTokenGets: number
  exchanges: URLSearchParams[]
  inFlight: number
  maxInFlight: number
  batchItem: BatchItemOverride | null
  batchDelayMs: number
}

let graph: FakeGraph

function newFakeGraph(): FakeGraph {
  return {
    batchBodies: [],
    debugTokenGets: 0,
    exchanges: [],
    inFlight: 0,
    maxInFlight: 0,
    batchItem: null,
    batchDelayMs: 0,
  }
}

function hasAppCredentials(params: URLSearchParams): boolean {
  return (
    params.get('access_token') === APP_TOKEN &&
    params.get('appsecret_proof') === PROOF
  )
}

const batchHandler = http.post(`${API}/${VERSION}/`, async ({ request }) => {
  const form = new URLSearchParams(await request.text())
  graph.batchBodies.push(form)
  if (!hasAppCredentials(form)) return badSignature()

  graph.inFlight++
  graph.maxInFlight = Math.max(graph.maxInFlight, graph.inFlight)
  if (graph.batchDelayMs > 0) await delay(graph.batchDelayMs)
  graph.inFlight--

  const requests = JSON.parse(form.get('batch') ?? '[]') as Array<{
    method: string
    relative_url: string
  }>
  const items = requests.map((item, index) => {
    const query = new URLSearchParams(item.relative_url.split('?')[1])
    const token = query.get('input_token') ?? ''
    const override = graph.batchItem?.(token, index)
    if (override !== undefined) return override
    return { code: 200, body: JSON.stringify({ data: debugData(token) }) }
  })
  return HttpResponse.json(items)
})

const debugTokenHandler = http.get(
  `${API}/${VERSION}/debug_token`,
  ({ request }) => {
    const query = new URL(request.url).searchParams
    graph.debugTokenGets++
    if (!hasAppCredentials(query)) return badSignature()
    return HttpResponse.json({
      data: debugData(query.get('input_token') ?? ''),
    })
  },
)

const exchangeHandler = http.get(
  `${API}/${VERSION}/oauth/access_token`,
  ({ request }) => {
    const query = new URL(request.url).searchParams
    graph.exchanges.push(query)
    if (query.get('client_secret') !== APP_SECRET) {
      return HttpResponse.json(
        metaError(1, 'Error validating client secret.'),
        { status: 400 },
      )
    }
    return HttpResponse.json({
      access_token: 'fresh-long-lived-token-value',
      token_type: 'bearer',
      expires_in: 5183944,
    })
  },
)

const revokeHandler = http.get(
  `${API}/${VERSION}/oauth/revoke`,
  ({ request }) => {
    const query = new URL(request.url).searchParams
    if (!hasAppCredentials(query)) return badSignature()
    return HttpResponse.json({ success: 'true' })
  },
)

const unknownRoute = http.all('*', () =>
  HttpResponse.json(metaError(2500, 'Unknown path components'), {
    status: 400,
  }),
)

const server = setupServer(
  batchHandler,
  debugTokenHandler,
  exchangeHandler,
  revokeHandler,
  unknownRoute,
)

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

interface RecordingLog extends Logger {
  lines: Array<{ level: string; message: string }>
}

function recordingLog(): RecordingLog {
  const lines: RecordingLog['lines'] = []
  const record = (level: string) => (message: string) => {
    lines.push({ level, message })
  }
  return {
    lines,
    info: record('info'),
    warning: record('warning'),
    error: record('error'),
    debug: record('debug'),
  }
}

let log: RecordingLog
let sleeps: number[]
let clock: number

beforeEach(() => {
  graph = newFakeGraph()
  log = recordingLog()
  sleeps = []
  clock = 0
  clearSecretsForTesting()
})

/** Builds a client whose sleeps only advance a fake clock, so retries cost no time. */
function client(overrides: Partial<GraphClientOptions> = {}): GraphClient {
  return new GraphClient({
    appId: APP_ID,
    appSecret: APP_SECRET,
    apiUrl: API,
    version: VERSION,
    log,
    random: () => 0.5,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms)
      clock += ms
    },
    ...overrides,
  })
}

function tokens(count: number): string[] {
  return Array.from({ length: count }, (_, index) => tokenFor(index))
}

function expectNoSecretsIn(text: string, secrets: string[]): void {
  for (const secret of [APP_SECRET, ...secrets]) {
    expect(text).not.toContain(secret)
  }
}

describe('GraphClient.inspect', () => {
  it('sends ceil(N/50) batches and keeps order', async () => {
    const graphClient = client()
    const input = tokens(120)

    const results = await graphClient.inspect(input)

    expect(graph.batchBodies).toHaveLength(3)
    expect(graphClient.stats.batchRequests).toBe(3)
    expect(graphClient.stats.singleRequests).toBe(0)
    expect(results).toHaveLength(120)
    results.forEach((result, index) => {
      expect(result.ok).toBe(true)
      if (result.ok) expect(result.info.userId).toBe(String(10_000 + index))
    })
  })

  it('sends nothing for no tokens', async () => {
    const graphClient = client()

    expect(await graphClient.inspect([])).toEqual([])
    expect(graphClient.stats.requests).toBe(0)
  })

  it('sends batch form fields Meta expects', async () => {
    await client().inspect(tokens(2))

    const form = graph.batchBodies[0] as URLSearchParams
    expect(form.get('include_headers')).toBe('false')
    expect(form.get('appsecret_proof')).toBe(PROOF)
    expect(JSON.parse(form.get('batch') ?? '')).toEqual([
      {
        method: 'GET',
        relative_url: `debug_token?input_token=${tokenFor(0)}`,
      },
      {
        method: 'GET',
        relative_url: `debug_token?input_token=${tokenFor(1)}`,
      },
    ])
  })

  it('keeps batches in flight within concurrency', async () => {
    graph.batchDelayMs = 20

    await client({ concurrency: 2, batchSize: 10 }).inspect(tokens(100))

    expect(graph.batchBodies).toHaveLength(10)
    expect(graph.maxInFlight).toBeLessThanOrEqual(2)
    expect(graph.maxInFlight).toBeGreaterThan(1)
  })

  it('retries null and 500 items alone', async () => {
    graph.batchItem = (_token, index) => {
      if (index === 1) return null
      if (index === 2) {
        return {
          code: 500,
          body: JSON.stringify(
            metaError(2, 'Service temporarily unavailable', {
              is_transient: true,
            }),
          ),
        }
      }
      return undefined
    }
    const graphClient = client()

    const results = await graphClient.inspect(tokens(3))

    expect(results.every((result) => result.ok)).toBe(true)
    expect(graph.debugTokenGets).toBe(2)
    expect(graphClient.stats.retries).toBe(2)
    expect(sleeps).toEqual([250, 250])
  })

  it('reports an item that keeps failing', async () => {
    graph.batchItem = (_token, index) => (index === 0 ? null : undefined)
    server.use(
      http.get(`${API}/${VERSION}/debug_token`, () =>
        HttpResponse.json(metaError(2, 'Temporary'), { status: 503 }),
      ),
    )

    const results = await client({ maxAttempts: 3 }).inspect(tokens(2))

    const [failed, passed] = results
    expect(failed?.ok).toBe(false)
    if (failed && !failed.ok) expect(failed.error.transient).toBe(true)
    expect(passed?.ok).toBe(true)
  })

  it('falls back to single requests once', async () => {
    graph.batchItem = () => ({
      code: 400,
      body: JSON.stringify(metaError(3, 'Unknown method')),
    })
    const graphClient = client()

    const results = await graphClient.inspect(tokens(120))

    expect(results.every((result) => result.ok)).toBe(true)
    expect(graphClient.stats.fallbackToSingle).toBe(true)
    expect(graph.debugTokenGets).toBe(120)
    expect(graph.batchBodies.length).toBeLessThanOrEqual(3)
    const warnings = log.lines.filter((line) => line.level === 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.message).toContain('one request at a time')
  })

  it('falls back when the batch request is rejected', async () => {
    server.use(
      http.post(`${API}/${VERSION}/`, () =>
        HttpResponse.json(
          metaError(100, 'Unsupported post request.', { error_subcode: 33 }),
          { status: 400 },
        ),
      ),
    )
    const graphClient = client()

    const results = await graphClient.inspect(tokens(3))

    expect(results.every((result) => result.ok)).toBe(true)
    expect(graphClient.stats.fallbackToSingle).toBe(true)
  })

  it('throws one credentials error', async () => {
    const graphClient = client({ appSecret: 'wrong-secret-0123456789abcdef' })

    const error = await graphClient.inspect(tokens(120)).catch((e) => e)

    expect(error).toBeInstanceOf(GraphError)
    expect(error.kind).toBe('credentials')
    expect(error.message).toContain('`app-secret`')
    expect(graph.batchBodies.length).toBeLessThanOrEqual(3)
    expect(graph.debugTokenGets).toBe(0)
    expectNoSecretsIn(error.message, ['wrong-secret-0123456789abcdef'])
  })

  it('throws one credentials error after fallback', async () => {
    graph.batchItem = () => ({
      code: 400,
      body: JSON.stringify(metaError(3, 'Unknown method')),
    })
    server.use(http.get(`${API}/${VERSION}/debug_token`, badSignature))
    const graphClient = client({ concurrency: 1 })

    const error = await graphClient.inspect(tokens(10)).catch((e) => e)

    expect(error.kind).toBe('credentials')
    expect(graphClient.stats.singleRequests).toBe(1)
  })

  it('throws a version error naming the input', async () => {
    const error = await client({ version: 'v99.0' })
      .inspect(tokens(2))
      .catch((e) => e)

    expect(error.kind).toBe('version')
    expect(error.message).toContain('`graph-api-version`')
  })

  it('rejects a malformed version up front', () => {
    expect(() => client({ version: 'latest' })).toThrow(/graph-api-version/)
  })

  it('reports garbage as an invalid token', async () => {
    const [result] = await client().inspect(['not-a-token'])

    expect(result?.ok).toBe(true)
    if (result?.ok) expect(result.info.isValid).toBe(false)
  })

  it('reports a token of another app', async () => {
    graph.batchItem = () => ({
      code: 400,
      body: JSON.stringify(
        metaError(
          100,
          '(#100) The App_id in the input_token did not match the Viewing App',
        ),
      ),
    })
    const graphClient = client()

    const [result] = await graphClient.inspect(tokens(1))

    expect(graphClient.stats.fallbackToSingle).toBe(false)
    expect(result?.ok).toBe(true)
    if (!result?.ok) return
    expect(describeInvalid(result.info).reason).toContain(
      'issued for another app',
    )
  })

  it('fails items as transient past the deadline', async () => {
    server.use(
      http.post(`${API}/${VERSION}/`, () =>
        HttpResponse.json(metaError(1, 'An unknown error occurred'), {
          status: 500,
        }),
      ),
    )
    const graphClient = client({
      deadlineMs: 60_000,
      maxAttempts: 100,
      random: () => 0.999,
    })

    const results = await graphClient.inspect(tokens(2))

    for (const result of results) {
      expect(result.ok).toBe(false)
      if (result.ok) continue
      expect(result.error.transient).toBe(true)
      expect(result.error.message).toContain(
        'could not be checked before the time budget of 1 min ran out',
      )
    }
    expect(graphClient.stats.requests).toBeLessThan(100)
  })

  it('times out a hanging request', async () => {
    server.use(
      http.post(`${API}/${VERSION}/`, async () => {
        await delay('infinite')
        return HttpResponse.json([])
      }),
    )
    const graphClient = client({
      timeoutMs: 50,
      maxAttempts: 2,
      now: () => performance.now(),
    })

    const [result] = await graphClient.inspect(tokens(1))

    expect(result?.ok).toBe(false)
    if (result?.ok) return
    expect(result?.error.message).toContain('timed out after 50 ms')
    expect(graphClient.stats.requests).toBe(2)
  })

  it('retries a dropped connection', async () => {
    server.use(
      http.post(`${API}/${VERSION}/`, () => HttpResponse.error(), {
        once: true,
      }),
    )
    const graphClient = client()

    const results = await graphClient.inspect(tokens(2))

    expect(results.every((result) => result.ok)).toBe(true)
    expect(graphClient.stats.retries).toBe(1)
  })

  it('slows down above 75 % app usage', async () => {
    server.use(
      http.post(`${API}/${VERSION}/`, () =>
        HttpResponse.json(
          [
            {
              code: 200,
              body: JSON.stringify({ data: debugData(tokenFor(0)) }),
            },
          ],
          { headers: { 'X-App-Usage': '{"call_count":90,"total_time":10}' } },
        ),
      ),
    )
    const graphClient = client({ batchSize: 1, concurrency: 1 })

    await graphClient.inspect(tokens(3))

    expect(sleeps).toEqual([6000, 6000])
    const notices = log.lines.filter((line) => line.level === 'info')
    expect(notices).toHaveLength(1)
    expect(notices[0]?.message).toContain('90%')
  })

  it('waits the regain time of a throttled item', async () => {
    server.use(
      http.post(`${API}/${VERSION}/`, () =>
        HttpResponse.json(
          [
            {
              code: 400,
              body: JSON.stringify(
                metaError(80004, 'There have been too many calls'),
              ),
            },
          ],
          {
            headers: {
              'X-Business-Use-Case-Usage':
                '{"111":[{"type":"ads_management","call_count":100,"estimated_time_to_regain_access":2}]}',
            },
          },
        ),
      ),
    )

    const [result] = await client().inspect(tokens(1))

    expect(result?.ok).toBe(true)
    expect(sleeps).toEqual([120_000])
  })

  it('never logs a token or the app secret', async () => {
    graph.batchItem = (_token, index) => (index === 0 ? null : undefined)
    const input = tokens(3)

    await client().inspect(input)

    expect(log.lines.length).toBeGreaterThan(0)
    for (const line of log.lines) expectNoSecretsIn(line.message, input)
  })
})

describe('GraphClient.inspectOne', () => {
  it('uses a single GET', async () => {
    const graphClient = client()

    const result = await graphClient.inspectOne(tokenFor(7))

    expect(result.ok).toBe(true)
    if (result.ok) expect(result.info.userId).toBe('10007')
    expect(graph.debugTokenGets).toBe(1)
    expect(graphClient.stats.batchRequests).toBe(0)
  })

  it('returns a credentials error instead of throwing', async () => {
    const result = await client({
      appSecret: 'wrong-secret-0123456789abcdef',
    }).inspectOne(tokenFor(7))

    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.kind).toBe('credentials')
  })
})

describe('GraphClient.exchange', () => {
  it('registers the new token as a secret', async () => {
    const fresh = 'fresh-long-lived-token-value'
    expect(redact(fresh)).toBe(fresh)

    const result = await client().exchange(tokenFor(1), 'user')

    expect(result).toEqual({ accessToken: fresh, expiresIn: 5183944 })
    expect(redact(`new token ${fresh}`)).toBe('new token ***')
  })

  it('sends the documented query', async () => {
    await client().exchange(tokenFor(1), 'user')

    const query = graph.exchanges[0] as URLSearchParams
    expect(query.get('grant_type')).toBe('fb_exchange_token')
    expect(query.get('client_id')).toBe(APP_ID)
    expect(query.get('client_secret')).toBe(APP_SECRET)
    expect(query.get('fb_exchange_token')).toBe(tokenFor(1))
    expect(query.has('set_token_expires_in_60_days')).toBe(false)
  })

  it('asks for 60 days for a System User token', async () => {
    await client().exchange(tokenFor(1), 'system-user')

    const query = graph.exchanges[0] as URLSearchParams
    expect(query.get('set_token_expires_in_60_days')).toBe('true')
  })

  it('retries a transient failure', async () => {
    server.use(
      http.get(
        `${API}/${VERSION}/oauth/access_token`,
        () => new HttpResponse('<html>Bad gateway</html>', { status: 502 }),
        { once: true },
      ),
    )
    const graphClient = client()

    const result = await graphClient.exchange(tokenFor(1), 'user')

    expect(result.accessToken).toBe('fresh-long-lived-token-value')
    expect(graphClient.stats.retries).toBe(1)
  })

  it('does not retry an expired token', async () => {
    let calls = 0
    server.use(
      http.get(`${API}/${VERSION}/oauth/access_token`, () => {
        calls++
        return HttpResponse.json(
          metaError(190, 'Error validating access token: Session has expired', {
            error_subcode: 463,
          }),
          { status: 400 },
        )
      }),
    )

    const error = await client()
      .exchange(tokenFor(1), 'user')
      .catch((e) => e)

    expect(error.kind).toBe('token')
    expect(error.subcode).toBe(463)
    expect(calls).toBe(1)
  })

  it('names app-secret when Meta rejects it', async () => {
    const error = await client({ appSecret: 'wrong-secret-0123456789abcdef' })
      .exchange(tokenFor(1), 'user')
      .catch((e) => e)

    expect(error.kind).toBe('credentials')
    expect(error.message).toContain('`app-secret`')
    expect(graph.exchanges).toHaveLength(1)
    expectNoSecretsIn(error.message, ['wrong-secret-0123456789abcdef'])
  })

  it('throws when the body holds no token', async () => {
    server.use(
      http.get(`${API}/${VERSION}/oauth/access_token`, () =>
        HttpResponse.json({ token_type: 'bearer' }),
      ),
    )

    await expect(client().exchange(tokenFor(1), 'user')).rejects.toThrow(
      'no access token',
    )
  })
})

describe('GraphClient.revoke', () => {
  it('accepts success "true"', async () => {
    await expect(client().revoke(tokenFor(1))).resolves.toBeUndefined()
  })

  it('throws without success', async () => {
    server.use(
      http.get(`${API}/${VERSION}/oauth/revoke`, () =>
        HttpResponse.json({ success: false }),
      ),
    )

    await expect(client().revoke(tokenFor(1))).rejects.toThrow(
      'did not confirm',
    )
  })
})
