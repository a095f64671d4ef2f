/**
 * A transport-free simulator of the GitHub REST endpoints a token keeper
 * uses: Actions secrets of a repository, its environments and its
 * organization (real libsodium keys), issues, comments and labels. It
 * returns GitHub's status codes and error bodies, sends rate-limit
 * headers, can enforce a gap between writes like GitHub's secondary rate
 * limit, injects seeded faults, and logs requests without secrets.
 */
import type { SecretScope } from '../../src/types.ts'
import { FaultPicker, ScriptBook, type ScriptResult } from './faults.ts'
import { githubError, notFound, type GitHubReply } from './github-http.ts'
import {
  IssuesApi,
  type CommentRecord,
  type IssueRecord,
  type IssueRequest,
  type IssueSeed,
  type LabelRecord,
} from './github-issues.ts'
import { KeyRing } from './github-keys.ts'
import {
  SECRET_LIMITS,
  SecretsApi,
  type OrgRepository,
  type StoredSecret,
} from './github-secrets.ts'
import { mulberry32 } from './random.ts'
import {
  realSleep,
  type FaultOptions,
  type RequestLogEntry,
  type SimRequest,
  type SimResponse,
  type Simulator,
  type Sleep,
} from './types.ts'

export type {
  IssueRecord,
  CommentRecord,
  LabelRecord,
  IssueSeed,
  StoredSecret,
  OrgRepository,
}

type Level = 'write' | 'read' | 'none'

/** What a GitHub token may do in the simulated repository. */
export interface Credential {
  /** `github-token` is the workflow's GITHUB_TOKEN, which has no secrets permission at all. */
  kind: 'github-token' | 'pat' | 'app'
  secrets: Level
  orgSecrets?: Level
  issues: Level
  login: string
  /** False when the token lacks push access, so GitHub drops the labels of a new issue silently. */
  labels?: boolean
}

export interface GitHubSimulatorOptions {
  owner: string
  repo: string
  /** The organization that owns the repository; organization routes return 404 for any other name. */
  org?: string
  environments?: string[]
  /** Tokens GitHub accepts, by token text. */
  credentials: Record<string, Credential>
  faults?: FaultOptions
  /** Added to every request, in ms. */
  latencyMs?: number
  /** Minimum gap between mutating requests; a closer one gets GitHub's secondary rate limit 403. 0 = off. */
  minWriteGapMs?: number
  /** Clock in Unix ms; `Date.now` by default. */
  now?: () => number
  sleep?: Sleep
  /** Seed of the key ids; 1 by default. */
  seed?: number
  repositoryId?: number
  /** Repositories of the organization, for `selected` secrets. The simulated repository is added. */
  orgRepositories?: OrgRepository[]
  secretLimits?: Partial<typeof SECRET_LIMITS>
  /** False makes every issue route return 410, as a repository with issues disabled does. */
  issuesEnabled?: boolean
  /** Requests per hour per token; GitHub's limits by token kind by default. */
  rateLimit?: number
}

/**
 * Transient failures the simulated GitHub can inject: 5xx, a dropped
 * connection, and the secondary rate limit as 429 or 403, both with
 * `retry-after`.
 */
export const GITHUB_FAULT_KINDS = [
  'http500',
  'http502',
  'http503',
  'http429',
  'secondary403',
  'drop',
] as const

export interface GitHubCounters {
  requests: number
  publicKeyReads: number
  /** Secret PUTs that stored a value. */
  secretWrites: number
  /** Issues created or edited, and comments posted. */
  issueWrites: number
  labelWrites: number
  secondaryLimitHits: number
  rateLimited: number
  faults: number
}

type Area = 'secrets' | 'orgSecrets' | 'issues'

interface RouteInput {
  params: Record<string, string>
  request: SimRequest
  baseUrl: string
  credential: Credential
  now: number
}

interface Route {
  method: string
  template: string
  pattern: RegExp
  area: Area
  run(input: RouteInput): GitHubReply
}

const SECONDARY_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
const SECONDARY_DOCS =
  'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits'

