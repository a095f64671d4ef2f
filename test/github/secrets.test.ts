import sodium from 'libsodium-wrappers'
import { HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  parseScope,
  scopeLabel,
  SecretStore,
  validateSecretName,
} from '../../src/github/secrets.ts'
import { clearSecretsForTesting } from '../../src/redact.ts'
import type { SecretScope } from '../../src/types.ts'
import {
  API,
  createRecorder,
  createTestLog,
  createTestOctokit,
  githubError,
  type LogLine,
} from './helpers.ts'

const TOKEN = 'github_pat_' + 'Wr1terTokenValue'.repeat(4)
const REPOSITORY = { owner: 'acme', repo: 'ads' }
const NEW_TOKEN = 'EAAG' + 'NewMetaToken1'.repeat(10)

const REPO_SCOPE: SecretScope = { kind: 'repository' }
const ENV_SCOPE: SecretScope = { kind: 'environment', name: 'production' }
const ORG_SCOPE: SecretScope = { kind: 'organization' }

const server = setupServer()
beforeAll(async () => {
  await sodium.ready
  server.listen({ onUnhandledFrame: 'error' })
})
afterEach(() => {
  server.resetHandlers()
  clearSecretsForTesting()
})
afterAll(() => server.close())

interface KeyPair {
  keyId: string
  publicKey: Uint8Array
  privateKey: Uint8Array
}

function newKeyPair(keyId: string): KeyPair {
  const keys = sodium.crypto_box_keypair()
  return { keyId, publicKey: keys.publicKey, privateKey: keys.privateKey }
}

function publicKeyBody(pair: KeyPair) {
  return {
    key_id: pair.keyId,
    key: sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL),
  }
}

/** Opens a sealed `encrypted_value` the way GitHub does, with the scope's private key. */
function openSealed(body: unknown, pair: KeyPair): string {
  const { encrypted_value } = body as { encrypted_value: string }
  const opened = sodium.crypto_box_seal_open(
    sodium.from_base64(encrypted_value, sodium.base64_variants.ORIGINAL),
    pair.publicKey,
    pair.privateKey,
  )
  return sodium.to_string(opened)
}

/** An existing organization secret's sharing. */
interface OrgSecret {
  visibility: 'all' | 'private' | 'selected'
  repositoryIds: number[]
}

/**
 * GitHub's secrets endpoints for one repository, its `production`
 * environment and its organization, each with its own key pair. A PUT with
 * a key_id other than the scope's current one gets 422.
 */
function createSecretsApi() {
  const recorder = createRecorder()
  const { route } = recorder
  const state: { orgSecret: OrgSecret | null } = { orgSecret: null }
  const keys = {
    repository: newKeyPair('568250167242549743'),
    'environment:production': newKeyPair('env-key-1'),
    organization: newKeyPair('org-key-1'),
  }
  const put = (label: keyof typeof keys) => (args: { body: unknown }) => {
    const { key_id } = args.body as { key_id?: string }
    if (key_id !== keys[label].keyId) {
      return githubError(
        422,
        'Bad request: key_id does not match the public key',
      )
    }
    return new HttpResponse(null, { status: 201 })
  }
  const handlers = [
    route('get', '/repos/:owner/:repo/actions/secrets/public-key', () =>
      HttpResponse.json(publicKeyBody(keys.repository)),
    ),
    route(
      'put',
      '/repos/:owner/:repo/actions/secrets/:name',
      put('repository'),
    ),
    route(
      'get',
      '/repos/:owner/:repo/environments/:environment/secrets/public-key',
      ({ params }) =>
        params.environment === 'production'
          ? HttpResponse.json(publicKeyBody(keys['environment:production']))
          : githubError(404, 'Not Found'),
    ),
    route(
      'put',
      '/repos/:owner/:repo/environments/:environment/secrets/:name',
      put('environment:production'),
    ),
    route('get', '/orgs/:org/actions/secrets/public-key', () =>
      HttpResponse.json(publicKeyBody(keys.organization)),
    ),
    route(
      'get',
      '/orgs/:org/actions/secrets/:name/repositories',
      ({ params, query }) => {
        const ids = state.orgSecret?.repositoryIds ?? []
        const page = Number(query.get('page') ?? '1')
        const perPage = Number(query.get('per_page') ?? '30')
        const slice = ids.slice((page - 1) * perPage, page * perPage)
        const next = `${API}/orgs/acme/actions/secrets/${params.name}/repositories?per_page=${perPage}&page=${page + 1}`
        return HttpResponse.json(
          {
            total_count: ids.length,
            repositories: slice.map((id) => ({ id, name: `repo-${id}` })),
          },
          page * perPage < ids.length
            ? { headers: { link: `<${next}>; rel="next"` } }
            : {},
        )
      },
    ),
    route('get', '/orgs/:org/actions/secrets/:name', ({ params }) =>
      state.orgSecret
        ? HttpResponse.json({
            name: params.name,
            created_at: '2026-01-01T00:00:00Z',
            updated_at: '2026-01-01T00:00:00Z',
            visibility: state.orgSecret.visibility,
          })
        : githubError(404, 'Not Found'),
    ),
    route('put', '/orgs/:org/actions/secrets/:name', put('organization')),
  ]
  return { ...recorder, keys, handlers, state }
}

