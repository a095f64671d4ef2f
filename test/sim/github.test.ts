import sodium from 'libsodium-wrappers'
import { describe, expect, it } from 'vitest'
import { GitHubSimulator, type GitHubSimulatorOptions } from './github.ts'
import { json, NOW_MS, send } from './test-helpers.ts'

const WRITER = 'github_pat_writer'
const READER = 'github_pat_reader'
const BLIND = 'github_pat_blind'
const WORKFLOW = 'ghs_workflow'
const APP = 'ghs_app_without_secrets'
const REPO = '/repos/northwind-agency/meta-tokens'
const ORG = '/orgs/northwind-agency'

function simulator(options: Partial<GitHubSimulatorOptions> = {}) {
  let now = NOW_MS
  const github = new GitHubSimulator({
    owner: 'northwind-agency',
    repo: 'meta-tokens',
    org: 'northwind-agency',
    environments: ['production'],
    orgRepositories: [{ id: 77, name: 'reports' }],
    now: () => now,
    credentials: {
      [WRITER]: {
        kind: 'pat',
        secrets: 'write',
        orgSecrets: 'write',
        issues: 'write',
        login: 'keeper-bot',
      },
      [READER]: {
        kind: 'pat',
        secrets: 'read',
        issues: 'read',
        login: 'reader',
      },
      [BLIND]: { kind: 'pat', secrets: 'none', issues: 'none', login: 'blind' },
      [WORKFLOW]: {
        kind: 'github-token',
        secrets: 'none',
        issues: 'write',
        login: 'github-actions[bot]',
      },
      [APP]: {
        kind: 'app',
        secrets: 'none',
        issues: 'write',
        login: 'app[bot]',
      },
    },
    ...options,
  })
  return { github, tick: (ms: number) => void (now += ms) }
}

const as = (token: string) => ({ authorization: `token ${token}` })

async function sealFor(github: GitHubSimulator, path: string, value: string) {
  await sodium.ready
  const key = json<{ key_id: string; key: string }>(
    await send(github, 'GET', `${path}/public-key`, { headers: as(WRITER) }),
  )
  const sealed = sodium.crypto_box_seal(
    sodium.from_string(value),
    sodium.from_base64(key.key, sodium.base64_variants.ORIGINAL),
  )
  return {
    encrypted_value: sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL),
    key_id: key.key_id,
  }
}