/** GitHub's primary limits: GITHUB_TOKEN 1,000 per hour per repository, others 5,000. */
const HOURLY_LIMITS: Record<Credential['kind'], number> = {
  'github-token': 1000,
  pat: 5000,
  app: 5000,
}

export class GitHubSimulator implements Simulator {
  readonly log: RequestLogEntry[] = []
  readonly counters: GitHubCounters = {
    requests: 0,
    publicKeyReads: 0,
    secretWrites: 0,
    issueWrites: 0,
    labelWrites: 0,
    secondaryLimitHits: 0,
    rateLimited: 0,
    faults: 0,
  }
  readonly scripts = new ScriptBook()
  readonly #options: GitHubSimulatorOptions
  readonly #keys: KeyRing
  readonly #secrets: SecretsApi
  readonly #issues = new IssuesApi()
  readonly #faults: FaultPicker
  readonly #routes: Route[]
  readonly #credentials: Map<string, Credential>
  readonly #usage = new Map<string, { windowStart: number; used: number }>()
  readonly #now: () => number
  readonly #sleep: Sleep
  #lastWrite: number | null = null

  constructor(options: GitHubSimulatorOptions) {
    this.#options = options
    this.#keys = new KeyRing(mulberry32(options.seed ?? 1))
    this.#secrets = new SecretsApi(this.#keys, options.secretLimits)
    this.#faults = new FaultPicker(options.faults, GITHUB_FAULT_KINDS)
    this.#credentials = new Map(Object.entries(options.credentials))
    this.#now = options.now ?? Date.now
    this.#sleep = options.sleep ?? realSleep
    this.#routes = this.#buildRoutes()
  }

  get issues(): IssueRecord[] {
    return this.#issues.issues
  }

  get pullRequests(): IssueRecord[] {
    return this.#issues.pullRequests
  }

  get comments(): CommentRecord[] {
    return this.#issues.comments
  }

