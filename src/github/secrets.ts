/**
 * Writes refreshed tokens back to GitHub Actions secrets: one public key per
 * scope, fetched before any Meta exchange so a token that cannot write fails
 * early, then a sealed box per secret.
 */
import { registerSecret } from '../redact.ts'
import type { Logger, SecretScope } from '../types.ts'
import { githubErrorMessage, githubStatus, type Octokit } from './octokit.ts'
import { sealSecret } from './sealed-box.ts'
import { accessDiagnostic } from './secret-diagnostics.ts'

export type ScopeAccess =
  { ok: true; keyId: string; key: string } | { ok: false; message: string }

type Repository = { owner: string; repo: string }

type OrgVisibility =
  | { visibility: 'all' | 'private' }
  | { visibility: 'selected'; selected_repository_ids: number[] }

/** Returns `repository`, `environment:NAME` or `organization`. */
export function scopeLabel(scope: SecretScope): string {
  return scope.kind === 'environment' ? `environment:${scope.name}` : scope.kind
}

/** Environment names are at most 255 characters (GitHub's limit). */
const MAX_ENVIRONMENT_NAME = 255

/** Parses a `secret-scope` value: `repository`, `environment:NAME` or `organization`. Returns null for any other text. */
export function parseScope(text: string): SecretScope | null {
  const trimmed = text.trim()
  if (trimmed === 'repository') return { kind: 'repository' }
  if (trimmed === 'organization') return { kind: 'organization' }

  const match = /^environment:(.+)$/.exec(trimmed)
  const name = match?.[1]?.trim()
  if (!name || name.length > MAX_ENVIRONMENT_NAME) return null
  return { kind: 'environment', name }
}

/**
 * Checks a secret name against GitHub's rules: letters, digits and `_`, not
 * starting with a digit or `GITHUB_`. Returns null when valid, else one line
 * naming the secret and the fix.
 */
export function validateSecretName(name: string): string | null {
  if (name === '') return 'A secret name is empty; give each client a name.'
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    return `Secret name ${JSON.stringify(name)} is invalid: use only letters, digits and underscores.`
  }
  if (/^[0-9]/.test(name)) {
    return `Secret name ${name} is invalid: it must not start with a digit.`
  }
  if (/^GITHUB_/i.test(name)) {
    return `Secret name ${name} is invalid: names starting with GITHUB_ are reserved; rename the secret.`
  }
  return null
}

/** Public keys and writes of Actions secrets in one repository, its environments and its organization. */
export class SecretStore {
  readonly stats = { requests: 0, writes: 0 }
  readonly #octokit: Octokit
  readonly #repository: Repository
  readonly #log: Logger
  /** Access per scope label. Failures are kept too, so each scope is diagnosed once per run. */
  readonly #access = new Map<string, ScopeAccess>()

  constructor(octokit: Octokit, repository: Repository, log: Logger) {
    this.#octokit = octokit
    this.#repository = repository
    this.#log = log
  }

