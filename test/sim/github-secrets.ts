/**
 * The Actions secrets endpoints of the simulated GitHub REST API, for the
 * repository, its environments and its organization: public keys, sealed
 * writes checked against the scope's real private key, metadata and lists.
 */
import {
  githubError,
  isoTime,
  jsonBody,
  notFound,
  paginate,
  problemsParsingJson,
  type GitHubReply,
} from './github-http.ts'
import { open, seal, type KeyRing } from './github-keys.ts'

export type Visibility = 'all' | 'private' | 'selected'

/** A stored secret; the value stays sealed, as on GitHub. */
export interface StoredSecret {
  name: string
  encryptedValue: string
  keyId: string
  createdAt: number
  updatedAt: number
  /** Organization secrets only. */
  visibility?: Visibility
  selectedRepositoryIds?: number[]
}

export interface OrgRepository {
  id: number
  name: string
}

/** GitHub's limits: 100 repository, 100 environment and 1,000 organization secrets. */
export const SECRET_LIMITS = {
  repository: 100,
  environment: 100,
  organization: 1000,
}

/** GitHub limits each secret to 48 KB. */
const MAX_SECRET_BYTES = 48 * 1024

const NAME_RULE =
  'Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), must not start with a number, and must not start with the GITHUB_ prefix.'

const DOCS = 'https://docs.github.com/rest/actions/secrets'

/** Scope labels: `repository`, `environment:NAME`, `organization`. */
export type ScopeLabel = string

export class SecretsApi {
  readonly #keys: KeyRing
  readonly #stores = new Map<ScopeLabel, Map<string, StoredSecret>>()
  readonly #limits: typeof SECRET_LIMITS

  constructor(keys: KeyRing, limits: Partial<typeof SECRET_LIMITS> = {}) {
    this.#keys = keys
    this.#limits = { ...SECRET_LIMITS, ...limits }
  }

  /** Raises or lowers the number of secrets a scope may hold. */
  setLimit(kind: keyof typeof SECRET_LIMITS, limit: number): void {
    this.#limits[kind] = limit
  }

  store(scope: ScopeLabel): Map<string, StoredSecret> {
    let store = this.#stores.get(scope)
    if (!store) {
      store = new Map()
      this.#stores.set(scope, store)
    }
    return store
  }

  publicKey(scope: ScopeLabel): GitHubReply {
    const key = this.#keys.current(scope)
    return { status: 200, body: { key_id: key.keyId, key: key.key } }
  }

  list(
    scope: ScopeLabel,
    url: URL,
    baseUrl: string,
    path: string,
    org: string,
  ): GitHubReply {
    const secrets = [...this.store(scope).values()].sort((a, b) =>
      a.name.localeCompare(b.name),
    )
    const { page, link } = paginate(secrets, url, baseUrl, path)
    return {
      status: 200,
      body: {
        total_count: secrets.length,
        secrets: page.map((secret) => metadata(secret, baseUrl, org)),
      },
      ...(link ? { headers: { link } } : {}),
    }
  }

  get(
    scope: ScopeLabel,
    name: string,
    baseUrl: string,
    org: string,
  ): GitHubReply {
    const secret = this.store(scope).get(name.toUpperCase())
    if (!secret) return notFound()
    return { status: 200, body: metadata(secret, baseUrl, org) }
  }

  delete(scope: ScopeLabel, name: string): GitHubReply {
    const deleted = this.store(scope).delete(name.toUpperCase())
    return deleted ? { status: 204, body: null } : notFound()
  }

  /**
   * Creates (201) or updates (204) a secret from `{encrypted_value, key_id}`,
   * plus `visibility` and `selected_repository_ids` for the organization.
   * Nothing is stored unless every check passes.
   */
  put(scope: ScopeLabel, name: string, text: string, now: number): GitHubReply {
    const body = jsonBody(text)
    if (!body) return problemsParsingJson()
    const rejected = checkName(name) ?? this.#checkSealed(scope, body)
    if (rejected) return rejected

    const isOrg = scope === 'organization'
    const visibility = isOrg ? readVisibility(body) : null
    if (visibility && 'status' in visibility) return visibility

    const store = this.store(scope)
    const upper = name.toUpperCase()
    const existing = store.get(upper)
    if (!existing && store.size >= this.#limitOf(scope)) {
      return githubError(
        422,
        `Secrets limit reached: a ${scopeKind(scope)} holds at most ${this.#limitOf(scope)} secrets.`,
        DOCS,
      )
    }
    const secret: StoredSecret = {
      name: upper,
      encryptedValue: body.encrypted_value as string,
      keyId: body.key_id as string,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      ...(visibility ?? {}),
    }
    store.set(upper, secret)
    return { status: existing ? 204 : 201, body: existing ? null : {} }
  }