  get labels(): LabelRecord[] {
    return [...this.#issues.labels.values()]
  }

  /** Adds an issue (or a pull request) as if someone had opened it. */
  seedIssue(seed: IssueSeed): IssueRecord {
    return this.#issues.seed(seed, this.#now())
  }

  /** Makes GitHub accept `token` with the permissions of `credential`, as when someone creates a token. */
  addCredential(token: string, credential: Credential): void {
    this.#credentials.set(token, credential)
  }

  /** Opens the stored sealed box of a secret with its private key; undefined when there is no such secret. */
  readSecret(scope: SecretScope, name: string): string | undefined {
    return this.#secrets.read(labelOf(scope), name)
  }

  /** Stores a secret sealed to the scope's current key. */
  seedSecret(
    scope: SecretScope,
    name: string,
    value: string,
    extra: Partial<
      Pick<
        StoredSecret,
        'visibility' | 'selectedRepositoryIds' | 'updatedAt' | 'createdAt'
      >
    > = {},
  ): void {
    this.#secrets.seed(labelOf(scope), name, value, this.#now(), extra)
  }

  /** Metadata of a stored secret: times, key id, organization visibility. */
  secretInfo(
    scope: SecretScope,
    name: string,
  ): Readonly<StoredSecret> | undefined {
    const secret = this.#secrets.store(labelOf(scope)).get(name.toUpperCase())
    return secret ? { ...secret } : undefined
  }

  /** Names of the secrets of a scope, upper case. */
  secretNames(scope: SecretScope): string[] {
    return [...this.#secrets.store(labelOf(scope)).keys()]
  }

  /** Replaces a scope's key pair, so a client holding the old key_id gets 422. */
  rotateKey(scope: SecretScope): string {
    return this.#keys.rotate(labelOf(scope)).keyId
  }

  /** Changes how many secrets a scope may hold (GitHub: 100, 100, 1,000). */
  setSecretLimit(kind: keyof typeof SECRET_LIMITS, limit: number): void {
    this.#secrets.setLimit(kind, limit)
  }

  /** Attaches a hook to a route template such as `PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}`. */
  script(
    route: string,
    hook: (request: SimRequest) => ScriptResult,
  ): () => void {
    return this.scripts.add(route, hook)
  }

  failNext(route: string, kind: string, times = 1): void {
    this.scripts.failNext(route, kind, times)
  }

  async handle(request: SimRequest): Promise<SimResponse> {
    const arrival = this.#now()
    await this.#sleep(this.#options.latencyMs ?? 0)
    this.counters.requests++

    const token = tokenOf(request.headers)
    const credential = token === null ? undefined : this.#credentials.get(token)
    if (!credential) {
      const reply =
        token === null
          ? githubError(401, 'Requires authentication')
          : githubError(401, 'Bad credentials')
      return this.#finish(request, 'unauthenticated', reply, null)
    }

    const { route, params } = this.#match(request)
    const template = route?.template ?? `${request.method} (unknown)`
    const limited = this.#countUsage(token as string, credential)
    if (limited)
      return this.#finish(request, template, limited.reply, limited.headers)
    const headers = this.#rateHeaders(token as string, credential)

    const fault = this.#fault(template, request)
    if (fault !== null)
      return this.#faultResponse(request, template, fault, headers)

    const secondary = this.#secondaryLimit(request.method, arrival)
    if (secondary) return this.#finish(request, template, secondary, headers)

    if (!route) return this.#finish(request, template, notFound(), headers)
    const reply = this.#run(route, params, request, credential)
    this.#count(route, request.method, reply.status)
    return this.#finish(request, template, reply, headers)
  }

  #run(
    route: Route,
    params: Record<string, string>,
    request: SimRequest,
    credential: Credential,
  ): GitHubReply {
    const need: Level = request.method === 'GET' ? 'read' : 'write'
    const denied = checkAccess(credential, route.area, need)
    if (denied) return denied
    if (route.area === 'issues' && this.#options.issuesEnabled === false) {
      return githubError(410, 'Issues are disabled for this repo')
    }
    return route.run({
      params,
      request,
      baseUrl: (request.baseUrl ?? request.url.origin).replace(/\/+$/, ''),
      credential,
      now: this.#now(),
    })
  }

  #count(route: Route, method: string, status: number): void {
    if (status >= 300) return
    if (route.template.endsWith('/public-key')) this.counters.publicKeyReads++
    if (method === 'PUT' && route.area !== 'issues')
      this.counters.secretWrites++
    if (route.area === 'issues' && method !== 'GET') {
      if (route.template.endsWith('/labels')) this.counters.labelWrites++
      else this.counters.issueWrites++
    }
  }

