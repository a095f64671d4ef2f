/**
 * The benchmark's sandbox: the Meta and GitHub simulators over HTTP on
 * 127.0.0.1 with the benchmark's latencies, a large agency loaded, and every
 * request's arrival and response timed in this process's clock.
 */
import { createHash } from 'node:crypto'
import {
  GitHubSimulator,
  MetaSimulator,
  agencyCredentials,
  buildLargeAgency,
  startHttpServer,
  type Sandbox,
  type SimRequest,
  type SimResponse,
} from '../../test/sim/index.ts'

export const LATENCY_GRAPH_MS = 40
export const LATENCY_GITHUB_MS = 10
/** GitHub's REST best practices ask for at least one second between mutating requests. */
export const WRITE_GAP_MS = 1000
const REPOSITORY = 'northwind-agency/meta-tokens'

/** One request as it reached a simulator, timed with this process's `performance.now()`. */
export interface Arrival {
  /** When the simulator received the request, in ms. */
  at: number
  /** When the simulator returned its response, in ms. */
  doneAt: number
  method: string
  path: string
}

export interface BenchSandbox extends Sandbox {
  graphArrivals: Arrival[]
  githubArrivals: Arrival[]
}

export interface GraphCounts {
  requests: number
  batches: number
  singleDebugTokens: number
  exchanges: number
}

export interface GitHubCounts {
  requests: number
  secretRequests: number
  issueRequests: number
  secretWrites: number
  secondaryLimitHits: number
  /** Smallest gap between the arrivals of two mutating requests, in ms. */
  minWriteGapMs: number | null
}

/** Wraps `simulator.handle` to record when each request arrived and when its response was ready. */
export function recordArrivals(simulator: {
  handle(request: SimRequest): Promise<SimResponse>
}): Arrival[] {
  const arrivals: Arrival[] = []
  const handle = simulator.handle.bind(simulator)
  simulator.handle = async (request) => {
    const arrival: Arrival = {
      at: performance.now(),
      doneAt: Number.NaN,
      method: request.method,
      path: request.url.pathname,
    }
    arrivals.push(arrival)
    const response = await handle(request)
    arrival.doneAt = performance.now()
    return response
  }
  return arrivals
}

/**
 * Starts both simulators for a large agency of `size` clients. It does not
 * use startSandbox because the benchmark needs two things it does not offer:
 * the large agency at 16 clients (startSandbox loads the incident agency
 * there) and GitHub's one-second gap between writes enforced.
 */
export async function startBenchSandbox(
  size: number,
  dueFraction: number,
  seed: number,
): Promise<BenchSandbox> {
  const { writerToken, issueToken, credentials } = agencyCredentials(seed)
  const appId = String(1_000_000_000_000_000 + seed)
  const appSecret = createHash('md5').update(`bench-${seed}`).digest('hex')
  const [owner, repo] = REPOSITORY.split('/') as [string, string]

  const meta = new MetaSimulator({
    appId,
    appSecret,
    seed,
    latencyMs: LATENCY_GRAPH_MS,
  })
  const github = new GitHubSimulator({
    owner,
    repo,
    org: owner,
    credentials,
    seed,
    latencyMs: LATENCY_GITHUB_MS,
    minWriteGapMs: WRITE_GAP_MS,
  })
  const scenario = buildLargeAgency(meta, github, {
    count: size,
    dueFraction,
    seed,
  })
  const graphArrivals = recordArrivals(meta)
  const githubArrivals = recordArrivals(github)

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
    repository: REPOSITORY,
    graphArrivals,
    githubArrivals,
    counters: () => ({
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
    }),
    close: async () => {
      await Promise.all([graphServer.close(), githubServer.close()])
    },
  }
}

/** The action's default `refresh-before-days`. */
const REFRESH_BEFORE_DAYS = 30

/** Counts the scenario's tokens that expire within the action's refresh window. */
export function countDue(sandbox: BenchSandbox): number {
  const windowEnd = Date.now() / 1000 + REFRESH_BEFORE_DAYS * 86_400
  return sandbox.scenario.clients.filter((client) => {
    const expiresAt = sandbox.meta.inspect(client.token)?.expiresAt ?? 0
    return expiresAt > 0 && expiresAt < windowEnd
  }).length
}

export function countGraph(arrivals: Arrival[]): GraphCounts {
  const version = /^\/v\d+\.\d+\/?/
  return {
    requests: arrivals.length,
    batches: arrivals.filter(
      (a) => a.method === 'POST' && a.path.replace(version, '') === '',
    ).length,
    singleDebugTokens: arrivals.filter((a) => a.path.endsWith('/debug_token'))
      .length,
    exchanges: arrivals.filter((a) => a.path.endsWith('/oauth/access_token'))
      .length,
  }
}

export function countGitHub(
  arrivals: Arrival[],
  github: GitHubSimulator,
): GitHubCounts {
  const writes = arrivals
    .filter((a) => a.method !== 'GET' && a.method !== 'HEAD')
    .map((a) => a.at)
  return {
    requests: arrivals.length,
    secretRequests: arrivals.filter((a) => a.path.includes('/secrets')).length,
    issueRequests: arrivals.filter(
      (a) => a.path.includes('/issues') || a.path.includes('/labels'),
    ).length,
    secretWrites: github.counters.secretWrites,
    secondaryLimitHits: github.counters.secondaryLimitHits,
    minWriteGapMs: smallestGap(writes),
  }
}

/** Returns the smallest difference between consecutive times, or null for fewer than two. */
export function smallestGap(times: number[]): number | null {
  const gaps = times.slice(1).map((at, index) => at - (times[index] as number))
  return gaps.length > 0 ? Math.min(...gaps) : null
}

/** Returns the time from the first batch's arrival to the last batch's response, in ms. */
export function inspectionSpan(arrivals: Arrival[]): number | null {
  const batches = arrivals.filter((a) => a.method === 'POST')
  if (batches.length === 0) return null
  const first = Math.min(...batches.map((a) => a.at))
  const last = Math.max(...batches.map((a) => a.doneAt))
  return last - first
}
