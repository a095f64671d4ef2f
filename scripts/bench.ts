/**
 * The benchmark: runs the bundled action (dist/index.js) as a child process
 * against the Meta and GitHub simulators over HTTP on 127.0.0.1, with 40 ms
 * added to every Graph request and 10 ms to every GitHub request, for several
 * agency sizes on two kinds of day. A steady day has nothing due for refresh
 * and is timed beside a naive loop of one awaited `debug_token` per token
 * (scripts/naive-inspect.ts). A refresh day has about 5 % of the tokens due
 * and is timed beside its floor: one second per secret write, as GitHub asks,
 * plus the steady day's time.
 *
 * Usage: node scripts/bench.ts [--sizes 16,100,1000,5000] [--quick]
 *   [--naive-sample K] [--naive-full] [--seed S] [--json FILE]
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  GitHubSimulator,
  MetaSimulator,
  agencyCredentials,
  buildLargeAgency,
  startHttpServer,
  type Sandbox,
  type SimRequest,
  type SimResponse,
} from '../test/sim/index.ts'
import { createWorkspace, runOnAgency } from '../test/harness/agency-run.ts'
import { BUNDLE, ROOT } from '../test/harness/run-action.ts'
import { readPeakRss, rssProbeEnv } from '../test/harness/rss-probe.ts'

const LATENCY_GRAPH_MS = 40
const LATENCY_GITHUB_MS = 10
const REFRESH_DUE_FRACTION = 0.05
/** GitHub's REST best practices ask for at least one second between mutating requests. */
const WRITE_GAP_MS = 1000
const BATCH_SIZE = 50
/** Name of the environment variable that carries the `tokens` input. */
const TOKENS_VARIABLE = 'INPUT_TOKENS'
const REPOSITORY = 'northwind-agency/meta-tokens'

const TARGETS = {
  steadyRatioAt: 1000,
  steadyRatio: 30,
  refreshWithinFloor: 1.2,
  rssAt: 5000,
  rssBytes: 150 * 1024 * 1024,
  coldStartMs: 200,
}

type Day = 'steady' | 'refresh'

/** One request as it reached a simulator, in the benchmark's clock (performance.now). */
interface Arrival {
  at: number
  doneAt: number
  method: string
  path: string
}

interface BenchSandbox extends Sandbox {
  graphArrivals: Arrival[]
  githubArrivals: Arrival[]
}

interface DayResult {
  size: number
  day: Day
  /** Null when the action ran; else why it did not. */
  notRun: string | null
  inputBytes: number
  exitCode: number | null
  wallMs: number | null
  coldStartMs: number | null
  /** First batch request to the last batch response, in ms. */
  inspectionMs: number | null
  graph: GraphCounts
  github: GitHubCounts
  /** Tokens the scenario made due for refresh. */
  due: number
  /** The action's `refreshed` output. */
  refreshed: number | null
  peakRssBytes: number | null
  /** When the input did not fit: how many of its clients would have. */
  fittingClients?: number
  /** Steady day: the wall time of every repeated run, in ms. */
  wallRunsMs?: number[]
}

interface GraphCounts {
  requests: number
  batches: number
  singleDebugTokens: number
  exchanges: number
}

interface GitHubCounts {
  requests: number
  secretRequests: number
  issueRequests: number
  secretWrites: number
  secondaryLimitHits: number
  /** Smallest gap between two mutating requests' arrivals, in ms. */
  minWriteGapMs: number | null
}

interface NaiveTiming {
  size: number
  /** Tokens actually inspected one by one. */
  sampled: number
  loopMs: number
  /** Time for all `size` tokens: measured when `sampled === size`, else scaled linearly. */
  estimatedMs: number
  failed: number
}

interface Options {
  sizes: number[]
  /** Steady-day runs per size; the median one is reported. */
  repeat: number
  naiveSample: number
  naiveFull: boolean
  seed: number
  json: string | null
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'naive-sample': { type: 'string' },
      'naive-full': { type: 'boolean', default: false },
      repeat: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      json: { type: 'string' },
    },
  })
  const defaultSizes = values.quick ? '16,100,1000' : '16,100,1000,5000'
  const sizes = (values.sizes ?? defaultSizes)
    .split(',')
    .map((text) => Number(text.trim()))
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new Error(
      `--sizes must be a comma-separated list of positive integers, got "${values.sizes}".`,
    )
  }
  const repeat = Number(values.repeat)
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) {
    throw new Error(
      `--repeat must be an integer from 1 to 20, got "${values.repeat}".`,
    )
  }
  return {
    sizes,
    repeat,
    naiveSample: Number(values['naive-sample'] ?? (values.quick ? 100 : 500)),
    naiveFull: values['naive-full'],
    seed: Number(values.seed),
    json: values.json ?? null,
  }
}