  #match(request: SimRequest): {
    route: Route | null
    params: Record<string, string>
  } {
    const path = request.url.pathname.replace(/\/+$/, '') || '/'
    for (const route of this.#routes) {
      if (route.method !== request.method) continue
      const match = route.pattern.exec(path)
      if (!match) continue
      const params: Record<string, string> = {}
      for (const [key, value] of Object.entries(match.groups ?? {})) {
        params[key] = decodeURIComponent(value)
      }
      return { route, params }
    }
    return { route: null, params: {} }
  }

  /** Counts a request against the token's hourly limit; returns the 403 once it is used up. */
  #countUsage(
    token: string,
    credential: Credential,
  ): { reply: GitHubReply; headers: Record<string, string> } | null {
    const now = this.#now()
    let usage = this.#usage.get(token)
    if (!usage || now - usage.windowStart >= 3_600_000) {
      usage = { windowStart: now, used: 0 }
      this.#usage.set(token, usage)
    }
    const limit = this.#options.rateLimit ?? HOURLY_LIMITS[credential.kind]
    if (usage.used >= limit) {
      this.counters.rateLimited++
      return {
        reply: githubError(
          403,
          `API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.`,
        ),
        headers: this.#rateHeaders(token, credential),
      }
    }
    usage.used++
    return null
  }

  #rateHeaders(token: string, credential: Credential): Record<string, string> {
    const usage = this.#usage.get(token) ?? {
      windowStart: this.#now(),
      used: 0,
    }
    const limit = this.#options.rateLimit ?? HOURLY_LIMITS[credential.kind]
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - usage.used)),
      'x-ratelimit-used': String(usage.used),
      'x-ratelimit-reset': String(
        Math.ceil((usage.windowStart + 3_600_000) / 1000),
      ),
      'x-ratelimit-resource': 'core',
    }
  }

  /** GitHub's secondary limit, simulated as a minimum gap between mutating requests. */
  #secondaryLimit(method: string, arrival: number): GitHubReply | null {
    if (method === 'GET' || method === 'HEAD') return null
    const gap = this.#options.minWriteGapMs ?? 0
    if (
      gap > 0 &&
      this.#lastWrite !== null &&
      arrival - this.#lastWrite < gap
    ) {
      this.counters.secondaryLimitHits++
      const reply = githubError(403, SECONDARY_LIMIT_MESSAGE, SECONDARY_DOCS)
      return {
        ...reply,
        headers: { 'retry-after': String(Math.max(1, Math.ceil(gap / 1000))) },
      }
    }
    this.#lastWrite = arrival
    return null
  }

  #fault(template: string, request: SimRequest): string | SimResponse | null {
    const scripted = this.scripts.run(template, request)
    if (scripted !== undefined) return scripted
    return this.#faults.next(`${request.method} ${request.url.pathname}`)
  }

  #faultResponse(
    request: SimRequest,
    template: string,
    fault: string | SimResponse,
    headers: Record<string, string>,
  ): SimResponse {
    this.counters.faults++
    if (typeof fault !== 'string') {
      this.#logEntry(request, template, fault.status, 'script')
      return fault
    }
    if (fault === 'drop') {
      this.#logEntry(request, template, 0, fault)
      return { status: 0, headers: {}, body: '', drop: true }
    }
    if (fault === 'http429' || fault === 'secondary403') {
      const status = fault === 'http429' ? 429 : 403
      const reply = githubError(status, SECONDARY_LIMIT_MESSAGE, SECONDARY_DOCS)
      return this.#finish(
        request,
        template,
        { ...reply, headers: { 'retry-after': '1' } },
        headers,
        fault,
      )
    }
    const status = Number(fault.slice(4))
    const reply: GitHubReply =
      status === 500 ? githubError(500, 'Server Error') : { status, body: null }
    return this.#finish(request, template, reply, headers, fault)
  }

  #finish(
    request: SimRequest,
    template: string,
    reply: GitHubReply,
    rateHeaders: Record<string, string> | null,
    fault?: string,
  ): SimResponse {
    this.#logEntry(request, template, reply.status, fault)
    const headers: Record<string, string> = {
      ...(rateHeaders ?? {}),
      'x-github-api-version-selected': '2022-11-28',
      ...(reply.headers ?? {}),
    }
    if (reply.status === 204 || reply.body === null) {
      if (reply.status >= 500) {
        headers['content-type'] = 'text/html'
        return {
          status: reply.status,
          headers,
          body: reply.status === 502 ? 'Bad Gateway' : 'Service Unavailable',
        }
      }
      return { status: reply.status, headers, body: '' }
    }
    headers['content-type'] = 'application/json; charset=utf-8'
    return { status: reply.status, headers, body: JSON.stringify(reply.body) }
  }

  #logEntry(
    request: SimRequest,
    route: string,
    status: number,
    fault?: string,
  ): void {
    const entry: RequestLogEntry = {
      time: this.#now(),
      method: request.method,
      route,
      status,
      params: [...new Set(request.url.searchParams.keys())],
    }
    if (fault) entry.fault = fault
    this.log.push(entry)
  }

  #buildRoutes(): Route[] {
    const { owner, repo } = this.#options
    const org = this.#options.org ?? null
    const environments = new Set(this.#options.environments ?? [])
    const secrets = this.#secrets
    const issues = this.#issues
    const repoId = this.#options.repositoryId ?? 1_296_269
    const orgRepositories = [
      { id: repoId, name: repo },
      ...(this.#options.orgRepositories ?? []),
    ]

    const sameRepo = (p: Record<string, string>) =>
      p.owner?.toLowerCase() === owner.toLowerCase() &&
      p.repo?.toLowerCase() === repo.toLowerCase()
    const sameOrg = (p: Record<string, string>) =>
      org !== null && p.org?.toLowerCase() === org.toLowerCase()
    const inRepo =
      (run: (input: RouteInput) => GitHubReply) => (input: RouteInput) =>
        sameRepo(input.params) ? run(input) : notFound()
    const inEnvironment = (
      run: (input: RouteInput, scope: string) => GitHubReply,
    ) =>
      inRepo((input) => {
        const name = input.params.environment_name ?? ''
        return environments.has(name)
          ? run(input, `environment:${name}`)
          : notFound()
      })
    const inOrg =
      (run: (input: RouteInput) => GitHubReply) => (input: RouteInput) =>
        sameOrg(input.params) ? run(input) : notFound()
    const issueRequest = (input: RouteInput): IssueRequest => ({
      url: input.request.url,
      body: input.request.body,
      baseUrl: input.baseUrl,
      owner,
      repo,
      login: input.credential.login,
      mayLabel:
        input.credential.issues === 'write' &&
        input.credential.labels !== false,
      now: input.now,
    })
    const number = (input: RouteInput) => Number(input.params.issue_number)
    const orgName = org ?? owner

    const table: Array<
      [string, string, Area, (input: RouteInput) => GitHubReply]
    > = [
      [
        'GET',
        '/repos/{owner}/{repo}/actions/secrets/public-key',
        'secrets',
        inRepo(() => secrets.publicKey('repository')),
      ],
      [
        'GET',
        '/repos/{owner}/{repo}/actions/secrets',
        'secrets',
        inRepo((i) =>
          secrets.list(
            'repository',
            i.request.url,
            i.baseUrl,
            i.request.url.pathname,
            orgName,
          ),
        ),
      ],
      [
        'GET',
        '/repos/{owner}/{repo}/actions/secrets/{secret_name}',
        'secrets',
        inRepo((i) =>
          secrets.get(
            'repository',
            i.params.secret_name ?? '',
            i.baseUrl,
            orgName,
          ),
        ),
      ],
      [
        'PUT',
        '/repos/{owner}/{repo}/actions/secrets/{secret_name}',
        'secrets',
        inRepo((i) =>
          secrets.put(
            'repository',
            i.params.secret_name ?? '',
            i.request.body,
            i.now,
          ),
        ),
      ],
      [
        'DELETE',
        '/repos/{owner}/{repo}/actions/secrets/{secret_name}',
        'secrets',
        inRepo((i) => secrets.delete('repository', i.params.secret_name ?? '')),
      ],
      [
        'GET',
        '/repos/{owner}/{repo}/environments/{environment_name}/secrets/public-key',
        'secrets',
        inEnvironment((_, scope) => secrets.publicKey(scope)),
      ],
      [
        'GET',
        '/repos/{owner}/{repo}/environments/{environment_name}/secrets',
        'secrets',
        inEnvironment((i, scope) =>
          secrets.list(
            scope,
            i.request.url,
            i.baseUrl,
            i.request.url.pathname,
            orgName,
          ),
        ),
      ],
      [
        'GET',
        '/repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}',
        'secrets',
        inEnvironment((i, scope) =>
          secrets.get(scope, i.params.secret_name ?? '', i.baseUrl, orgName),
        ),
      ],
      [
        'PUT',
        '/repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}',
        'secrets',
        inEnvironment((i, scope) =>
          secrets.put(scope, i.params.secret_name ?? '', i.request.body, i.now),
        ),
      ],
      [
        'DELETE',
        '/repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}',
        'secrets',
        inEnvironment((i, scope) =>
          secrets.delete(scope, i.params.secret_name ?? ''),
        ),
      ],
      [
        'GET',
        '/orgs/{org}/actions/secrets/public-key',
        'orgSecrets',
        inOrg(() => secrets.publicKey('organization')),
      ],
      [
        'GET',
        '/orgs/{org}/actions/secrets',
        'orgSecrets',
        inOrg((i) =>
          secrets.list(
            'organization',
            i.request.url,
            i.baseUrl,
            i.request.url.pathname,
            orgName,
          ),
        ),
      ],
      [
        'GET',
        '/orgs/{org}/actions/secrets/{secret_name}',
        'orgSecrets',
        inOrg((i) =>
          secrets.get(
            'organization',
            i.params.secret_name ?? '',
            i.baseUrl,
            orgName,
          ),
        ),
      ],
      [
        'PUT',
        '/orgs/{org}/actions/secrets/{secret_name}',
        'orgSecrets',
        inOrg((i) =>
          secrets.put(
            'organization',
            i.params.secret_name ?? '',
            i.request.body,
            i.now,
          ),
        ),
      ],
      [
        'DELETE',
        '/orgs/{org}/actions/secrets/{secret_name}',
        'orgSecrets',
        inOrg((i) =>
          secrets.delete('organization', i.params.secret_name ?? ''),
        ),
      ],
      [
        'GET',
        '/orgs/{org}/actions/secrets/{secret_name}/repositories',
        'orgSecrets',
        inOrg((i) =>
          secrets.selectedRepositories(
            i.params.secret_name ?? '',
            orgRepositories,
            orgName,
            i.request.url,
            i.baseUrl,
            i.request.url.pathname,
          ),
        ),
      ],
      [
        'GET',
        '/repos/{owner}/{repo}/issues',
        'issues',
        inRepo((i) => issues.list(issueRequest(i))),
      ],
      [
        'POST',
        '/repos/{owner}/{repo}/issues',
        'issues',
        inRepo((i) => issues.create(issueRequest(i))),
      ],
      [
        'GET',
        '/repos/{owner}/{repo}/issues/{issue_number}',
        'issues',
        inRepo((i) => issues.get(number(i), issueRequest(i))),
      ],
      [
        'PATCH',
        '/repos/{owner}/{repo}/issues/{issue_number}',
        'issues',
        inRepo((i) => issues.update(number(i), issueRequest(i))),
      ],
      [
        'POST',
        '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        'issues',
        inRepo((i) => issues.comment(number(i), issueRequest(i))),
      ],
      [
        'GET',
        '/repos/{owner}/{repo}/labels/{name}',
        'issues',
        inRepo((i) => issues.getLabel(i.params.name ?? '', issueRequest(i))),
      ],
      [
        'POST',
        '/repos/{owner}/{repo}/labels',
        'issues',
        inRepo((i) => issues.createLabel(issueRequest(i))),
      ],
    ]
    return table.map(([method, template, area, run]) => ({
      method,
      template: `${method} ${template}`,
      pattern: patternOf(template),
      area,
      run,
    }))
  }
}