function createStore() {
  const { log, lines } = createTestLog()
  const store = new SecretStore(createTestOctokit(TOKEN, log), REPOSITORY, log)
  return { store, lines }
}

function expectNoToken(messages: string[], lines: LogLine[]) {
  for (const text of [...messages, ...lines.map((line) => line.message)]) {
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain(NEW_TOKEN)
  }
}

describe('scopeLabel and parseScope', () => {
  it('round-trips each scope', () => {
    for (const scope of [REPO_SCOPE, ENV_SCOPE, ORG_SCOPE]) {
      expect(parseScope(scopeLabel(scope))).toEqual(scope)
    }
    expect(scopeLabel(ENV_SCOPE)).toBe('environment:production')
  })

  it('trims and rejects malformed text', () => {
    expect(parseScope('  environment: staging eu ')).toEqual({
      kind: 'environment',
      name: 'staging eu',
    })
    for (const text of ['', 'repo', 'environment:', 'environment:  ', 'org']) {
      expect(parseScope(text), text).toBeNull()
    }
    expect(parseScope(`environment:${'e'.repeat(256)}`)).toBeNull()
  })
})

describe('validateSecretName', () => {
  it('accepts valid names', () => {
    for (const name of ['META_TOKEN_ACME', 'token2', '_PRIVATE', 'a']) {
      expect(validateSecretName(name), name).toBeNull()
    }
  })

  it('rejects invalid names with the fix', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['META-TOKEN', /META-TOKEN.*letters, digits and underscores/],
      ['META TOKEN', /letters, digits and underscores/],
      ['TOKEN_É', /letters, digits and underscores/],
      ['2ND_CLIENT', /2ND_CLIENT.*must not start with a digit/],
      ['GITHUB_META', /GITHUB_META.*reserved/],
      ['github_meta', /github_meta.*reserved/],
    ]
    for (const [name, expected] of cases) {
      expect(validateSecretName(name), name).toMatch(expected)
    }
  })
})