describe('GitHubSimulator secrets', () => {
  it('stores a sealed box and opens it', async () => {
    const { github, tick } = simulator()
    const path = `${REPO}/actions/secrets`
    const body = await sealFor(github, path, 'EAAnew-token')
    const created = await send(github, 'PUT', `${path}/META_TOKEN_A`, {
      json: body,
      headers: as(WRITER),
    })
    expect(created.status).toBe(201)
    expect(github.readSecret({ kind: 'repository' }, 'META_TOKEN_A')).toBe(
      'EAAnew-token',
    )

    tick(60_000)
    const again = await sealFor(github, path, 'EAAnewer')
    const updated = await send(github, 'PUT', `${path}/meta_token_a`, {
      json: again,
      headers: as(WRITER),
    })
    expect(updated.status).toBe(204)
    expect(updated.body).toBe('')
    expect(github.readSecret({ kind: 'repository' }, 'META_TOKEN_A')).toBe(
      'EAAnewer',
    )
    const info = github.secretInfo({ kind: 'repository' }, 'META_TOKEN_A')
    expect(info!.updatedAt - info!.createdAt).toBe(60_000)
    expect(github.counters.secretWrites).toBe(2)
  })

  it('returns metadata without the value', async () => {
    const { github } = simulator()
    github.seedSecret({ kind: 'repository' }, 'META_TOKEN_A', 'EAAseeded')
    const response = await send(
      github,
      'GET',
      `${REPO}/actions/secrets/META_TOKEN_A`,
      { headers: as(READER) },
    )
    expect(json(response)).toEqual({
      name: 'META_TOKEN_A',
      created_at: '2026-12-04T12:00:00Z',
      updated_at: '2026-12-04T12:00:00Z',
    })
    expect(response.body).not.toContain('EAAseeded')
  })

  it('requires key_id', async () => {
    const { github } = simulator()
    const body = await sealFor(github, `${REPO}/actions/secrets`, 'v')
    const response = await send(github, 'PUT', `${REPO}/actions/secrets/A`, {
      json: { encrypted_value: body.encrypted_value },
      headers: as(WRITER),
    })
    expect(response.status).toBe(422)
    expect(json(response).message).toMatch(/"key_id" wasn't supplied/)
  })

  it('rejects a stale key_id', async () => {
    const { github } = simulator()
    const body = await sealFor(github, `${REPO}/actions/secrets`, 'v')
    github.rotateKey({ kind: 'repository' })
    const response = await send(github, 'PUT', `${REPO}/actions/secrets/A`, {
      json: body,
      headers: as(WRITER),
    })
    expect(response.status).toBe(422)
    expect(github.readSecret({ kind: 'repository' }, 'A')).toBeUndefined()
  })

  it('rejects a box sealed to another key', async () => {
    const { github } = simulator()
    const body = await sealFor(
      github,
      `${REPO}/environments/production/secrets`,
      'v',
    )
    const key = json<{ key_id: string }>(
      await send(github, 'GET', `${REPO}/actions/secrets/public-key`, {
        headers: as(WRITER),
      }),
    )
    const response = await send(github, 'PUT', `${REPO}/actions/secrets/A`, {
      json: { ...body, key_id: key.key_id },
      headers: as(WRITER),
    })
    expect(response.status).toBe(422)
  })

  it('rejects invalid names', async () => {
    const { github } = simulator()
    for (const name of ['GITHUB_TOKEN_X', '1TOKEN', 'META-TOKEN']) {
      const body = await sealFor(github, `${REPO}/actions/secrets`, 'v')
      const response = await send(
        github,
        'PUT',
        `${REPO}/actions/secrets/${name}`,
        { json: body, headers: as(WRITER) },
      )
      expect(response.status, name).toBe(422)
    }
  })

  it('writes environment secrets', async () => {
    const { github } = simulator()
    const path = `${REPO}/environments/production/secrets`
    const body = await sealFor(github, path, 'env-value')
    const response = await send(github, 'PUT', `${path}/META_TOKEN_A`, {
      json: body,
      headers: as(WRITER),
    })
    expect(response.status).toBe(201)
    expect(
      github.readSecret(
        { kind: 'environment', name: 'production' },
        'META_TOKEN_A',
      ),
    ).toBe('env-value')
  })

  it('answers a missing environment with 404', async () => {
    const { github } = simulator()
    const response = await send(
      github,
      'GET',
      `${REPO}/environments/staging/secrets/public-key`,
      { headers: as(WRITER) },
    )
    expect(response.status).toBe(404)
  })

  it('lists secrets with pages', async () => {
    const { github } = simulator()
    for (let i = 0; i < 5; i++)
      github.seedSecret({ kind: 'repository' }, `S${i}`, 'v')
    const response = await send(github, 'GET', `${REPO}/actions/secrets`, {
      query: { per_page: '2' },
      headers: as(READER),
    })
    const body = json<{
      total_count: number
      secrets: Array<{ name: string }>
    }>(response)
    expect(body.total_count).toBe(5)
    expect(body.secrets.map((secret) => secret.name)).toEqual(['S0', 'S1'])
    expect(response.headers.link).toMatch(/page=2>; rel="next"/)
    expect(response.headers.link).toMatch(/page=3>; rel="last"/)
  })

  it('caps a repository at 100 secrets', async () => {
    const { github } = simulator()
    for (let i = 0; i < 100; i++)
      github.seedSecret({ kind: 'repository' }, `S${i}`, 'v')
    const body = await sealFor(github, `${REPO}/actions/secrets`, 'v')
    const response = await send(github, 'PUT', `${REPO}/actions/secrets/S100`, {
      json: body,
      headers: as(WRITER),
    })
    expect(response.status).toBe(422)
  })
})

describe('GitHubSimulator organization secrets', () => {
  const path = `${ORG}/actions/secrets`

  it('requires visibility', async () => {
    const { github } = simulator()
    const body = await sealFor(github, path, 'v')
    const response = await send(github, 'PUT', `${path}/A`, {
      json: body,
      headers: as(WRITER),
    })
    expect(response.status).toBe(422)
  })

  it('refuses repository ids unless selected', async () => {
    const { github } = simulator()
    const body = await sealFor(github, path, 'v')
    const response = await send(github, 'PUT', `${path}/A`, {
      json: { ...body, visibility: 'private', selected_repository_ids: [77] },
      headers: as(WRITER),
    })
    expect(response.status).toBe(422)
  })

  it('keeps selected repositories', async () => {
    const { github } = simulator()
    const body = await sealFor(github, path, 'org-value')
    const put = await send(github, 'PUT', `${path}/A`, {
      json: { ...body, visibility: 'selected', selected_repository_ids: [77] },
      headers: as(WRITER),
    })
    expect(put.status).toBe(201)
    const meta = json(
      await send(github, 'GET', `${path}/A`, { headers: as(WRITER) }),
    )
    expect(meta.visibility).toBe('selected')
    const repos = json<{
      total_count: number
      repositories: Array<{ id: number; full_name: string }>
    }>(
      await send(github, 'GET', `${path}/A/repositories`, {
        headers: as(WRITER),
      }),
    )
    expect(repos.total_count).toBe(1)
    expect(repos.repositories[0]).toMatchObject({
      id: 77,
      full_name: 'northwind-agency/reports',
    })
    expect(github.readSecret({ kind: 'organization' }, 'A')).toBe('org-value')
  })

  it('answers another organization with 404', async () => {
    const { github } = simulator()
    const response = await send(
      github,
      'GET',
      '/orgs/someone-else/actions/secrets/public-key',
      { headers: as(WRITER) },
    )
    expect(response.status).toBe(404)
  })

  it('hides org secrets from a token without access', async () => {
    const { github } = simulator()
    const response = await send(github, 'GET', `${path}/public-key`, {
      headers: as(READER),
    })
    expect(response.status).toBe(404)
  })
})

describe('GitHubSimulator access', () => {
  const keyPath = `${REPO}/actions/secrets/public-key`

  it('rejects an unknown token with 401', async () => {
    const { github } = simulator()
    const response = await send(github, 'GET', keyPath, { headers: as('nope') })
    expect(response.status).toBe(401)
    expect(json(response)).toMatchObject({
      message: 'Bad credentials',
      status: '401',
    })
    expect(json(response).documentation_url).toMatch(
      /^https:\/\/docs\.github\.com/,
    )
  })

  it('refuses GITHUB_TOKEN on secrets', async () => {
    const { github } = simulator()
    const response = await send(github, 'GET', keyPath, {
      headers: { authorization: `Bearer ${WORKFLOW}` },
    })
    expect(response.status).toBe(403)
    expect(json(response).message).toBe(
      'Resource not accessible by integration',
    )
  })

  it('refuses an app without the secrets permission', async () => {
    const { github } = simulator()
    const response = await send(github, 'GET', keyPath, { headers: as(APP) })
    expect(response.status).toBe(403)
  })

  it('hides secrets from a token without access', async () => {
    const { github } = simulator()
    const response = await send(github, 'GET', keyPath, { headers: as(BLIND) })
    expect(response.status).toBe(404)
    expect(json(response).message).toBe('Not Found')
  })

  it('refuses a write with read access', async () => {
    const { github } = simulator()
    const body = await sealFor(github, `${REPO}/actions/secrets`, 'v')
    const response = await send(github, 'PUT', `${REPO}/actions/secrets/A`, {
      json: body,
      headers: as(READER),
    })
    expect(response.status).toBe(403)
    expect(github.readSecret({ kind: 'repository' }, 'A')).toBeUndefined()
  })

  it('answers another repository with 404', async () => {
    const { github } = simulator()
    const response = await send(
      github,
      'GET',
      '/repos/other/repo/actions/secrets/public-key',
      { headers: as(WRITER) },
    )
    expect(response.status).toBe(404)
  })

  it('sends rate-limit headers', async () => {
    const { github } = simulator()
    await send(github, 'GET', keyPath, { headers: as(WRITER) })
    const response = await send(github, 'GET', keyPath, { headers: as(WRITER) })
    expect(response.headers['x-ratelimit-limit']).toBe('5000')
    expect(response.headers['x-ratelimit-remaining']).toBe('4998')
    expect(response.headers['x-ratelimit-used']).toBe('2')
    expect(response.headers['x-ratelimit-resource']).toBe('core')
    expect(Number(response.headers['x-ratelimit-reset'])).toBeGreaterThan(
      NOW_MS / 1000,
    )
  })

  it('stops at the primary limit', async () => {
    const { github } = simulator({ rateLimit: 2 })
    await send(github, 'GET', keyPath, { headers: as(WRITER) })
    await send(github, 'GET', keyPath, { headers: as(WRITER) })
    const response = await send(github, 'GET', keyPath, { headers: as(WRITER) })
    expect(response.status).toBe(403)
    expect(response.headers['x-ratelimit-remaining']).toBe('0')
  })
})

describe('GitHubSimulator issues', () => {
  const issues = `${REPO}/issues`

  it('creates an issue with its labels', async () => {
    const { github } = simulator()
    const response = await send(github, 'POST', issues, {
      json: { title: 'Meta tokens', body: 'text', labels: ['meta-tokens'] },
      headers: as(WORKFLOW),
    })
    expect(response.status).toBe(201)
    const issue = json<{
      number: number
      labels: Array<{ name: string }>
      user: { login: string }
    }>(response)
    expect(issue.number).toBe(1)
    expect(issue.labels.map((label) => label.name)).toEqual(['meta-tokens'])
    expect(issue.user.login).toBe('github-actions[bot]')
    expect(github.issues).toHaveLength(1)
    expect(github.counters.issueWrites).toBe(1)
  })

  it('drops labels without push access', async () => {
    const { github } = simulator({
      credentials: {
        t: {
          kind: 'pat',
          secrets: 'none',
          issues: 'write',
          login: 'x',
          labels: false,
        },
      },
    })
    const response = await send(github, 'POST', issues, {
      json: { title: 'T', labels: ['meta-tokens'] },
      headers: as('t'),
    })
    expect(json<{ labels: unknown[] }>(response).labels).toEqual([])
  })

  it('rejects a body over 65536 characters', async () => {
    const { github } = simulator()
    const response = await send(github, 'POST', issues, {
      json: { title: 'T', body: 'x'.repeat(65_537) },
      headers: as(WRITER),
    })
    expect(response.status).toBe(422)
    expect(response.body).toContain(
      'body is too long (maximum is 65536 characters)',
    )
    expect(github.issues).toHaveLength(0)
  })

  it('pages the issue list with Link', async () => {
    const { github } = simulator()
    for (let i = 0; i < 35; i++)
      github.seedIssue({ title: `Issue ${i}`, labels: ['meta-tokens'] })
    const first = await send(github, 'GET', issues, {
      query: { state: 'all', labels: 'meta-tokens', per_page: '10' },
      headers: as(WORKFLOW),
    })
    expect(json<unknown[]>(first)).toHaveLength(10)
    const link = first.headers.link ?? ''
    expect(link).toContain(
      'https://sim.test/repos/northwind-agency/meta-tokens/issues?',
    )
    expect(link).toMatch(/page=2>; rel="next"/)
    expect(link).toMatch(/page=4>; rel="last"/)
    const last = await send(github, 'GET', issues, {
      query: { state: 'all', labels: 'meta-tokens', per_page: '10', page: '4' },
      headers: as(WORKFLOW),
    })
    expect(json<unknown[]>(last)).toHaveLength(5)
    expect(last.headers.link).toMatch(/rel="prev"/)
    expect(last.headers.link).not.toMatch(/rel="next"/)
  })

  it('defaults to 30 per page and caps at 100', async () => {
    const { github } = simulator()
    for (let i = 0; i < 120; i++) github.seedIssue({ title: `Issue ${i}` })
    const plain = await send(github, 'GET', issues, { headers: as(WORKFLOW) })
    expect(json<unknown[]>(plain)).toHaveLength(30)
    const big = await send(github, 'GET', issues, {
      query: { per_page: '500' },
      headers: as(WORKFLOW),
    })
    expect(json<unknown[]>(big)).toHaveLength(100)
  })

  it('filters by state and label and marks pull requests', async () => {
    const { github } = simulator()
    github.seedIssue({ title: 'open labelled', labels: ['Meta-Tokens'] })
    github.seedIssue({
      title: 'closed labelled',
      labels: ['meta-tokens'],
      state: 'closed',
    })
    github.seedIssue({ title: 'other' })
    github.seedIssue({
      title: 'pr',
      labels: ['meta-tokens'],
      pullRequest: true,
    })
    const open = json<Array<{ title: string; pull_request?: unknown }>>(
      await send(github, 'GET', issues, {
        query: { labels: 'meta-tokens' },
        headers: as(WORKFLOW),
      }),
    )
    expect(open.map((issue) => issue.title)).toEqual(['pr', 'open labelled'])
    expect(open[0]?.pull_request).toBeDefined()
    expect(open[1]?.pull_request).toBeUndefined()
    const all = json<unknown[]>(
      await send(github, 'GET', issues, {
        query: { state: 'all', labels: 'meta-tokens' },
        headers: as(WORKFLOW),
      }),
    )
    expect(all).toHaveLength(3)
    expect(github.issues).toHaveLength(3)
  })

  it('closes and reopens with state reasons', async () => {
    const { github } = simulator()
    github.seedIssue({ title: 'T' })
    const closed = json(
      await send(github, 'PATCH', `${issues}/1`, {
        json: { state: 'closed', state_reason: 'not_planned' },
        headers: as(WORKFLOW),
      }),
    )
    expect(closed).toMatchObject({
      state: 'closed',
      state_reason: 'not_planned',
    })
    expect(closed.closed_at).not.toBeNull()
    const reopened = json(
      await send(github, 'PATCH', `${issues}/1`, {
        json: { state: 'open' },
        headers: as(WORKFLOW),
      }),
    )
    expect(reopened).toMatchObject({
      state: 'open',
      state_reason: 'reopened',
      closed_at: null,
    })
  })

  it('rejects an unknown state', async () => {
    const { github } = simulator()
    github.seedIssue({ title: 'T' })
    const response = await send(github, 'PATCH', `${issues}/1`, {
      json: { state: 'done' },
      headers: as(WORKFLOW),
    })
    expect(response.status).toBe(422)
  })

  it('posts comments', async () => {
    const { github } = simulator()
    github.seedIssue({ title: 'T' })
    const response = await send(github, 'POST', `${issues}/1/comments`, {
      json: { body: 'Closing.' },
      headers: as(WORKFLOW),
    })
    expect(response.status).toBe(201)
    expect(github.comments[0]).toMatchObject({
      issueNumber: 1,
      body: 'Closing.',
    })
    expect(github.issues[0]?.comments).toBe(1)
    const missing = await send(github, 'POST', `${issues}/9/comments`, {
      json: { body: 'x' },
      headers: as(WORKFLOW),
    })
    expect(missing.status).toBe(404)
  })

  it('gets and creates labels', async () => {
    const { github } = simulator()
    const label = `${REPO}/labels`
    expect(
      (
        await send(github, 'GET', `${label}/meta-tokens`, {
          headers: as(WORKFLOW),
        })
      ).status,
    ).toBe(404)
    const created = await send(github, 'POST', label, {
      json: { name: 'meta-tokens', color: 'd93f0b', description: 'd' },
      headers: as(WORKFLOW),
    })
    expect(created.status).toBe(201)
    expect(
      (
        await send(github, 'GET', `${label}/Meta-Tokens`, {
          headers: as(WORKFLOW),
        })
      ).status,
    ).toBe(200)
    const again = await send(github, 'POST', label, {
      json: { name: 'META-TOKENS' },
      headers: as(WORKFLOW),
    })
    expect(again.status).toBe(422)
    expect(again.body).toContain('already_exists')
  })

  it('answers 410 when issues are disabled', async () => {
    const { github } = simulator({ issuesEnabled: false })
    const response = await send(github, 'GET', issues, {
      headers: as(WORKFLOW),
    })
    expect(response.status).toBe(410)
  })

  it('refuses an issue write with read access', async () => {
    const { github } = simulator()
    const response = await send(github, 'POST', issues, {
      json: { title: 'T' },
      headers: as(READER),
    })
    expect(response.status).toBe(403)
  })
})

describe('GitHubSimulator limits and faults', () => {
  it('applies the secondary limit to close writes', async () => {
    const { github, tick } = simulator({ minWriteGapMs: 1000 })
    const create = () =>
      send(github, 'POST', `${REPO}/issues`, {
        json: { title: 'T' },
        headers: as(WORKFLOW),
      })
    expect((await create()).status).toBe(201)
    tick(200)
    const hit = await create()
    expect(hit.status).toBe(403)
    expect(hit.headers['retry-after']).toBe('1')
    expect(json(hit).message).toMatch(
      /^You have exceeded a secondary rate limit/,
    )
    expect(github.counters.secondaryLimitHits).toBe(1)
    expect(github.issues).toHaveLength(1)
    tick(1000)
    expect((await create()).status).toBe(201)
  })

  it('stores nothing on a failed write', async () => {
    const { github } = simulator()
    const body = await sealFor(github, `${REPO}/actions/secrets`, 'v')
    github.failNext(
      'PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}',
      'http502',
    )
    const response = await send(github, 'PUT', `${REPO}/actions/secrets/A`, {
      json: body,
      headers: as(WRITER),
    })
    expect(response.status).toBe(502)
    expect(github.readSecret({ kind: 'repository' }, 'A')).toBeUndefined()
    expect(github.counters.secretWrites).toBe(0)
  })

  it('sends retry-after with 429', async () => {
    const { github } = simulator()
    github.failNext('GET /repos/{owner}/{repo}/issues', 'http429')
    const response = await send(github, 'GET', `${REPO}/issues`, {
      headers: as(WORKFLOW),
    })
    expect(response.status).toBe(429)
    expect(response.headers['retry-after']).toBe('1')
  })

  it('sends retry-after with a secondary 403', async () => {
    const { github } = simulator()
    github.failNext('GET /repos/{owner}/{repo}/issues', 'secondary403')
    const response = await send(github, 'GET', `${REPO}/issues`, {
      headers: as(WORKFLOW),
    })
    expect(response.status).toBe(403)
    expect(response.headers['retry-after']).toBe('1')
    expect(JSON.parse(response.body).message).toMatch(/secondary rate limit/)
  })

  it('repeats the same faults for a seed', async () => {
    const run = async () => {
      const { github } = simulator({ faults: { failureRate: 0.4, seed: 3 } })
      const statuses: number[] = []
      for (let i = 0; i < 25; i++) {
        const response = await send(github, 'GET', `${REPO}/issues`, {
          headers: as(WORKFLOW),
        })
        statuses.push(response.drop ? -1 : response.status)
      }
      return statuses
    }
    const first = await run()
    expect(first.filter((status) => status !== 200).length).toBeGreaterThan(3)
    expect(await run()).toEqual(first)
  })

  it('logs routes without secrets', async () => {
    const { github } = simulator()
    const body = await sealFor(github, `${REPO}/actions/secrets`, 'plain-value')
    await send(github, 'PUT', `${REPO}/actions/secrets/A`, {
      json: body,
      headers: as(WRITER),
    })
    const text = JSON.stringify(github.log)
    expect(text).not.toContain(WRITER)
    expect(text).not.toContain(body.encrypted_value)
    expect(github.log.at(-1)).toMatchObject({
      method: 'PUT',
      route: 'PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}',
      status: 201,
    })
  })
})