/** Turns `/repos/{owner}/{repo}` into a regex with named groups; `{issue_number}` matches digits only. */
function patternOf(template: string): RegExp {
  const source = template.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'issue_number' ? `(?<${name}>\\d+)` : `(?<${name}>[^/]+)`,
  )
  return new RegExp(`^${source}$`)
}

function tokenOf(headers: Record<string, string>): string | null {
  const match = /^(?:token|bearer)\s+(.+)$/i.exec(headers.authorization ?? '')
  return match?.[1]?.trim() ?? null
}

function labelOf(scope: SecretScope): string {
  return scope.kind === 'environment' ? `environment:${scope.name}` : scope.kind
}

/**
 * Checks a token's permission the way GitHub does. The workflow's
 * GITHUB_TOKEN and GitHub App tokens get 403 "Resource not accessible by
 * integration". A personal access token without any access gets 404, which
 * hides the resource, and one with read access gets 403 on a write.
 */
function checkAccess(
  credential: Credential,
  area: Area,
  need: Level,
): GitHubReply | null {
  if (credential.kind === 'github-token' && area !== 'issues') {
    return githubError(403, 'Resource not accessible by integration')
  }
  const level = credential[area] ?? 'none'
  if (level === 'write' || (level === 'read' && need === 'read')) return null
  if (credential.kind === 'pat') {
    return level === 'none'
      ? notFound()
      : githubError(403, 'Resource not accessible by personal access token')
  }
  return githubError(403, 'Resource not accessible by integration')
}
