import { HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  ISSUE_MARKER,
  syncTrackingIssue,
  type IssueContent,
} from '../../src/github/tracking-issue.ts'
import { clearSecretsForTesting } from '../../src/redact.ts'
import {
  API,
  createRecorder,
  createTestLog,
  createTestOctokit,
  githubError,
} from './helpers.ts'

const TOKEN = 'ghs_' + 'IssueTokenValue1'.repeat(3)
const REPOSITORY = { owner: 'acme', repo: 'ads' }
const LABEL = 'meta-tokens'
const CLOSE_COMMENT = 'Every client token is healthy. Closing.'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
afterEach(() => {
  server.resetHandlers()
  clearSecretsForTesting()
})
afterAll(() => server.close())

function issueBody(items: string[]): string {
  return [
    ISSUE_MARKER,
    '## Meta access tokens that need a person',
    '',
    ...items,
  ].join('\n')
}

const PROBLEMS: IssueContent = {
  title: 'Meta tokens: 1 client needs a person',
  body: issueBody([
    '- [ ] Acme: the token expired; reconnect it <!-- item:acme -->',
    '- [ ] Re-check now <!-- item:recheck -->',
  ]),
  needsAction: true,
}

const HEALTHY: IssueContent = {
  title: 'Meta tokens: all healthy',
  body: issueBody(['Every client token is healthy.']),
  needsAction: false,
}

interface SimIssue {
  number: number
  title: string
  body: string | null
  state: 'open' | 'closed'
  stateReason: string | null
  labels: string[]
  pullRequest: boolean
  comments: string[]
}

/**
 * GitHub's issues endpoints for one repository: list (newest first, as
 * GitHub sorts by default, with Link pagination), labels, create, edit,
 * comment. Pull requests appear in the list as GitHub returns them.
 */
function createIssuesApi(options: { dropLabelsOnCreate?: boolean } = {}) {
  const recorder = createRecorder()
  const { route } = recorder
  const issues: SimIssue[] = []
  const labels = new Set<string>([LABEL])

  function add(partial: Partial<SimIssue>): SimIssue {
    const issue: SimIssue = {
      number: issues.length + 1,
      title: 'Meta tokens',
      body: PROBLEMS.body,
      state: 'open',
      stateReason: null,
      labels: [LABEL],
      pullRequest: false,
      comments: [],
      ...partial,
    }
    issues.push(issue)
    return issue
  }

  const toJson = (issue: SimIssue) => ({
    id: 5000 + issue.number,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.stateReason,
    labels: issue.labels.map((name, index) => ({
      id: index + 1,
      name,
      color: 'd93f0b',
    })),
    html_url: `https://github.com/acme/ads/issues/${issue.number}`,
    ...(issue.pullRequest
      ? { pull_request: { url: `${API}/repos/acme/ads/pulls/${issue.number}` } }
      : {}),
  })

  function find(number: string): SimIssue | undefined {
    return issues.find((issue) => issue.number === Number(number))
  }

  /** Returns one page of the issues list, filtered by `state` and `labels` as GitHub does. */
  function listPage(query: URLSearchParams): Response {
    const state = query.get('state') ?? 'open'
    const requested = (query.get('labels') ?? '').split(',').filter(Boolean)
    const perPage = Number(query.get('per_page') ?? '30')
    const page = Number(query.get('page') ?? '1')
    const matching = [...issues]
      .reverse()
      .filter((issue) => state === 'all' || issue.state === state)
      .filter((issue) => requested.every((name) => issue.labels.includes(name)))
    const slice = matching.slice((page - 1) * perPage, page * perPage)
    const next = new URL(`${API}/repositories/77/issues`)
    next.search = new URLSearchParams({
      ...Object.fromEntries(query),
      page: String(page + 1),
    }).toString()
    const more = page * perPage < matching.length
    return HttpResponse.json(
      slice.map(toJson),
      more ? { headers: { link: `<${next.href}>; rel="next"` } } : {},
    )
  }

  const handlers = [
    route('get', '/repos/:owner/:repo/issues', ({ query }) => listPage(query)),
    // GitHub's Link header points at the repository-id form of the route.
    route('get', '/repositories/:id/issues', ({ query }) => listPage(query)),
    route('get', '/repos/:owner/:repo/labels/:name', ({ params }) =>
      labels.has(decodeURIComponent(params.name ?? ''))
        ? HttpResponse.json({ id: 1, name: params.name, color: 'd93f0b' })
        : githubError(404, 'Not Found'),
    ),
    route('post', '/repos/:owner/:repo/labels', ({ body }) => {
      const { name } = body as { name: string }
      if (labels.has(name)) {
        return githubError(422, 'Validation Failed')
      }
      labels.add(name)
      return HttpResponse.json({ id: 2, ...(body as object) }, { status: 201 })
    }),
    route('post', '/repos/:owner/:repo/issues', ({ body }) => {
      const request = body as { title: string; body: string; labels?: string[] }
      const issue = add({
        title: request.title,
        body: request.body,
        labels: options.dropLabelsOnCreate ? [] : (request.labels ?? []),
      })
      return HttpResponse.json(toJson(issue), { status: 201 })
    }),
    route('patch', '/repos/:owner/:repo/issues/:number', ({ params, body }) => {
      const issue = find(params.number ?? '')
      if (!issue) return githubError(404, 'Not Found')
      const edit = body as Partial<{
        title: string
        body: string
        state: 'open' | 'closed'
        state_reason: string
      }>
      if (edit.title !== undefined) issue.title = edit.title
      if (edit.body !== undefined) issue.body = edit.body
      if (edit.state !== undefined) {
        issue.state = edit.state
        issue.stateReason =
          edit.state_reason ??
          (edit.state === 'open' ? 'reopened' : 'completed')
      }
      return HttpResponse.json(toJson(issue))
    }),
    route(
      'post',
      '/repos/:owner/:repo/issues/:number/comments',
      ({ params, body }) => {
        const issue = find(params.number ?? '')
        if (!issue) return githubError(404, 'Not Found')
        issue.comments.push((body as { body: string }).body)
        return HttpResponse.json(
          { id: 9, body: (body as { body: string }).body },
          { status: 201 },
        )
      },
    ),
  ]
  return { ...recorder, issues, labels, add, handlers }
}