describe('SecretStore.write', () => {
  it('writes a repository secret', async () => {
    const api = createSecretsApi()
    server.use(...api.handlers)
    const { store } = createStore()

    await store.prepare([REPO_SCOPE])
    await store.write(REPO_SCOPE, 'META_TOKEN_ACME', NEW_TOKEN)

    const put = api.mutating()
    expect(put).toHaveLength(1)
    expect(put[0]?.method).toBe('PUT')
    expect(put[0]?.path).toBe('/repos/acme/ads/actions/secrets/META_TOKEN_ACME')
    expect(put[0]?.body).toMatchObject({ key_id: api.keys.repository.keyId })
    expect(openSealed(put[0]?.body, api.keys.repository)).toBe(NEW_TOKEN)
    expect(store.stats).toEqual({ requests: 2, writes: 1 })
  })

  it('writes an environment secret', async () => {
    const api = createSecretsApi()
    server.use(...api.handlers)
    const { store } = createStore()

    await store.prepare([ENV_SCOPE])
    await store.write(ENV_SCOPE, 'META_TOKEN_ACME', NEW_TOKEN)

    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/ads/environments/production/secrets/public-key',
      'PUT /repos/acme/ads/environments/production/secrets/META_TOKEN_ACME',
    ])
    const key = api.keys['environment:production']
    expect(api.requests[1]?.body).toMatchObject({ key_id: key.keyId })
    expect(openSealed(api.requests[1]?.body, key)).toBe(NEW_TOKEN)
  })

  it('creates a new organization secret as private', async () => {
    const api = createSecretsApi()
    server.use(...api.handlers)
    const { store } = createStore()

    await store.write(ORG_SCOPE, 'META_TOKEN_ACME', NEW_TOKEN)

    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /orgs/acme/actions/secrets/public-key',
      'GET /orgs/acme/actions/secrets/META_TOKEN_ACME',
      'PUT /orgs/acme/actions/secrets/META_TOKEN_ACME',
    ])
    const body = api.requests[2]?.body as Record<string, unknown>
    expect(body.visibility).toBe('private')
    expect(body).not.toHaveProperty('selected_repository_ids')
    expect(body.key_id).toBe(api.keys.organization.keyId)
    expect(openSealed(body, api.keys.organization)).toBe(NEW_TOKEN)
  })

  it('keeps organization visibility all', async () => {
    const api = createSecretsApi()
    api.state.orgSecret = { visibility: 'all', repositoryIds: [] }
    server.use(...api.handlers)
    const { store } = createStore()

    await store.write(ORG_SCOPE, 'META_TOKEN_ACME', NEW_TOKEN)

    const body = api.mutating()[0]?.body as Record<string, unknown>
    expect(body.visibility).toBe('all')
    expect(body).not.toHaveProperty('selected_repository_ids')
    expect(api.requests.some((r) => r.path.endsWith('/repositories'))).toBe(
      false,
    )
  })

  it('keeps selected repositories across pages', async () => {
    const api = createSecretsApi()
    const ids = Array.from({ length: 130 }, (_, index) => 1000 + index)
    api.state.orgSecret = { visibility: 'selected', repositoryIds: ids }
    server.use(...api.handlers)
    const { store } = createStore()

    await store.write(ORG_SCOPE, 'META_TOKEN_ACME', NEW_TOKEN)

    const pages = api.requests.filter((r) => r.path.endsWith('/repositories'))
    expect(pages.map((r) => r.query.get('page') ?? '1')).toEqual(['1', '2'])
    expect(pages[0]?.query.get('per_page')).toBe('100')
    const body = api.mutating()[0]?.body as Record<string, unknown>
    expect(body.visibility).toBe('selected')
    expect(body.selected_repository_ids).toEqual(ids)
    expect(openSealed(body, api.keys.organization)).toBe(NEW_TOKEN)
  })

  it('does not write when the org visibility read fails', async () => {
    const api = createSecretsApi()
    server.use(
      api.route('get', '/orgs/:org/actions/secrets/:name', () =>
        githubError(403, 'Resource not accessible by integration'),
      ),
      ...api.handlers,
    )
    const { store } = createStore()

    const write = store.write(ORG_SCOPE, 'META_TOKEN_ACME', NEW_TOKEN)

    await expect(write).rejects.toThrow(/organization_secrets/)
    expect(api.mutating()).toHaveLength(0)
  })

  it('retries once with a rotated public key', async () => {
    const api = createSecretsApi()
    server.use(...api.handlers)
    const { store, lines } = createStore()
    await store.prepare([REPO_SCOPE])
    const rotated = newKeyPair('rotated-key-2')
    api.keys.repository = rotated

    await store.write(REPO_SCOPE, 'META_TOKEN_ACME', NEW_TOKEN)

    expect(api.requests.map((r) => r.method)).toEqual([
      'GET',
      'PUT',
      'GET',
      'PUT',
    ])
    const last = api.requests[3]?.body
    expect(last).toMatchObject({ key_id: 'rotated-key-2' })
    expect(openSealed(last, rotated)).toBe(NEW_TOKEN)
    expect(store.stats.writes).toBe(1)
    expect(lines.some((line) => line.message.includes('public key'))).toBe(true)
  })

  it('rethrows a 422 when the key is unchanged', async () => {
    const api = createSecretsApi()
    server.use(
      api.route('put', '/repos/:owner/:repo/actions/secrets/:name', () =>
        githubError(422, 'Invalid request.'),
      ),
      ...api.handlers,
    )
    const { store } = createStore()

    const write = store.write(REPO_SCOPE, 'META_TOKEN_ACME', NEW_TOKEN)

    await expect(write).rejects.toThrow(
      'Writing secret META_TOKEN_ACME (repository) failed: 422 Invalid request..',
    )
    expect(api.requests.map((r) => r.method)).toEqual(['GET', 'PUT', 'GET'])
    expect(store.stats.writes).toBe(0)
  })

  it('explains a forbidden write', async () => {
    const api = createSecretsApi()
    server.use(
      api.route('put', '/repos/:owner/:repo/actions/secrets/:name', () =>
        githubError(403, 'Resource not accessible by personal access token'),
      ),
      ...api.handlers,
    )
    const { store, lines } = createStore()

    const error = await store
      .write(REPO_SCOPE, 'META_TOKEN_ACME', NEW_TOKEN)
      .then(
        () => new Error('the write succeeded'),
        (caught: Error) => caught,
      )

    expect(error.message).toContain('`github-token`')
    expect(error.message).toContain(
      'write secret META_TOKEN_ACME in the repository secrets of acme/ads',
    )
    expect(error.message).toContain('"Secrets: read and write"')
    expectNoToken([error.message], lines)
  })

  it('rejects an invalid name without requests', async () => {
    const api = createSecretsApi()
    server.use(...api.handlers)
    const { store } = createStore()

    await expect(
      store.write(REPO_SCOPE, 'GITHUB_TOKEN_X', NEW_TOKEN),
    ).rejects.toThrow(/reserved/)
    expect(api.requests).toHaveLength(0)
  })

  it('refuses a scope whose key could not be read', async () => {
    const api = createSecretsApi()
    server.use(
      api.route('get', '/repos/:owner/:repo/actions/secrets/public-key', () =>
        githubError(401, 'Bad credentials'),
      ),
      ...api.handlers,
    )
    const { store } = createStore()
    const access = await store.prepare([REPO_SCOPE])

    const write = store.write(REPO_SCOPE, 'META_TOKEN_ACME', NEW_TOKEN)

    const prepared = access.get('repository')
    await expect(write).rejects.toThrow(
      prepared?.ok === false ? prepared.message : 'ok',
    )
    expect(api.requests).toHaveLength(1)
  })
})