  /** Fetches each scope's public key once (before any Meta exchange) and turns failures into diagnostics. */
  async prepare(scopes: SecretScope[]): Promise<Map<string, ScopeAccess>> {
    const result = new Map<string, ScopeAccess>()
    for (const scope of scopes) {
      const label = scopeLabel(scope)
      if (!result.has(label)) result.set(label, await this.#accessFor(scope))
    }
    return result
  }

  /**
   * Seals `value` and writes it to secret `name` in `scope`. An organization
   * secret keeps its visibility and selected repositories, and a new one
   * is `private`. Throws an Error with a one-line, redacted message.
   */
  async write(scope: SecretScope, name: string, value: string): Promise<void> {
    registerSecret(value)
    const invalid = validateSecretName(name)
    if (invalid) throw new Error(invalid)

    const access = await this.#accessFor(scope)
    if (!access.ok) throw new Error(access.message)
    const visibility =
      scope.kind === 'organization' ? await this.#orgVisibility(name) : null

    try {
      await this.#put(scope, name, value, access, visibility)
    } catch (error) {
      if (githubStatus(error) !== 422) {
        throw this.#writeError(scope, name, error)
      }
      await this.#retryWithNewKey(scope, name, value, access, visibility, error)
    }
    this.stats.writes += 1
    this.#log.debug(`Wrote secret ${name} (${scopeLabel(scope)}).`)
  }

  /**
   * Handles a 422 on PUT, which a stale key_id can cause when the scope's
   * public key was rotated during the run. Fetches the key once more and, if
   * its key_id changed, seals and writes once more. Otherwise the first error
   * is thrown, because the 422 had another cause.
   */
  async #retryWithNewKey(
    scope: SecretScope,
    name: string,
    value: string,
    previous: { keyId: string },
    visibility: OrgVisibility | null,
    firstError: unknown,
  ): Promise<void> {
    const fresh = await this.#fetchKey(scope)
    if (!fresh.ok || fresh.keyId === previous.keyId) {
      throw this.#writeError(scope, name, firstError)
    }
    this.#access.set(scopeLabel(scope), fresh)
    this.#log.info(
      `The public key of the ${scopeLabel(scope)} secrets changed during the run. Sealing ${name} again with the new key.`,
    )
    try {
      await this.#put(scope, name, value, fresh, visibility)
    } catch (error) {
      throw this.#writeError(scope, name, error)
    }
  }

  async #accessFor(scope: SecretScope): Promise<ScopeAccess> {
    const label = scopeLabel(scope)
    const known = this.#access.get(label)
    if (known) return known

    const access = await this.#fetchKey(scope)
    this.#access.set(label, access)
    return access
  }

  async #fetchKey(scope: SecretScope): Promise<ScopeAccess> {
    try {
      const { key_id: keyId, key } = await this.#getPublicKey(scope)
      this.#log.debug(
        `Public key of the ${scopeLabel(scope)} secrets: key_id ${keyId}.`,
      )
      return { ok: true, keyId, key }
    } catch (error) {
      const message = accessDiagnostic(
        scope,
        this.#repository,
        error,
        'read the public key of',
      )
      return { ok: false, message }
    }
  }

  async #getPublicKey(
    scope: SecretScope,
  ): Promise<{ key_id: string; key: string }> {
    const { owner, repo } = this.#repository
    const actions = this.#octokit.rest.actions
    this.stats.requests += 1
    switch (scope.kind) {
      case 'repository':
        return (await actions.getRepoPublicKey({ owner, repo })).data
      case 'environment':
        return (
          await actions.getEnvironmentPublicKey({
            owner,
            repo,
            environment_name: scope.name,
          })
        ).data
      case 'organization':
        return (await actions.getOrgPublicKey({ org: owner })).data
    }
  }

  /**
   * Reads an existing organization secret's visibility, and its selected
   * repositories (every page) when it is `selected`. A missing secret gets
   * `private`, so a new secret is never shared with every repository.
   */
  async #orgVisibility(name: string): Promise<OrgVisibility> {
    const org = this.#repository.owner
    const actions = this.#octokit.rest.actions
    let visibility: 'all' | 'private' | 'selected'
    try {
      this.stats.requests += 1
      const { data } = await actions.getOrgSecret({ org, secret_name: name })
      visibility = data.visibility
    } catch (error) {
      if (githubStatus(error) === 404) return { visibility: 'private' }
      throw this.#writeError({ kind: 'organization' }, name, error)
    }
    if (visibility !== 'selected') return { visibility }

    try {
      const repositories = await this.#octokit.paginate(
        actions.listSelectedReposForOrgSecret,
        { org, secret_name: name, per_page: 100 },
        (response) => {
          this.stats.requests += 1
          return response.data
        },
      )
      return {
        visibility,
        selected_repository_ids: repositories.map(
          (repository) => repository.id,
        ),
      }
    } catch (error) {
      throw this.#writeError({ kind: 'organization' }, name, error)
    }
  }

  async #put(
    scope: SecretScope,
    name: string,
    value: string,
    access: { keyId: string; key: string },
    visibility: OrgVisibility | null,
  ): Promise<void> {
    const { owner, repo } = this.#repository
    const actions = this.#octokit.rest.actions
    // key_id is marked optional in older docs, but GitHub returns 422 without it.
    const sealed = {
      encrypted_value: await sealSecret(value, access.key),
      key_id: access.keyId,
    }
    this.stats.requests += 1
    switch (scope.kind) {
      case 'repository':
        await actions.createOrUpdateRepoSecret({
          owner,
          repo,
          secret_name: name,
          ...sealed,
        })
        return
      case 'environment':
        await actions.createOrUpdateEnvironmentSecret({
          owner,
          repo,
          environment_name: scope.name,
          secret_name: name,
          ...sealed,
        })
        return
      case 'organization':
        await actions.createOrUpdateOrgSecret({
          org: owner,
          secret_name: name,
          ...sealed,
          ...(visibility ?? { visibility: 'private' }),
        })
        return
    }
  }

  #writeError(scope: SecretScope, name: string, error: unknown): Error {
    const status = githubStatus(error)
    if (status === 401 || status === 403 || status === 404) {
      return new Error(
        accessDiagnostic(
          scope,
          this.#repository,
          error,
          `write secret ${name} in`,
        ),
      )
    }
    return new Error(
      `Writing secret ${name} (${scopeLabel(scope)}) failed: ${githubErrorMessage(error)}.`,
    )
  }
}
