/**
 * The sandbox: the Meta and GitHub simulators served over HTTP on
 * 127.0.0.1, loaded with an agency, for the demo, the benchmark and
 * process-level tests that run the bundled action.
 */
import { GitHubSimulator, type OrgRepository } from './github.ts'
import { startHttpServer } from './http.ts'
import { MetaSimulator, META_FAULT_KINDS } from './meta.ts'
import { digits, mulberry32 } from './random.ts'
import {
  agencyCredentials,
  buildAgency,
  buildLargeAgency,
  type Scenario,
} from './scenarios.ts'

export { MetaSimulator } from './meta.ts'
export { GitHubSimulator } from './github.ts'
export { startHttpServer } from './http.ts'
export { mswHandlers } from './msw.ts'
export * from './scenarios.ts'
export type * from './types.ts'

export interface SandboxOptions {
  /** 16 loads the incident agency; any other number a large agency of that many clients. */
  clients?: number
  /** Overrides the choice `clients` makes, for example a large agency of 16 clients. */
  agency?: 'incident' | 'large'
  /** GitHub's secondary limit as a minimum gap between writes, in ms; 0 (off) by default. */
  minWriteGapMs?: number
  /** Large agency only: share of clients due for a refresh. 0.1 by default. */
  dueFraction?: number
  /** Seed of tokens, credentials and faults; 1 by default. */
  seed?: number
  latencyGraphMs?: number
  latencyGithubMs?: number
  /** Share of requests (0..1) failed by a transient fault, in both simulators and per batch item. */
  failureRate?: number
  /** Fault kinds; by default every kind except `hang`, which would stall each run for its timeout. */
  faultKinds?: { meta?: string[]; metaItems?: string[]; github?: string[] }
  /** How long a Graph `hang` fault waits before it drops the connection, in ms (30 s by default). */
  hangMs?: number
  /** Maximum seeded faults in a row for one target in either simulator, unlimited by default (see FaultOptions). */
  maxFaultsInARow?: number
  /** `OWNER/REPO` the simulated GitHub serves; `northwind-agency/meta-tokens` by default. */
  repository?: string
  /** Clock in Unix ms; `Date.now` by default. The action in a child process keeps the real clock. */
  now?: () => number
  /** Environments of the repository; `production` only by default. */
  environments?: string[]
  /** Other repositories of the organization, which `selected` organization secrets may name. */
  orgRepositories?: OrgRepository[]
  /** Reply of `debug_token` to another app's token: an error (default) or its data. */
  foreignTokenReply?: 'error' | 'data'
}

export interface SandboxCounters {
  graphRequests: number
  batchRequests: number
  debugTokens: number
  exchanges: number
  tokensMinted: number
  revocations: number
  githubRequests: number
  secretWrites: number
  issueWrites: number
  labelWrites: number
  secondaryLimitHits: number
  faults: number
}

export interface Sandbox {
  meta: MetaSimulator
  github: GitHubSimulator
  graphUrl: string
  githubUrl: string
  appId: string
  appSecret: string
  writerToken: string
  issueToken: string
  scenario: Scenario
  /** `OWNER/REPO`. */
  repository: string
  /** A snapshot of both simulators' counters. */
  counters(): SandboxCounters
  close(): Promise<void>
}

export const DEFAULT_REPOSITORY = 'northwind-agency/meta-tokens'

/** Starts both simulators over HTTP on 127.0.0.1 and loads the agency. */
export async function startSandbox(
  options: SandboxOptions = {},
): Promise<Sandbox> {
  const seed = options.seed ?? 1
  const now = options.now ?? Date.now
  const repository = options.repository ?? DEFAULT_REPOSITORY
  const [owner = '', repo = ''] = repository.split('/')
  if (!owner || !repo) {
    throw new Error(`Repository "${repository}" is not of the form OWNER/REPO.`)
  }

  const random = mulberry32(seed ^ 0x61707073)
  const appId = digits(random, 16)
  // Meta app secrets are 32 hexadecimal characters.
  const appSecret = Array.from({ length: 32 }, () =>
    Math.floor(random() * 16).toString(16),
  ).join('')
  const failureRate = options.failureRate ?? 0
  const metaKinds =
    options.faultKinds?.meta ??
    META_FAULT_KINDS.filter((kind) => kind !== 'hang')

  const meta = new MetaSimulator({
    appId,
    appSecret,
    now,
    seed,
    latencyMs: options.latencyGraphMs ?? 0,
    foreignTokenReply: options.foreignTokenReply ?? 'error',
    faults: {
      failureRate,
      seed,
      kinds: metaKinds,
      itemFailureRate: failureRate,
      ...(options.faultKinds?.metaItems
        ? { itemKinds: options.faultKinds.metaItems }
        : {}),
      ...(options.hangMs === undefined ? {} : { hangMs: options.hangMs }),
      ...(options.maxFaultsInARow === undefined
        ? {}
        : { maxInARow: options.maxFaultsInARow }),
    },
  })
  const { writerToken, issueToken, credentials } = agencyCredentials(seed)
  const github = new GitHubSimulator({
    owner,
    repo,
    org: owner,
    environments: options.environments ?? ['production'],
    orgRepositories: options.orgRepositories ?? [],
    credentials,
    now,
    seed,
    latencyMs: options.latencyGithubMs ?? 0,
    minWriteGapMs: options.minWriteGapMs ?? 0,
    faults: {
      failureRate,
      seed: seed + 1,
      ...(options.maxFaultsInARow === undefined
        ? {}
        : { maxInARow: options.maxFaultsInARow }),
      ...(options.faultKinds?.github
        ? { kinds: options.faultKinds.github }
        : {}),
    },
  })

  const count = options.clients ?? 16
  const agency = options.agency ?? (count === 16 ? 'incident' : 'large')
  const scenario =
    agency === 'incident'
      ? buildAgency(meta, github, { now: now() })
      : buildLargeAgency(meta, github, {
          count,
          dueFraction: options.dueFraction ?? 0.1,
          seed,
          now: now(),
        })

  const graphServer = await startHttpServer(meta)
  const githubServer = await startHttpServer(github)
  return {
    meta,
    github,
    graphUrl: graphServer.url,
    githubUrl: githubServer.url,
    appId,
    appSecret,
    writerToken,
    issueToken,
    scenario,
    repository,
    counters: () => snapshot(meta, github),
    close: async () => {
      await Promise.all([graphServer.close(), githubServer.close()])
    },
  }
}

function snapshot(
  meta: MetaSimulator,
  github: GitHubSimulator,
): SandboxCounters {
  return {
    graphRequests: meta.counters.requests,
    batchRequests: meta.counters.batchRequests,
    debugTokens: meta.counters.debugTokens,
    exchanges: meta.counters.exchanges,
    tokensMinted: meta.counters.tokensMinted,
    revocations: meta.counters.revocations,
    githubRequests: github.counters.requests,
    secretWrites: github.counters.secretWrites,
    issueWrites: github.counters.issueWrites,
    labelWrites: github.counters.labelWrites,
    secondaryLimitHits: github.counters.secondaryLimitHits,
    faults: meta.counters.faults + github.counters.faults,
  }
}
