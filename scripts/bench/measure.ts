/**
 * One measured day: a fresh sandbox, one run of dist/index.js as a runner
 * starts it, and optionally the naive loop on the same sandbox afterwards.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createWorkspace,
  currentTokensInput,
  runOnAgency,
} from '../../test/harness/agency-run.ts'
import { ROOT } from '../../test/harness/run-action.ts'
import { probeEnv, readProbe } from '../../test/harness/rss-probe.ts'
import {
  LATENCY_GRAPH_MS,
  WRITE_GAP_MS,
  countDue,
  countGitHub,
  countGraph,
  inspectionSpan,
  smallestGap,
  startBenchSandbox,
  type BenchSandbox,
  type GitHubCounts,
  type GraphCounts,
} from './sandbox.ts'

export const REFRESH_DUE_FRACTION = 0.05
/** Name of the environment variable that carries the `tokens` input. */
const TOKENS_VARIABLE = 'INPUT_TOKENS'

export type Day = 'steady' | 'refresh'

/** Measurements of one action run on one day; a field is null when the action did not run. */
export interface DayResult {
  size: number
  day: Day
  /** Null when the action ran; else why it did not. */
  notRun: string | null
  /** The input that carried the tokens: `tokens-file` when they exceed one environment variable. */
  tokensVia: 'tokens' | 'tokens-file'
  /** Size of the `tokens` input in bytes. */
  inputBytes: number
  exitCode: number | null
  /** Spawn to exit, in ms. */
  wallMs: number | null
  /** Spawn to the first request that reached either simulator, in ms. */
  coldStartMs: number | null
  /** First batch request to the last batch response, in ms. */
  inspectionMs: number | null
  graph: GraphCounts
  github: GitHubCounts
  /** Tokens the scenario made due for refresh. */
  due: number
  /** The action's `refreshed` output. */
  refreshed: number | null
  /** Peak resident set size of the action's process. */
  peakRssBytes: number | null
  /** Smallest gap between two mutating GitHub requests as the action sent them, in ms. */
  minSendGapMs: number | null
  /** When the input did not fit: how many of its clients would have. */
  fittingClients?: number
  /** Steady day: the wall time of every repeated run, in ms. */
  wallRunsMs?: number[]
}

export interface NaiveTiming {
  size: number
  /** Tokens actually inspected one by one. */
  sampled: number
  /** Milliseconds of the loop over the sampled tokens. */
  loopMs: number
  /** Time for all `size` tokens: measured when `sampled === size`, else scaled linearly. */
  estimatedMs: number
  /** Requests that failed or returned no `data`. */
  failed: number
}

/** Finds the longest value one environment variable may hold by spawning Node with ever larger ones (Linux caps one string at MAX_ARG_STRLEN). */
export function measureEnvLimit(): number {
  const fits = (length: number): boolean => {
    try {
      const result = spawnSync(process.execPath, ['--version'], {
        env: { [TOKENS_VARIABLE]: 'x'.repeat(length) },
        stdio: 'ignore',
      })
      return !result.error && result.status === 0
    } catch {
      return false
    }
  }
  let low = 1024
  let high = 16 * 1024 * 1024
  if (!fits(low))
    throw new Error('Even a 1 KiB environment variable does not fit.')
  if (fits(high)) return high
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (fits(middle)) low = middle
    else high = middle
  }
  return low
}

/** Counts the leading `SECRET=token` lines of `input` that fit in `limit` bytes. */
function countFittingLines(input: string, limit: number): number {
  let bytes = -1
  let count = 0
  for (const line of input.split('\n')) {
    bytes += Buffer.byteLength(line) + 1
    if (bytes > limit) break
    count++
  }
  return count
}

/**
 * Starts a fresh sandbox for one day, runs the action on it and, when
 * `naiveSample` is given, times the naive loop on the same sandbox afterwards.
 */
export async function runDay(
  size: number,
  day: Day,
  options: { seed: number; envLimit: number; naiveSample: number | null },
): Promise<{ result: DayResult; naive: NaiveTiming | null }> {
  const dueFraction = day === 'refresh' ? REFRESH_DUE_FRACTION : 0
  const sandbox = await startBenchSandbox(size, dueFraction, options.seed)
  try {
    const input = sandbox.scenario.tokensInput
    const inputBytes = Buffer.byteLength(input)
    const result = emptyResult(sandbox, size, day, inputBytes)
    result.due = countDue(sandbox)
    if (inputBytes > options.envLimit) {
      // A runner could not start the step with this input; an agency this
      // large passes its tokens in a file, as the bench does.
      result.tokensVia = 'tokens-file'
      result.fittingClients = countFittingLines(input, options.envLimit)
    }

    await measureAction(sandbox, result)
    const naive =
      options.naiveSample === null
        ? null
        : await timeNaive(sandbox, options.naiveSample)
    return { result, naive }
  } finally {
    await sandbox.close()
  }
}