function sync(
  content: IssueContent,
  extra: { labels?: string[]; dryRun?: boolean } = {},
) {
  const { log, lines } = createTestLog()
  const result = syncTrackingIssue({
    octokit: createTestOctokit(TOKEN, log),
    repository: REPOSITORY,
    labels: extra.labels ?? [LABEL],
    content,
    closeComment: CLOSE_COMMENT,
    log,
    dryRun: extra.dryRun ?? false,
  })
  return { result, lines }
}

const describeRequest = (request: { method: string; path: string }) =>
  `${request.method} ${request.path}`

describe('syncTrackingIssue', () => {
  it('creates the issue and its label', async () => {
    const api = createIssuesApi()
    api.labels.clear()
    server.use(...api.handlers)

    const { result } = sync(PROBLEMS, { labels: [LABEL, 'ops'] })

    expect(await result).toEqual({
      number: 1,
      action: 'created',
      message: 'Tracking issue #1 created.',
    })
    expect(api.requests.map(describeRequest)).toEqual([
      'GET /repos/acme/ads/issues',
      'GET /repos/acme/ads/labels/meta-tokens',
      'POST /repos/acme/ads/labels',
      'GET /repos/acme/ads/labels/ops',
      'POST /repos/acme/ads/labels',
      'POST /repos/acme/ads/issues',
    ])
    expect(api.requests[2]?.body).toMatchObject({
      name: LABEL,
      color: 'd93f0b',
    })
    expect(api.requests[2]?.body).toHaveProperty('description')
    expect(api.issues[0]).toMatchObject({
      title: PROBLEMS.title,
      body: PROBLEMS.body,
      labels: [LABEL, 'ops'],
    })
  })

  it('does not recreate an existing label', async () => {
    const api = createIssuesApi()
    server.use(...api.handlers)

    await sync(PROBLEMS).result

    expect(api.requests.filter((r) => r.path.endsWith('/labels'))).toHaveLength(
      0,
    )
    expect(api.issues).toHaveLength(1)
  })

  it('looks up by label and state all', async () => {
    const api = createIssuesApi()
    server.use(...api.handlers)

    await sync(PROBLEMS).result

    const lookup = api.requests[0]
    expect(lookup?.query.get('state')).toBe('all')
    expect(lookup?.query.get('labels')).toBe(LABEL)
    expect(lookup?.query.get('per_page')).toBe('100')
  })

  it('updates the existing issue', async () => {
    const api = createIssuesApi()
    api.add({
      title: 'Meta tokens: old',
      body: issueBody(['- [ ] Old <!-- item:old -->']),
    })
    server.use(...api.handlers)

    const outcome = await sync(PROBLEMS).result

    expect(outcome).toMatchObject({ number: 1, action: 'updated' })
    expect(api.mutating().map(describeRequest)).toEqual([
      'PATCH /repos/acme/ads/issues/1',
    ])
    expect(api.mutating()[0]?.body).toEqual({
      title: PROBLEMS.title,
      body: PROBLEMS.body,
    })
    expect(api.issues).toHaveLength(1)
  })

  it('sends no PATCH when unchanged', async () => {
    const api = createIssuesApi()
    api.add({
      title: PROBLEMS.title,
      body: PROBLEMS.body.replace(/\n/g, '\r\n'),
    })
    server.use(...api.handlers)

    const outcome = await sync(PROBLEMS).result

    expect(outcome).toEqual({
      number: 1,
      action: 'unchanged',
      message: 'Tracking issue #1 is up to date.',
    })
    expect(api.mutating()).toHaveLength(0)
  })

  it('keeps boxes a person ticked', async () => {
    const api = createIssuesApi()
    api.add({
      title: PROBLEMS.title,
      body: issueBody([
        '- [x] Acme: the token expired; reconnect it <!-- item:acme -->',
        '- [x] Re-check now <!-- item:recheck -->',
      ]),
    })
    server.use(...api.handlers)

    const outcome = await sync(PROBLEMS).result

    expect(outcome.action).toBe('updated')
    const sent = (api.mutating()[0]?.body as { body: string }).body
    expect(sent).toContain(
      '- [x] Acme: the token expired; reconnect it <!-- item:acme -->',
    )
    expect(sent).toContain('- [ ] Re-check now <!-- item:recheck -->')
  })

  it('leaves a ticked box alone when only it differs', async () => {
    const api = createIssuesApi()
    api.add({
      title: PROBLEMS.title,
      body: PROBLEMS.body.replace('- [ ] Acme', '- [x] Acme'),
    })
    server.use(...api.handlers)

    const outcome = await sync(PROBLEMS).result

    expect(outcome.action).toBe('unchanged')
    expect(api.mutating()).toHaveLength(0)
  })

  it('closes the issue when all healthy', async () => {
    const api = createIssuesApi()
    api.add({ title: PROBLEMS.title, body: PROBLEMS.body })
    server.use(...api.handlers)

    const outcome = await sync(HEALTHY).result

    expect(outcome).toMatchObject({ number: 1, action: 'closed' })
    expect(api.mutating().map(describeRequest)).toEqual([
      'POST /repos/acme/ads/issues/1/comments',
      'PATCH /repos/acme/ads/issues/1',
    ])
    expect(api.issues[0]).toMatchObject({
      state: 'closed',
      stateReason: 'completed',
      body: HEALTHY.body,
      comments: [CLOSE_COMMENT],
    })
    expect(api.mutating()[1]?.body).toMatchObject({
      state: 'closed',
      state_reason: 'completed',
    })
  })

  it('does nothing when healthy and closed', async () => {
    const api = createIssuesApi()
    api.add({ state: 'closed', stateReason: 'completed', body: HEALTHY.body })
    server.use(...api.handlers)

    const outcome = await sync(HEALTHY).result

    expect(outcome).toMatchObject({ number: null, action: 'none' })
    expect(api.mutating()).toHaveLength(0)
  })

  it('unticks re-check on a closed issue', async () => {
    const api = createIssuesApi()
    const ticked = `${HEALTHY.body}\n- [x] Re-check now <!-- item:recheck -->`
    api.add({ state: 'closed', stateReason: 'completed', body: ticked })
    server.use(...api.handlers)
    const content = {
      ...HEALTHY,
      body: `${HEALTHY.body}\n- [ ] Re-check now <!-- item:recheck -->`,
    }

    const outcome = await sync(content).result

    expect(outcome).toMatchObject({ number: 1, action: 'updated' })
    expect(api.mutating()[0]?.body).toEqual({
      title: HEALTHY.title,
      body: content.body,
    })
    expect(api.issues[0]?.state).toBe('closed')
  })

  it('does nothing when healthy and none', async () => {
    const api = createIssuesApi()
    server.use(...api.handlers)

    const outcome = await sync(HEALTHY).result

    expect(outcome).toMatchObject({ number: null, action: 'none' })
    expect(api.mutating()).toHaveLength(0)
  })

  it('reopens when problems return', async () => {
    const api = createIssuesApi()
    api.add({ state: 'closed', stateReason: 'completed', body: HEALTHY.body })
    server.use(...api.handlers)

    const outcome = await sync(PROBLEMS).result

    expect(outcome).toMatchObject({ number: 1, action: 'reopened' })
    expect(api.mutating().map(describeRequest)).toEqual([
      'PATCH /repos/acme/ads/issues/1',
    ])
    expect(api.mutating()[0]?.body).toEqual({
      title: PROBLEMS.title,
      body: PROBLEMS.body,
      state: 'open',
    })
    expect(api.issues).toHaveLength(1)
    expect(api.issues[0]?.state).toBe('open')
  })

  it('reduces two marked issues to one', async () => {
    const api = createIssuesApi()
    api.add({ title: PROBLEMS.title, body: PROBLEMS.body })
    api.add({ title: PROBLEMS.title, body: PROBLEMS.body })
    api.add({ title: PROBLEMS.title, body: PROBLEMS.body })
    server.use(...api.handlers)

    const outcome = await sync(PROBLEMS).result

    expect(outcome).toMatchObject({ number: 1, action: 'unchanged' })
    expect(api.issues.map((issue) => issue.state)).toEqual([
      'open',
      'closed',
      'closed',
    ])
    for (const duplicate of api.issues.slice(1)) {
      expect(duplicate.comments).toHaveLength(1)
      expect(duplicate.comments[0]).toMatch(/^Closing in favour of #1\b/)
      expect(duplicate.stateReason).toBe('not_planned')
    }
    expect(api.issues[0]?.comments).toEqual([])
  })

  it('reads every page', async () => {
    const api = createIssuesApi()
    api.add({
      title: PROBLEMS.title,
      body: PROBLEMS.body.replace('- [ ] Acme', '- [x] Acme'),
    })
    for (let index = 0; index < 230; index += 1) {
      api.add({
        body: `Unrelated issue ${index}`,
        pullRequest: index % 3 === 0,
      })
    }
    server.use(...api.handlers)

    const outcome = await sync(PROBLEMS).result

    expect(outcome).toMatchObject({ number: 1, action: 'unchanged' })
    const pages = api.requests.filter((r) => r.method === 'GET')
    expect(pages.map((r) => r.query.get('page') ?? '1')).toEqual([
      '1',
      '2',
      '3',
    ])
    for (const page of pages) {
      expect(page.query.get('labels')).toBe(LABEL)
      expect(page.query.get('state')).toBe('all')
    }
    expect(api.mutating()).toHaveLength(0)
  })

  it('skips pull requests and unmarked issues', async () => {
    const api = createIssuesApi()
    api.add({ body: PROBLEMS.body, pullRequest: true })
    api.add({ body: 'Meta tokens expire soon (written by a person)' })
    api.add({ body: PROBLEMS.body, labels: ['other'] })
    server.use(...api.handlers)

    const outcome = await sync(PROBLEMS).result

    expect(outcome).toMatchObject({ number: 4, action: 'created' })
    expect(api.mutating().map(describeRequest)).toEqual([
      'POST /repos/acme/ads/issues',
    ])
  })

  describe('failed lookup', () => {
    const failures: [string, () => Response][] = [
      ['server error', () => githubError(502, 'Bad Gateway')],
      [
        'forbidden',
        () => githubError(403, 'Resource not accessible by integration'),
      ],
      ['not found', () => githubError(404, 'Not Found')],
      ['network error', () => HttpResponse.error()],
    ]

    for (const [name, respond] of failures) {
      it(`creates nothing on ${name}`, async () => {
        const api = createIssuesApi()
        server.use(
          api.route('get', '/repos/:owner/:repo/issues', respond),
          ...api.handlers,
        )

        const { result, lines } = sync(PROBLEMS)
        const outcome = await result

        expect(outcome.action).toBe('failed')
        expect(outcome.number).toBeNull()
        expect(outcome.message).toMatch(
          /^Tracking issue not updated: listing the issues labelled "meta-tokens" failed \(/,
        )
        expect(outcome.message).not.toContain('\n')
        expect(outcome.message).not.toContain(TOKEN)
        expect(JSON.stringify(lines)).not.toContain(TOKEN)
        expect(api.mutating()).toHaveLength(0)
        expect(api.issues).toHaveLength(0)
      })
    }

    it('names issue-token on forbidden', async () => {
      const api = createIssuesApi()
      server.use(
        api.route('get', '/repos/:owner/:repo/issues', () =>
          githubError(403, 'Resource not accessible by integration'),
        ),
      )

      const outcome = await sync(PROBLEMS).result

      expect(outcome.message).toContain(
        '403 Resource not accessible by integration',
      )
      expect(outcome.message).toContain('`issue-token`')
      expect(outcome.message).toContain('issues: write')
    })

    it('calls a rejected issue-token invalid', async () => {
      const api = createIssuesApi()
      server.use(
        api.route('get', '/repos/:owner/:repo/issues', () =>
          githubError(401, 'Bad credentials'),
        ),
      )

      const outcome = await sync(PROBLEMS).result

      expect(outcome.message).toBe(
        'Tracking issue not updated: listing the issues labelled "meta-tokens" failed (401 Bad credentials). GitHub rejected input `issue-token` as invalid or expired: pass a current token, such as `${{ github.token }}`.',
      )
      expect(outcome.message).not.toContain('issues: write')
    })
  })

  it('reports a failed edit', async () => {
    const api = createIssuesApi()
    api.add({ title: 'old', body: PROBLEMS.body })
    server.use(
      api.route('patch', '/repos/:owner/:repo/issues/:number', () =>
        githubError(403, 'Resource not accessible by integration'),
      ),
      ...api.handlers,
    )

    const outcome = await sync(PROBLEMS).result

    expect(outcome).toMatchObject({ number: 1, action: 'failed' })
    expect(outcome.message).toContain('updating tracking issue #1 failed (403')
  })

  it('reports a label GitHub dropped', async () => {
    const api = createIssuesApi({ dropLabelsOnCreate: true })
    server.use(...api.handlers)

    const { result, lines } = sync(PROBLEMS)
    const outcome = await result

    const errors = lines.filter((line) => line.level === 'error')
    expect(outcome).toEqual({
      number: 1,
      action: 'created',
      message: 'Tracking issue #1 created.',
    })
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message).toContain('without its label "meta-tokens"')
  })

  it('leaves logging the outcome to the caller', async () => {
    const api = createIssuesApi()
    server.use(...api.handlers)

    const { result, lines } = sync(PROBLEMS)
    const outcome = await result

    expect(outcome.message).toBe('Tracking issue #1 created.')
    expect(lines.map((line) => line.message)).not.toContain(outcome.message)
  })

  it('refuses a body over 65,536 characters', async () => {
    const api = createIssuesApi()
    server.use(...api.handlers)
    const body = PROBLEMS.body + '\n' + 'x'.repeat(65_536)

    const outcome = await sync({ ...PROBLEMS, body }).result

    expect(outcome.action).toBe('failed')
    expect(outcome.message).toContain("over GitHub's limit of 65536")
    expect(api.requests).toHaveLength(0)
  })

  it('refuses a body without the marker', async () => {
    const api = createIssuesApi()
    server.use(...api.handlers)

    const outcome = await sync({ ...PROBLEMS, body: 'No marker' }).result

    expect(outcome.action).toBe('failed')
    expect(api.requests).toHaveLength(0)
  })

  it('refuses empty labels', async () => {
    const api = createIssuesApi()
    server.use(...api.handlers)

    const outcome = await sync(PROBLEMS, { labels: [] }).result

    expect(outcome.action).toBe('failed')
    expect(outcome.message).toContain('`issue-labels`')
    expect(api.requests).toHaveLength(0)
  })

  describe('dry run', () => {
    const scenarios: {
      name: string
      issues: Partial<SimIssue>[]
      content: IssueContent
      action: string
    }[] = [
      { name: 'create', issues: [], content: PROBLEMS, action: 'created' },
      {
        name: 'update',
        issues: [{ title: 'old' }],
        content: PROBLEMS,
        action: 'updated',
      },
      { name: 'close', issues: [{}], content: HEALTHY, action: 'closed' },
      {
        name: 'reopen',
        issues: [{ state: 'closed', body: HEALTHY.body }],
        content: PROBLEMS,
        action: 'reopened',
      },
      {
        name: 'duplicates',
        issues: [{ title: PROBLEMS.title }, {}],
        content: PROBLEMS,
        action: 'unchanged',
      },
    ]

    for (const scenario of scenarios) {
      it(`sends nothing on ${scenario.name}`, async () => {
        const api = createIssuesApi()
        api.labels.clear()
        for (const issue of scenario.issues) api.add(issue)
        server.use(...api.handlers)

        const { result, lines } = sync(scenario.content, { dryRun: true })
        const outcome = await result

        expect(outcome.action).toBe(scenario.action)
        expect(outcome.message).toMatch(/^Dry run: would /)
        expect(lines.map((line) => line.message)).not.toContain(outcome.message)
        expect(api.mutating()).toHaveLength(0)
        if (scenario.name === 'duplicates') {
          expect(lines.map((line) => line.message)).toContain(
            'Dry run: would close #2 in favour of #1.',
          )
        }
      })
    }
  })
})