  #limitOf(scope: ScopeLabel): number {
    return this.#limits[scopeKind(scope)]
  }

  /**
   * `key_id` must be supplied and be the scope's current key, and the value
   * must open with that key's private key.
   * NOTE: GitHub documents only the 422 for a missing key_id. The messages
   * for a stale key, a box that does not open and a value over 48 KB are the
   * simulator's own.
   */
  #checkSealed(
    scope: ScopeLabel,
    body: Record<string, unknown>,
  ): GitHubReply | null {
    if (
      typeof body.encrypted_value !== 'string' ||
      body.encrypted_value === ''
    ) {
      return githubError(
        422,
        'Invalid request.\n\n"encrypted_value" wasn\'t supplied.',
        DOCS,
      )
    }
    if (typeof body.key_id !== 'string' || body.key_id === '') {
      return githubError(
        422,
        'Invalid request.\n\n"key_id" wasn\'t supplied.',
        DOCS,
      )
    }
    const key = this.#keys.current(scope)
    if (body.key_id !== key.keyId) {
      return githubError(
        422,
        'Bad request: key_id does not match the current public key.',
        DOCS,
      )
    }
    const plain = open(body.encrypted_value, key)
    if (plain === null) {
      return githubError(
        422,
        'Bad request: encrypted_value could not be decrypted with the public key.',
        DOCS,
      )
    }
    if (Buffer.byteLength(plain) > MAX_SECRET_BYTES) {
      return githubError(
        422,
        'Secret value is too large: the limit is 48 KB.',
        DOCS,
      )
    }
    return null
  }

  /** Opens a stored secret with the key it was sealed to. */
  read(scope: ScopeLabel, name: string): string | undefined {
    const secret = this.store(scope).get(name.toUpperCase())
    if (!secret) return undefined
    const key = this.#keys.byId(secret.keyId)
    return key ? (open(secret.encryptedValue, key) ?? undefined) : undefined
  }

  /** Stores `value` sealed to the scope's current key, as a client would. */
  seed(
    scope: ScopeLabel,
    name: string,
    value: string,
    now: number,
    extra: Partial<StoredSecret> = {},
  ): void {
    const key = this.#keys.current(scope)
    const upper = name.toUpperCase()
    this.store(scope).set(upper, {
      name: upper,
      encryptedValue: seal(value, key),
      keyId: key.keyId,
      createdAt: now,
      updatedAt: now,
      ...(scope === 'organization' ? { visibility: 'private' as const } : {}),
      ...extra,
    })
  }

  /** `GET /orgs/{org}/actions/secrets/{name}/repositories`. */
  selectedRepositories(
    name: string,
    repositories: OrgRepository[],
    org: string,
    url: URL,
    baseUrl: string,
    path: string,
  ): GitHubReply {
    const secret = this.store('organization').get(name.toUpperCase())
    if (!secret) return notFound()
    // NOTE: GitHub returns 409 for a secret that is not `selected`. The message is the simulator's own.
    if (secret.visibility !== 'selected') {
      return githubError(
        409,
        'The secret visibility is not set to selected.',
        DOCS,
      )
    }
    const ids = new Set(secret.selectedRepositoryIds ?? [])
    const selected = repositories.filter((repository) => ids.has(repository.id))
    const { page, link } = paginate(selected, url, baseUrl, path)
    return {
      status: 200,
      body: {
        total_count: selected.length,
        repositories: page.map((repository) => ({
          id: repository.id,
          node_id: `R_${repository.id}`,
          name: repository.name,
          full_name: `${org}/${repository.name}`,
          private: true,
          owner: { login: org, type: 'Organization' },
        })),
      },
      ...(link ? { headers: { link } } : {}),
    }
  }
}

function scopeKind(scope: ScopeLabel): keyof typeof SECRET_LIMITS {
  if (scope === 'organization') return 'organization'
  return scope.startsWith('environment:') ? 'environment' : 'repository'
}

/** GitHub's naming rule: letters, digits and `_`, not starting with a digit or `GITHUB_`. */
function checkName(name: string): GitHubReply | null {
  if (
    !/^[A-Za-z0-9_]+$/.test(name) ||
    /^[0-9]/.test(name) ||
    /^GITHUB_/i.test(name)
  ) {
    return githubError(422, NAME_RULE, DOCS)
  }
  return null
}

/** `visibility` is required for an organization secret; `selected_repository_ids` only goes with `selected`. */
function readVisibility(
  body: Record<string, unknown>,
): { visibility: Visibility; selectedRepositoryIds?: number[] } | GitHubReply {
  const visibility = body.visibility
  if (
    visibility !== 'all' &&
    visibility !== 'private' &&
    visibility !== 'selected'
  ) {
    return githubError(
      422,
      'Invalid request.\n\n"visibility" must be one of all, private, selected.',
      DOCS,
    )
  }
  const ids = body.selected_repository_ids
  if (ids === undefined) {
    return visibility === 'selected'
      ? { visibility, selectedRepositoryIds: [] }
      : { visibility }
  }
  if (visibility !== 'selected') {
    return githubError(
      422,
      'Invalid request.\n\n"selected_repository_ids" is only allowed when visibility is "selected".',
      DOCS,
    )
  }
  if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) {
    return githubError(
      422,
      'Invalid request.\n\n"selected_repository_ids" must be an array of integers.',
      DOCS,
    )
  }
  return { visibility, selectedRepositoryIds: ids as number[] }
}

function metadata(secret: StoredSecret, baseUrl: string, org: string): object {
  const base = {
    name: secret.name,
    created_at: isoTime(secret.createdAt),
    updated_at: isoTime(secret.updatedAt),
  }
  if (secret.visibility === undefined) return base
  return {
    ...base,
    visibility: secret.visibility,
    ...(secret.visibility === 'selected'
      ? {
          selected_repositories_url: `${baseUrl}/orgs/${org}/actions/secrets/${secret.name}/repositories`,
        }
      : {}),
  }
}