function emptyResult(
  sandbox: BenchSandbox,
  size: number,
  day: Day,
  inputBytes: number,
): DayResult {
  return {
    size,
    day,
    notRun: null,
    tokensVia: 'tokens',
    inputBytes,
    exitCode: null,
    wallMs: null,
    coldStartMs: null,
    inspectionMs: null,
    graph: countGraph([]),
    github: countGitHub([], sandbox.github),
    due: 0,
    refreshed: null,
    peakRssBytes: null,
    minSendGapMs: null,
  }
}

/** Runs dist/index.js once on `sandbox` and fills `result` with what it measured. */
async function measureAction(
  sandbox: BenchSandbox,
  result: DayResult,
): Promise<void> {
  const workspace = await createWorkspace(sandbox)
  const probeFile = join(workspace.directory, 'probe.json')
  // Writes are paced one second apart: allow two seconds per due token on top of two minutes.
  const killAfterMs = 120_000 + result.due * 2 * WRITE_GAP_MS
  try {
    const inputs: Record<string, string> = { 'issue-token': sandbox.issueToken }
    if (result.tokensVia === 'tokens-file') {
      const tokensFile = join(workspace.directory, 'tokens.txt')
      await writeFile(tokensFile, currentTokensInput(sandbox), { mode: 0o600 })
      inputs.tokens = ''
      inputs['tokens-file'] = tokensFile
    }
    const run = await runOnAgency(sandbox, workspace, inputs, {
      killAfterMs,
      env: probeEnv(probeFile),
    })
    const arrivals = [...sandbox.graphArrivals, ...sandbox.githubArrivals]
    const firstRequest = Math.min(...arrivals.map((arrival) => arrival.at))

    result.exitCode = run.exitCode
    result.wallMs = run.durationMs
    result.coldStartMs = Number.isFinite(firstRequest)
      ? firstRequest - run.spawnedAt
      : null
    result.inspectionMs = inspectionSpan(sandbox.graphArrivals)
    result.graph = countGraph(sandbox.graphArrivals)
    result.github = countGitHub(sandbox.githubArrivals, sandbox.github)
    result.refreshed = Number(run.outputs.refreshed ?? Number.NaN)
    const probe = await readProbe(probeFile)
    result.peakRssBytes = probe?.peakRssBytes ?? null
    result.minSendGapMs = smallestGap(
      (probe?.mutatingRequests ?? [])
        .filter((request) => request.origin === sandbox.githubUrl)
        .map((request) => request.at),
    )
    if (run.outputs.checked !== String(result.size)) {
      console.error(
        `N=${result.size} ${result.day}: the action checked ${run.outputs.checked ?? 'no'} tokens (exit ${run.exitCode}). Last output:\n${run.stdout.slice(-2000)}`,
      )
    }
  } finally {
    await rm(workspace.directory, { recursive: true, force: true })
  }
}

/** Times the naive loop over the first `sampleSize` tokens of `sandbox`, and scales it to all of them. */
async function timeNaive(
  sandbox: BenchSandbox,
  sampleSize: number,
): Promise<NaiveTiming> {
  const size = sandbox.scenario.clients.length
  const directory = await mkdtemp(join(tmpdir(), 'mtk-naive-'))
  try {
    const tokensFile = join(directory, 'tokens')
    const tokens = sandbox.scenario.clients.map((client) => client.token)
    await writeFile(tokensFile, tokens.join('\n'), { mode: 0o600 })
    const sampled = Math.min(size, sampleSize)
    const output = await runNaiveChild(sandbox, tokensFile, sampled)
    const timing = JSON.parse(output) as { elapsedMs: number; failed: number }
    return {
      size,
      sampled,
      loopMs: timing.elapsedMs,
      estimatedMs: (timing.elapsedMs * size) / sampled,
      failed: timing.failed,
    }
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}

function runNaiveChild(
  sandbox: BenchSandbox,
  tokensFile: string,
  limit: number,
): Promise<string> {
  const args = [
    join(ROOT, 'scripts/naive-inspect.ts'),
    '--graph-url',
    sandbox.graphUrl,
    '--app-id',
    sandbox.appId,
    '--tokens-file',
    tokensFile,
    '--limit',
    String(limit),
  ]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', META_APP_SECRET: sandbox.appSecret },
      stdio: ['ignore', 'pipe', 'inherit'],
      // 40 ms per request: allow ten times that per token, plus a minute.
      timeout: 60_000 + limit * LATENCY_GRAPH_MS * 10,
      killSignal: 'SIGKILL',
    })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout.trim())
        : reject(new Error(`The naive loop exited with ${code}.`)),
    )
  })
}