/** Wraps `simulator.handle` to record when each request arrived and was answered. */
function recordArrivals(simulator: {
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
    counters: () => {
      throw new Error('The benchmark reads the simulators directly.')
    },
    close: async () => {
      await Promise.all([graphServer.close(), githubServer.close()])
    },
  }
}

/** Finds the longest value one environment variable may hold by spawning Node with ever larger ones (Linux caps one string at MAX_ARG_STRLEN). */
function measureEnvLimit(): number {
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
  let high = 64 * 1024 * 1024
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

function countGraph(arrivals: Arrival[]): GraphCounts {
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

function countGitHub(
  arrivals: Arrival[],
  github: GitHubSimulator,
): GitHubCounts {
  const writes = arrivals
    .filter((a) => a.method !== 'GET' && a.method !== 'HEAD')
    .map((a) => a.at)
  const gaps = writes
    .slice(1)
    .map((at, index) => at - (writes[index] as number))
  return {
    requests: arrivals.length,
    secretRequests: arrivals.filter((a) => a.path.includes('/secrets')).length,
    issueRequests: arrivals.filter(
      (a) => a.path.includes('/issues') || a.path.includes('/labels'),
    ).length,
    secretWrites: github.counters.secretWrites,
    secondaryLimitHits: github.counters.secondaryLimitHits,
    minWriteGapMs: gaps.length > 0 ? Math.min(...gaps) : null,
  }
}

/** First batch arrival to last batch answer: the inspection phase as the simulator sees it. */
function inspectionSpan(arrivals: Arrival[]): number | null {
  const batches = arrivals.filter((a) => a.method === 'POST')
  if (batches.length === 0) return null
  const first = Math.min(...batches.map((a) => a.at))
  const last = Math.max(...batches.map((a) => a.doneAt))
  return last - first
}

/**
 * Starts a fresh sandbox for one day, runs the action on it and, when
 * `naiveSample` is given, times the naive loop on the same sandbox afterwards.
 */
async function runDay(
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
    result.due = Math.round(size * dueFraction)
    if (inputBytes > options.envLimit) {
      result.notRun = `the tokens input is ${inputBytes} bytes, over the ${options.envLimit} bytes one environment variable may hold`
      result.fittingClients = countFittingLines(input, options.envLimit)
      return { result, naive: null }
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
  }
}

/** Runs dist/index.js once on `sandbox` and fills `result` with what it measured. */
async function measureAction(
  sandbox: BenchSandbox,
  result: DayResult,
): Promise<void> {
  const workspace = await createWorkspace(sandbox)
  const rssFile = join(workspace.directory, 'peak-rss')
  // Writes are paced one second apart: allow two seconds per due token on top of two minutes.
  const killAfterMs = 120_000 + result.due * 2 * WRITE_GAP_MS
  try {
    const run = await runOnAgency(
      sandbox,
      workspace,
      { 'issue-token': sandbox.issueToken },
      { killAfterMs, env: rssProbeEnv(rssFile) },
    )
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
    result.peakRssBytes = await readPeakRss(rssFile)
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
  sandbox: Sandbox,
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

interface SizeResult {
  size: number
  steady: DayResult
  refresh: DayResult
  naive: NaiveTiming | null
  /** True for the size added because a requested one did not fit in the input. */
  atInputLimit: boolean
}

interface TargetCheck {
  name: string
  status: 'PASS' | 'FAIL' | 'NOT RUN'
  detail: string
}

/** Steady-day wall time of the naive loop over the action's. */
function steadyRatio(result: SizeResult): number | null {
  if (!result.naive || result.steady.wallMs === null) return null
  return result.naive.estimatedMs / result.steady.wallMs
}

/** One second per secret write, plus the steady day's wall time at the same size. */
function refreshFloorMs(result: SizeResult): number | null {
  if (result.steady.wallMs === null || result.refresh.wallMs === null)
    return null
  return (
    result.refresh.github.secretWrites * WRITE_GAP_MS + result.steady.wallMs
  )
}

function seconds(ms: number | null): string {
  return ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`
}

function milliseconds(ms: number | null): string {
  return ms === null ? '–' : `${Math.round(ms)} ms`
}

function mebibytes(bytes: number | null): string {
  return bytes === null ? '–' : `${(bytes / 2 ** 20).toFixed(0)} MiB`
}

function times(ratio: number | null, digits = 1): string {
  return ratio === null ? '–' : `${ratio.toFixed(digits)}×`
}

const TABLE_HEADER = [
  '| N | day | exit | wall | inspection | compared with | ratio | Graph requests (batches) | GitHub requests (secrets + issue) | writes / refreshed | secondary-limit hits | min write gap | peak RSS | cold start |',
  '|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
]

function tableRow(
  result: SizeResult,
  day: DayResult,
  comparison: { label: string; ratio: number | null; digits: number },
): string {
  const label = `${day.size}${result.atInputLimit ? ' (input limit)' : ''}`
  const cells = day.notRun
    ? [label, day.day, '', `not run: ${day.notRun}`, ...Array(10).fill('')]
    : [
        label,
        day.day,
        String(day.exitCode),
        seconds(day.wallMs),
        seconds(day.inspectionMs),
        comparison.label,
        times(comparison.ratio, comparison.digits),
        `${day.graph.requests} (${day.graph.batches})`,
        `${day.github.requests} (${day.github.secretRequests} + ${day.github.issueRequests})`,
        `${day.github.secretWrites} / ${day.refreshed ?? '–'}`,
        String(day.github.secondaryLimitHits),
        milliseconds(day.github.minWriteGapMs),
        mebibytes(day.peakRssBytes),
        milliseconds(day.coldStartMs),
      ]
  return `| ${cells.join(' | ')} |`
}

function naiveLabel(naive: NaiveTiming | null): string {
  if (!naive) return 'naive loop: not run'
  const how =
    naive.sampled === naive.size
      ? 'measured'
      : `${naive.sampled} tokens × ${naive.size / naive.sampled}`
  return `naive loop ${seconds(naive.estimatedMs)} (${how})`
}

function renderTable(results: SizeResult[]): string {
  const rows = results.flatMap((result) => [
    tableRow(result, result.steady, {
      label: naiveLabel(result.naive),
      ratio: steadyRatio(result),
      digits: 1,
    }),
    tableRow(result, result.refresh, {
      label: `floor ${seconds(refreshFloorMs(result))}`,
      ratio: ratioOf(result.refresh.wallMs, refreshFloorMs(result)),
      digits: 2,
    }),
  ])
  return [...TABLE_HEADER, ...rows].join('\n')
}

function ratioOf(value: number | null, base: number | null): number | null {
  return value === null || base === null || base === 0 ? null : value / base
}

function ran(results: SizeResult[]): DayResult[] {
  return results
    .flatMap((result) => [result.steady, result.refresh])
    .filter((day) => !day.notRun)
}

function checkInspectionRequests(results: SizeResult[]): TargetCheck {
  const days = ran(results)
  const over = days.filter(
    (day) =>
      day.graph.batches > Math.ceil(day.size / BATCH_SIZE) ||
      day.graph.singleDebugTokens > day.graph.exchanges,
  )
  return {
    name: `debug_token requests to Meta ≤ ceil(N/${BATCH_SIZE}) batches, plus one check per new token`,
    status: days.length === 0 ? 'NOT RUN' : over.length === 0 ? 'PASS' : 'FAIL',
    detail: days
      .map(
        (day) =>
          `N=${day.size} ${day.day}: ${day.graph.batches} batches (limit ${Math.ceil(day.size / BATCH_SIZE)}), ${day.graph.singleDebugTokens} single`,
      )
      .join('; '),
  }
}

function checkSteadyRatio(results: SizeResult[]): TargetCheck {
  const name = `steady day at N=${TARGETS.steadyRatioAt} ≥ ${TARGETS.steadyRatio}× faster than the naive loop`
  const target = results.find((r) => r.size === TARGETS.steadyRatioAt)
  const ratio = target ? steadyRatio(target) : null
  if (ratio === null) {
    const largest = results.filter((r) => steadyRatio(r) !== null).at(-1)
    const reason = target?.steady.notRun ?? 'size not in --sizes'
    const hint = largest
      ? ` Largest size run: N=${largest.size}, ${times(steadyRatio(largest))}.`
      : ''
    return { name, status: 'NOT RUN', detail: `${reason}.${hint}` }
  }
  return {
    name,
    status: ratio >= TARGETS.steadyRatio ? 'PASS' : 'FAIL',
    detail: `${times(ratio)} (${naiveLabel(target?.naive ?? null)}, action ${seconds(target?.steady.wallMs ?? null)})`,
  }
}

function checkRefresh(results: SizeResult[]): TargetCheck {
  const rows = results.filter((r) => refreshFloorMs(r) !== null)
  const failing = rows.filter((r) => {
    const ratio = ratioOf(r.refresh.wallMs, refreshFloorMs(r)) as number
    return (
      ratio > TARGETS.refreshWithinFloor ||
      r.refresh.github.secondaryLimitHits > 0
    )
  })
  return {
    name: `refresh day within ${TARGETS.refreshWithinFloor}× the floor, with no secondary-limit response`,
    status:
      rows.length === 0 ? 'NOT RUN' : failing.length === 0 ? 'PASS' : 'FAIL',
    detail: rows
      .map(
        (r) =>
          `N=${r.size}: ${times(ratioOf(r.refresh.wallMs, refreshFloorMs(r)), 2)}, ${r.refresh.github.secondaryLimitHits} hits, min write gap ${milliseconds(r.refresh.github.minWriteGapMs)}`,
      )
      .join('; '),
  }
}

function checkRss(results: SizeResult[]): TargetCheck {
  const name = `peak RSS at N=${TARGETS.rssAt} < ${mebibytes(TARGETS.rssBytes)}`
  const target = results.find((r) => r.size === TARGETS.rssAt)
  const peaks = [target?.steady, target?.refresh]
    .map((day) => day?.peakRssBytes ?? null)
    .filter((bytes): bytes is number => bytes !== null)
  const measured = ran(results).filter((day) => day.peakRssBytes !== null)
  const largest = measured.at(-1)
  const hint = largest
    ? ` Largest size run: N=${largest.size}, ${mebibytes(Math.max(...measured.filter((d) => d.size === largest.size).map((d) => d.peakRssBytes as number)))}.`
    : ''
  if (peaks.length === 0) {
    const reason = target?.steady.notRun ?? 'size not in --sizes'
    return { name, status: 'NOT RUN', detail: `${reason}.${hint}` }
  }
  const peak = Math.max(...peaks)
  return {
    name,
    status: peak < TARGETS.rssBytes ? 'PASS' : 'FAIL',
    detail: mebibytes(peak),
  }
}

function checkColdStart(results: SizeResult[]): TargetCheck {
  const days = ran(results).filter((day) => day.coldStartMs !== null)
  const slowest = Math.max(...days.map((day) => day.coldStartMs as number))
  return {
    name: `cold start (spawn to first HTTP request) < ${TARGETS.coldStartMs} ms`,
    status:
      days.length === 0
        ? 'NOT RUN'
        : slowest < TARGETS.coldStartMs
          ? 'PASS'
          : 'FAIL',
    detail: days
      .map(
        (day) => `N=${day.size} ${day.day}: ${milliseconds(day.coldStartMs)}`,
      )
      .join('; '),
  }
}

function checkWrites(results: SizeResult[]): TargetCheck {
  const days = results.map((r) => r.refresh).filter((day) => !day.notRun)
  const wrong = days.filter(
    (day) =>
      day.github.secretWrites !== day.refreshed ||
      day.github.secretWrites !== day.due,
  )
  return {
    name: 'GitHub secret writes == tokens refreshed (== tokens due)',
    status:
      days.length === 0 ? 'NOT RUN' : wrong.length === 0 ? 'PASS' : 'FAIL',
    detail: days
      .map(
        (day) =>
          `N=${day.size}: ${day.github.secretWrites} writes, ${day.refreshed} refreshed, ${day.due} due`,
      )
      .join('; '),
  }
}

function checkTargets(results: SizeResult[]): TargetCheck[] {
  return [
    checkInspectionRequests(results),
    checkSteadyRatio(results),
    checkRefresh(results),
    checkRss(results),
    checkColdStart(results),
    checkWrites(results),
  ]
}

interface Machine {
  date: string
  cpus: number
  cpuModel: string
  memory: string
  node: string
  commit: string
  bundleSha256: string
  /** One-minute load average when the run started; other processes on the machine skew timings. */
  loadAverage: number
}

async function describeMachine(): Promise<Machine> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '')
  const model =
    /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  const bundle = await readFile(BUNDLE)
  return {
    date: new Date().toISOString(),
    cpus: availableParallelism(),
    cpuModel: model ?? 'unknown',
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    commit: git.stdout?.trim() || 'unknown',
    bundleSha256: createHash('sha256')
      .update(bundle)
      .digest('hex')
      .slice(0, 12),
    loadAverage: loadavg()[0] ?? 0,
  }
}

/**
 * Runs the steady day `repeat` times on fresh sandboxes and keeps the run
 * with the median wall time, because other processes on the machine make
 * single runs noisy. The naive loop runs once, after the last one.
 */
async function runSteady(
  size: number,
  options: Options,
  envLimit: number,
): Promise<{ result: DayResult; naive: NaiveTiming | null }> {
  const naiveSample =
    size >= 1000 && !options.naiveFull ? options.naiveSample : size
  const runs: DayResult[] = []
  let naive: NaiveTiming | null = null
  for (let attempt = 1; attempt <= options.repeat; attempt++) {
    const last = attempt === options.repeat
    const day = await runDay(size, 'steady', {
      seed: options.seed,
      envLimit,
      naiveSample: last ? naiveSample : null,
    })
    runs.push(day.result)
    naive = day.naive ?? naive
    if (day.result.notRun) break
  }

  const sorted = [...runs].sort((a, b) => (a.wallMs ?? 0) - (b.wallMs ?? 0))
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as DayResult
  median.wallRunsMs = runs
    .map((run) => run.wallMs)
    .filter((ms): ms is number => ms !== null)
  return { result: median, naive }
}

async function runSize(
  size: number,
  options: Options,
  envLimit: number,
  atInputLimit: boolean,
): Promise<SizeResult> {
  const steady = await runSteady(size, options, envLimit)
  const refresh = await runDay(size, 'refresh', {
    seed: options.seed,
    envLimit,
    naiveSample: null,
  })
  return {
    size,
    steady: steady.result,
    refresh: refresh.result,
    naive: steady.naive,
    atInputLimit,
  }
}

async function main(): Promise<void> {
  const options = readOptions()
  const machine = await describeMachine()
  console.log(
    `Meta Token Keeper benchmark, ${machine.date}\n${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memory}, Node ${machine.node}, commit ${machine.commit}, dist/index.js sha256 ${machine.bundleSha256}, load average ${machine.loadAverage.toFixed(2)}\nLatency: ${LATENCY_GRAPH_MS} ms per Graph request, ${LATENCY_GITHUB_MS} ms per GitHub request; refresh day: ${REFRESH_DUE_FRACTION * 100} % due.`,
  )
  const envLimit = measureEnvLimit()
  console.log(
    `Longest value one environment variable may hold here: ${envLimit} bytes.\n`,
  )

  const results: SizeResult[] = []
  for (const size of options.sizes) {
    results.push(await runSize(size, options, envLimit, false))
    console.log(renderTable(results.slice(-1)).split('\n').slice(2).join('\n'))
  }
  const fitting = results
    .map((r) => r.steady.fittingClients)
    .filter((count): count is number => count !== undefined)
  const limitSize = fitting.length > 0 ? Math.min(...fitting) : null
  if (limitSize !== null && !options.sizes.includes(limitSize)) {
    console.log(
      `Adding N=${limitSize}, the most clients whose tokens input fits.`,
    )
    results.push(await runSize(limitSize, options, envLimit, true))
  }
  results.sort((a, b) => a.size - b.size)

  const checks = checkTargets(results)
  console.log(`\n${renderTable(results)}\n`)
  for (const check of checks) {
    console.log(`${check.status.padEnd(7)} ${check.name}: ${check.detail}`)
  }
  console.log(`Load average at the end: ${(loadavg()[0] ?? 0).toFixed(2)}.`)
  if (options.json) {
    await writeFile(
      options.json,
      JSON.stringify({ machine, envLimit, results, checks }, null, 2),
    )
  }
  if (checks.some((check) => check.status !== 'PASS')) process.exitCode = 1
}

if (import.meta.main) await main()