describe('SecretStore.prepare', () => {
  it('fetches each key once', async () => {
    const api = createSecretsApi()
    server.use(...api.handlers)
    const { store } = createStore()

    const access = await store.prepare([
      REPO_SCOPE,
      ENV_SCOPE,
      REPO_SCOPE,
      ORG_SCOPE,
      ENV_SCOPE,
    ])
    await store.prepare([REPO_SCOPE, ENV_SCOPE])
    await store.write(REPO_SCOPE, 'META_TOKEN_A', NEW_TOKEN)
    await store.write(REPO_SCOPE, 'META_TOKEN_B', NEW_TOKEN)

    expect([...access.keys()]).toEqual([
      'repository',
      'environment:production',
      'organization',
    ])
    expect(access.get('repository')).toEqual({
      ok: true,
      keyId: api.keys.repository.keyId,
      key: publicKeyBody(api.keys.repository).key,
    })
    const keyReads = api.requests.filter((r) => r.path.endsWith('/public-key'))
    expect(keyReads.map((r) => r.path)).toEqual([
      '/repos/acme/ads/actions/secrets/public-key',
      '/repos/acme/ads/environments/production/secrets/public-key',
      '/orgs/acme/actions/secrets/public-key',
    ])
    expect(store.stats).toEqual({ requests: 5, writes: 2 })
  })

  it('keeps one scope failure from the others', async () => {
    const api = createSecretsApi()
    server.use(
      api.route('get', '/repos/:owner/:repo/actions/secrets/public-key', () =>
        githubError(403, 'Resource not accessible by integration'),
      ),
      ...api.handlers,
    )
    const { store } = createStore()

    const access = await store.prepare([REPO_SCOPE, ENV_SCOPE, ORG_SCOPE])

    expect(access.get('repository')?.ok).toBe(false)
    expect(access.get('environment:production')?.ok).toBe(true)
    expect(access.get('organization')?.ok).toBe(true)
  })

  describe('diagnostics', () => {
    type Case = {
      name: string
      scope: SecretScope
      status: number
      message: string
      expected: string[]
    }
    const cases: Case[] = [
      {
        name: 'GITHUB_TOKEN on repository',
        scope: REPO_SCOPE,
        status: 403,
        message: 'Resource not accessible by integration',
        expected: [
          'the repository secrets of acme/ads',
          "workflow's GITHUB_TOKEN",
          'fine-grained personal access token or a GitHub App token',
          '"Secrets: read and write"',
        ],
      },
      {
        name: 'GITHUB_TOKEN on organization',
        scope: ORG_SCOPE,
        status: 403,
        message: 'Resource not accessible by integration',
        expected: [
          'the organization secrets of acme',
          "workflow's GITHUB_TOKEN",
          'organization permission "Secrets: read and write"',
          '`organization_secrets`',
        ],
      },
      {
        name: 'bad credentials',
        scope: REPO_SCOPE,
        status: 401,
        message: 'Bad credentials',
        expected: [
          '(401 Bad credentials)',
          'expired or revoked',
          '"Secrets: read and write"',
        ],
      },
      {
        name: 'hidden repository',
        scope: REPO_SCOPE,
        status: 404,
        message: 'Not Found',
        expected: [
          '(404 Not Found)',
          'cannot see the secrets of acme/ads',
          '"Secrets: read and write"',
        ],
      },
      {
        name: 'missing environment',
        scope: { kind: 'environment', name: 'staging' },
        status: 404,
        message: 'Not Found',
        expected: [
          'the secrets of environment "staging" in acme/ads',
          'The environment "staging" does not exist',
          'Create the environment',
          '"Secrets: read and write"',
        ],
      },
      {
        name: 'personal account as organization',
        scope: ORG_SCOPE,
        status: 404,
        message: 'Not Found',
        expected: [
          'acme is not an organization',
          '`secret-scope: repository`',
          '`organization_secrets`',
        ],
      },
      {
        name: 'server error',
        scope: REPO_SCOPE,
        status: 503,
        message: 'Service Unavailable',
        expected: [
          'the repository secrets of acme/ads (503 Service Unavailable).',
        ],
      },
    ]

    for (const testCase of cases) {
      it(testCase.name, async () => {
        const api = createSecretsApi()
        const fail = () => githubError(testCase.status, testCase.message)
        server.use(
          api.route(
            'get',
            '/repos/:owner/:repo/actions/secrets/public-key',
            fail,
          ),
          api.route(
            'get',
            '/repos/:owner/:repo/environments/:environment/secrets/public-key',
            fail,
          ),
          api.route('get', '/orgs/:org/actions/secrets/public-key', fail),
        )
        const { store, lines } = createStore()

        const access = (await store.prepare([testCase.scope])).get(
          scopeLabel(testCase.scope),
        )

        expect(access?.ok).toBe(false)
        const message = access?.ok === false ? access.message : ''
        expect(message).toMatch(
          /^Input `github-token` could not read the public key of /,
        )
        for (const part of testCase.expected) expect(message).toContain(part)
        expect(message).not.toContain('\n')
        expectNoToken([message], lines)
      })
    }
  })
})
