import { delay, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createOctokit, githubErrorMessage } from '../../src/github/octokit.ts'
import { clearSecretsForTesting } from '../../src/redact.ts'
import {
  API,
  createRecorder,
  createTestLog,
  createTestOctokit,
  githubError,
} from './helpers.ts'

const TOKEN = 'ghp_' + 'T0kenValue'.repeat(4)

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterEach(() => {
  server.resetHandlers()
  clearSecretsForTesting()
})
afterAll(() => server.close())

function statusSequence(statuses: number[]) {
  let call = 0
  return () => {
    const status = statuses[Math.min(call, statuses.length - 1)] ?? 200
    call += 1
    return status === 200
      ? HttpResponse.json({ id: 1 })
      : githubError(status, 'Server Error')
  }
}

describe('createOctokit', () => {
  it('sends the token and user agent', async () => {
    const { route, requests } = createRecorder()
    server.use(
      route('get', '/repos/:owner/:repo', () => HttpResponse.json({ id: 1 })),
    )
    const { log } = createTestLog()

    await createTestOctokit(TOKEN, log).rest.repos.get({
      owner: 'acme',
      repo: 'ads',
    })

    expect(requests[0]?.headers.get('authorization')).toContain(TOKEN)
    expect(requests[0]?.headers.get('user-agent')).toMatch(
      /^meta-token-keeper /,
    )
  })

  it('retries 5xx and then succeeds', async () => {
    const { route, requests } = createRecorder()
    server.use(
      route('get', '/repos/:owner/:repo', statusSequence([502, 503, 200])),
    )
    const { log } = createTestLog()

    const response = await createTestOctokit(TOKEN, log).rest.repos.get({
      owner: 'acme',
      repo: 'ads',
    })

    expect(response.status).toBe(200)
    expect(requests).toHaveLength(3)
  })

  it('gives up after 3 retries', async () => {
    const { route, requests } = createRecorder()
    server.use(route('get', '/repos/:owner/:repo', statusSequence([500])))
    const { log } = createTestLog()

    const call = createTestOctokit(TOKEN, log).rest.repos.get({
      owner: 'acme',
      repo: 'ads',
    })

    await expect(call).rejects.toMatchObject({ status: 500 })
    expect(requests).toHaveLength(4)
  })

  it('starts the backoff anew for each request', async () => {
    const { route, requests } = createRecorder()
    let call = 0
    server.use(
      route('get', '/repos/:owner/:repo', () => {
        call += 1
        return call % 2 === 1
          ? githubError(502, 'Server Error')
          : HttpResponse.json({ id: 1 })
      }),
    )
    const { log } = createTestLog()
    const octokit = createOctokit({
      token: TOKEN,
      baseUrl: API,
      log,
      writeSpacingMs: 0,
      retryAfterBaseMs: 50,
    })

    const waits: number[] = []
    for (let i = 0; i < 3; i++) {
      const started = performance.now()
      await octokit.rest.repos.get({ owner: 'acme', repo: 'ads' })
      waits.push(performance.now() - started)
    }

    // Each first retry waits 1² × 50 ms. A retry count carried over from
    // the previous request would make it 2² × 50 ms and then 3² × 50 ms.
    expect(requests).toHaveLength(6)
    for (const wait of waits) expect(wait).toBeLessThan(180)
  })

  it('retries network errors', async () => {
    const { route, requests } = createRecorder()
    let call = 0
    server.use(
      route('get', '/repos/:owner/:repo', () => {
        call += 1
        return call === 1 ? HttpResponse.error() : HttpResponse.json({ id: 1 })
      }),
    )
    const { log } = createTestLog()

    const response = await createTestOctokit(TOKEN, log).rest.repos.get({
      owner: 'acme',
      repo: 'ads',
    })

    expect(response.status).toBe(200)
    expect(requests).toHaveLength(2)
  })

  it('does not retry 4xx', async () => {
    for (const status of [401, 404, 422]) {
      const { route, requests } = createRecorder()
      server.use(
        route('get', '/repos/:owner/:repo', () => githubError(status, 'No')),
      )
      const { log } = createTestLog()

      const call = createTestOctokit(TOKEN, log).rest.repos.get({
        owner: 'acme',
        repo: 'ads',
      })

      await expect(call).rejects.toMatchObject({ status })
      expect(requests, `status ${status}`).toHaveLength(1)
    }
  })

  it('retries a secondary rate limit with a warning', async () => {
    const { route, requests } = createRecorder()
    let call = 0
    server.use(
      route('get', '/repos/:owner/:repo', () => {
        call += 1
        return call === 1
          ? githubError(
              403,
              'You have exceeded a secondary rate limit. Please wait.',
              {
                'retry-after': '7',
              },
            )
          : HttpResponse.json({ id: 1 })
      }),
    )
    const { log, lines } = createTestLog()

    await createTestOctokit(TOKEN, log).rest.repos.get({
      owner: 'acme',
      repo: 'ads',
    })

    expect(requests).toHaveLength(2)
    const warnings = lines.filter((line) => line.level === 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.message).toContain('secondary rate limit')
    expect(warnings[0]?.message).toContain('Retrying in 7 s')
    expect(warnings[0]?.message).toContain('GET /repos/{owner}/{repo}')
  })

  it('stops after 3 rate-limit retries', async () => {
    const { route, requests } = createRecorder()
    server.use(
      route('get', '/repos/:owner/:repo', () =>
        githubError(403, 'API rate limit exceeded for user ID 1.', {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
        }),
      ),
    )
    const { log, lines } = createTestLog()

    const call = createTestOctokit(TOKEN, log).rest.repos.get({
      owner: 'acme',
      repo: 'ads',
    })

    await expect(call).rejects.toMatchObject({ status: 403 })
    expect(requests).toHaveLength(4)
    const warnings = lines.filter((line) => line.level === 'warning')
    expect(warnings.at(-1)?.message).toContain('Giving up after 3 retries')
  })

  it('serialises writes', async () => {
    const { route, requests } = createRecorder()
    let inFlight = 0
    let maxInFlight = 0
    server.use(
      route('patch', '/repos/:owner/:repo/issues/:number', async () => {
        inFlight += 1
        maxInFlight = Math.max(maxInFlight, inFlight)
        await delay(5)
        inFlight -= 1
        return HttpResponse.json({ number: 1 })
      }),
    )
    const { log } = createTestLog()
    const octokit = createTestOctokit(TOKEN, log)

    await Promise.all(
      [1, 2, 3].map((issue_number) =>
        octokit.rest.issues.update({
          owner: 'acme',
          repo: 'ads',
          issue_number,
          body: 'x',
        }),
      ),
    )

    expect(requests).toHaveLength(3)
    expect(maxInFlight).toBe(1)
  })

  it('waits the gap after each write ends', async () => {
    const { route } = createRecorder()
    const spans: Array<{ start: number; end: number }> = []
    server.use(
      route('patch', '/repos/:owner/:repo/issues/:number', async () => {
        const start = performance.now()
        await delay(40)
        spans.push({ start, end: performance.now() })
        return HttpResponse.json({ number: 1 })
      }),
    )
    const { log } = createTestLog()
    const octokit = createOctokit({
      token: TOKEN,
      baseUrl: API,
      log,
      writeSpacingMs: 100,
      retryAfterBaseMs: 0,
    })

    await Promise.all(
      [1, 2, 3].map((issue_number) =>
        octokit.rest.issues.update({
          owner: 'acme',
          repo: 'ads',
          issue_number,
          body: 'x',
        }),
      ),
    )

    expect(spans).toHaveLength(3)
    for (let index = 1; index < spans.length; index++) {
      const previous = spans[index - 1] as { end: number }
      const current = spans[index] as { start: number }
      expect(current.start - previous.end).toBeGreaterThanOrEqual(99)
    }
  })

  it('logs one debug line per request', async () => {
    const { route } = createRecorder()
    server.use(
      route('get', '/repos/:owner/:repo/issues', () => HttpResponse.json([])),
    )
    const { log, lines } = createTestLog()

    await createTestOctokit(TOKEN, log).rest.issues.listForRepo({
      owner: 'acme',
      repo: 'ads',
      labels: 'meta-tokens',
    })

    const debug = lines.filter((line) => line.level === 'debug')
    expect(debug).toHaveLength(1)
    expect(debug[0]?.message).toBe(
      'GitHub GET /repos/{owner}/{repo}/issues: 200',
    )
    expect(JSON.stringify(lines)).not.toContain(TOKEN)
  })

  it('times out a stalled request', async () => {
    const { route, requests } = createRecorder()
    server.use(
      route('get', '/repos/:owner/:repo', async () => {
        await delay('infinite')
        return HttpResponse.json({})
      }),
    )
    const { log } = createTestLog()
    const octokit = createOctokit({
      token: TOKEN,
      baseUrl: API,
      log,
      retryAfterBaseMs: 0,
      timeoutMs: 20,
    })

    const error = await octokit.rest.repos
      .get({ owner: 'acme', repo: 'ads' })
      .catch((caught: unknown) => caught)

    expect(requests).toHaveLength(4)
    expect(githubErrorMessage(error)).toMatch(
      /^no response from GitHub \(.*timeout/,
    )
  })
})

describe('githubErrorMessage', () => {
  it('returns status and GitHub message', async () => {
    server.use(
      createRecorder().route('get', '/repos/:owner/:repo', () =>
        githubError(403, 'Resource not accessible by integration'),
      ),
    )
    const { log } = createTestLog()

    const error = await createTestOctokit(TOKEN, log)
      .request('GET /repos/{owner}/{repo}?access_token={secret}', {
        owner: 'acme',
        repo: 'ads',
        secret: 'query-secret-value',
      })
      .catch((caught: unknown) => caught)
    const message = githubErrorMessage(error)

    expect(message).toBe('403 Resource not accessible by integration')
    expect(message).not.toContain('query-secret-value')
    expect(message).not.toContain(TOKEN)
  })

  it('redacts a token echoed in the message', async () => {
    server.use(
      createRecorder().route('get', '/repos/:owner/:repo', () =>
        githubError(401, `Bad credentials for ${TOKEN}`),
      ),
    )
    const { log } = createTestLog()

    const error = await createTestOctokit(TOKEN, log)
      .rest.repos.get({ owner: 'acme', repo: 'ads' })
      .catch((caught: unknown) => caught)

    expect(githubErrorMessage(error)).toBe('401 Bad credentials for ***')
  })

  it('uses the status text for a non-JSON body', async () => {
    server.use(
      createRecorder().route('get', '/repos/:owner/:repo', () =>
        HttpResponse.text('<html>\n<body>Bad gateway</body>\n</html>', {
          status: 502,
          headers: { 'content-type': 'text/html' },
        }),
      ),
    )
    const { log } = createTestLog()

    const error = await createTestOctokit(TOKEN, log)
      .rest.repos.get({ owner: 'acme', repo: 'ads' })
      .catch((caught: unknown) => caught)

    expect(githubErrorMessage(error)).toBe('502 Bad Gateway')
  })

  it('describes other errors in one line', () => {
    expect(githubErrorMessage(new Error(`first ${TOKEN}\nsecond`))).toBe(
      'first ***',
    )
  })
})
