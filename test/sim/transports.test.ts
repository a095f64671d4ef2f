import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createOctokit } from '../../src/github/octokit.ts'
import { SecretStore } from '../../src/github/secrets.ts'
import {
  syncTrackingIssue,
  ISSUE_MARKER,
} from '../../src/github/tracking-issue.ts'
import { GraphClient } from '../../src/meta/graph-client.ts'
import type { Logger } from '../../src/types.ts'
import { GitHubSimulator } from './github.ts'
import { startHttpServer } from './http.ts'
import { MetaSimulator } from './meta.ts'
import { mswHandlers } from './msw.ts'
import { agencyCredentials } from './scenarios.ts'
import { APP_ID, APP_SECRET, DAY } from './test-helpers.ts'

// Base URLs that never leave the machine: a .test domain and a loopback port
// nothing listens on. msw responds to both before any connection is made.
const GRAPH = 'https://graph.sim.test'
const GITHUB = 'http://127.0.0.1:59999/api/v3'

const quiet: Logger = { info() {}, warning() {}, error() {}, debug() {} }
const nowS = () => Math.floor(Date.now() / 1000)

function newMeta() {
  return new MetaSimulator({ appId: APP_ID, appSecret: APP_SECRET })
}

function newGitHub() {
  const { writerToken, issueToken, credentials } = agencyCredentials(5)
  const github = new GitHubSimulator({
    owner: 'northwind-agency',
    repo: 'meta-tokens',
    org: 'northwind-agency',
    credentials,
  })
  return { github, writerToken, issueToken }
}

function graphClient(apiUrl: string) {
  return new GraphClient({
    appId: APP_ID,
    appSecret: APP_SECRET,
    apiUrl,
    version: 'v27.0',
    sleep: async () => {},
    timeoutMs: 2000,
  })
}

function addTokens(meta: MetaSimulator, count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    meta.addToken({
      type: 'SYSTEM_USER',
      userId: String(1000 + index),
      expiresAt: nowS() + 40 * DAY,
    }),
  )
}

describe('startHttpServer', () => {
  it('serves the action client over loopback', async () => {
    const meta = newMeta()
    const tokens = addTokens(meta, 120)
    const server = await startHttpServer(meta)
    try {
      const results = await graphClient(server.url).inspect(tokens)
      expect(results.every((result) => result.ok)).toBe(true)
      expect(meta.counters.batchRequests).toBe(3)
      expect(meta.counters.debugTokens).toBe(120)
    } finally {
      await server.close()
    }
  })

  it('drops the connection on a drop fault', async () => {
    const meta = newMeta()
    meta.failNext('debug_token', 'drop')
    const server = await startHttpServer(meta)
    try {
      const attempt = fetch(`${server.url}/v27.0/debug_token?input_token=x`)
      await expect(attempt).rejects.toThrow(TypeError)
    } finally {
      await server.close()
    }
  })

  it('passes the status and headers through', async () => {
    const { github } = newGitHub()
    const server = await startHttpServer(github)
    try {
      const response = await fetch(
        `${server.url}/repos/northwind-agency/meta-tokens/issues`,
        { headers: { authorization: 'token wrong' } },
      )
      expect(response.status).toBe(401)
      expect(await response.json()).toMatchObject({
        message: 'Bad credentials',
      })
    } finally {
      await server.close()
    }
  })
})

describe('mswHandlers', () => {
  const meta = newMeta()
  const { github, writerToken, issueToken } = newGitHub()
  const server = setupServer(
    ...mswHandlers(meta, GRAPH),
    ...mswHandlers(github, GITHUB),
  )

  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())

  it('serves the action client in process', async () => {
    const tokens = addTokens(meta, 3)
    const results = await graphClient(GRAPH).inspect([...tokens, 'junk'])
    expect(
      results.slice(0, 3).every((result) => result.ok && result.info.isValid),
    ).toBe(true)
    const last = results[3]
    expect(last?.ok && last.info.isValid).toBe(false)
  })

  it('retries a dropped batch item alone', async () => {
    const tokens = addTokens(meta, 2)
    let calls = 0
    const detach = meta.script('batch_item', () =>
      ++calls === 1 ? 'itemNull' : undefined,
    )
    const before = meta.counters.requests
    const results = await graphClient(GRAPH).inspect(tokens)
    detach()
    expect(results.every((result) => result.ok)).toBe(true)
    expect(meta.counters.requests - before).toBe(2)
  })

  it('turns a drop into a network error', async () => {
    meta.failNext('debug_token', 'drop')
    await expect(fetch(`${GRAPH}/v27.0/debug_token`)).rejects.toThrow(TypeError)
  })

  it('writes a sealed secret that opens', async () => {
    const octokit = createOctokit({
      token: writerToken,
      baseUrl: GITHUB,
      log: quiet,
      writeSpacingMs: 0,
      retryAfterBaseMs: 0,
    })
    const store = new SecretStore(
      octokit,
      { owner: 'northwind-agency', repo: 'meta-tokens' },
      quiet,
    )
    await store.write({ kind: 'repository' }, 'META_TOKEN_A', 'EAAfresh')
    expect(github.readSecret({ kind: 'repository' }, 'META_TOKEN_A')).toBe(
      'EAAfresh',
    )
    await store.write({ kind: 'organization' }, 'META_TOKEN_B', 'EAAorg')
    expect(
      github.secretInfo({ kind: 'organization' }, 'META_TOKEN_B')?.visibility,
    ).toBe('private')
  })

  it('pages issues through the base path', async () => {
    for (let i = 0; i < 230; i++) {
      github.seedIssue({
        title: `Old ${i}`,
        labels: ['meta-tokens'],
        state: 'closed',
      })
    }
    const octokit = createOctokit({
      token: issueToken,
      baseUrl: GITHUB,
      log: quiet,
      writeSpacingMs: 0,
      retryAfterBaseMs: 0,
    })
    const items = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner: 'northwind-agency',
      repo: 'meta-tokens',
      state: 'all',
      labels: 'meta-tokens',
      per_page: 100,
    })
    expect(items).toHaveLength(230)
  })

  it('creates the tracking issue with its label', async () => {
    const octokit = createOctokit({
      token: issueToken,
      baseUrl: GITHUB,
      log: quiet,
      writeSpacingMs: 0,
      retryAfterBaseMs: 0,
    })
    const result = await syncTrackingIssue({
      octokit,
      repository: { owner: 'northwind-agency', repo: 'meta-tokens' },
      labels: ['meta-token-keeper'],
      content: {
        title: 'Meta tokens need attention',
        body: `${ISSUE_MARKER}\nbody`,
        needsAction: true,
      },
      closeComment: 'All healthy.',
      log: quiet,
    })
    expect(result.action).toBe('created')
    const created = github.issues.find(
      (issue) => issue.number === result.number,
    )
    expect(created?.labels).toEqual(['meta-token-keeper'])
  })
})
