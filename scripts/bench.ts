/**
 * The benchmark: runs the bundled action (dist/index.js) as a child process
 * against the Meta and GitHub simulators over HTTP on 127.0.0.1. The
 * simulators add 40 ms to every Graph request and 10 ms to every GitHub
 * request. Each agency size runs on two kinds of day. A steady day has nothing due for refresh
 * and is timed beside a naive loop of one awaited `debug_token` per token
 * (scripts/naive-inspect.ts). A refresh day has about 5 % of the tokens due
 * and is timed beside its floor: one second per secret write, the gap that
 * GitHub's REST best practices request, plus the steady day's time.
 *
 * Usage: node scripts/bench.ts [options]
 *   --sizes 16,100,1000,5000  agency sizes (the default; --quick drops 5000)
 *   --repeat 3                steady-day runs per size, the median reported
 *   --naive-sample 500        tokens the naive loop times for N ≥ 1000 (100
 *                             with --quick), scaled linearly to N
 *   --naive-full              time the naive loop on every token
 *   --seed 1                  seed of the simulated agency
 *   --json FILE               also write every measurement as JSON
 * A size whose `tokens` input does not fit in one environment variable (Linux
 * caps one at 128 KiB) passes its tokens through the `tokens-file` input.
 * Exits 1 unless every target passes.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { BUNDLE, ROOT } from '../test/harness/run-action.ts'
import {
  REFRESH_DUE_FRACTION,
  measureEnvLimit,
  runDay,
  type DayResult,
  type NaiveTiming,
} from './bench/measure.ts'
import { checkTargets, renderTable, type SizeResult } from './bench/report.ts'
import { LATENCY_GITHUB_MS, LATENCY_GRAPH_MS } from './bench/sandbox.ts'

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

interface Machine {
  date: string
  cpus: number
  cpuModel: string
  memory: string
  node: string
  commit: string
  /** True when src/ differs from the commit, so the bundle may hold uncommitted code. */
  sourceChanged: boolean
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
  const diff = spawnSync('git', ['diff', '--quiet', 'HEAD', '--', 'src'], {
    cwd: ROOT,
  })
  const bundle = await readFile(BUNDLE)
  return {
    date: new Date().toISOString(),
    cpus: availableParallelism(),
    cpuModel: model ?? 'unknown',
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    commit: git.stdout?.trim() || 'unknown',
    sourceChanged: diff.status !== 0,
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
  }
}

function describeSetup(machine: Machine): string {
  const changed = machine.sourceChanged ? ' (src/ has uncommitted changes)' : ''
  return [
    `Meta Token Keeper benchmark, ${machine.date}`,
    `${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memory}, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}`,
    `Commit ${machine.commit}${changed}, dist/index.js sha256 ${machine.bundleSha256}`,
    `Latency ${LATENCY_GRAPH_MS} ms per Graph request, ${LATENCY_GITHUB_MS} ms per GitHub request; refresh day ${REFRESH_DUE_FRACTION * 100} % due.`,
  ].join('\n')
}

async function main(): Promise<void> {
  const options = readOptions()
  const machine = await describeMachine()
  console.log(describeSetup(machine))
  const envLimit = measureEnvLimit()
  console.log(
    `Longest value one environment variable may hold here: ${envLimit} bytes.\n`,
  )

  const results: SizeResult[] = []
  for (const size of options.sizes) {
    const result = await runSize(size, options, envLimit)
    results.push(result)
    if (result.steady.tokensVia === 'tokens-file') {
      console.log(
        `N=${size}: the tokens (${result.steady.inputBytes} bytes) exceed one environment variable, where ${result.steady.fittingClients} clients fit; they went through \`tokens-file\`.`,
      )
    }
    console.log(renderTable(results.slice(-1)).split('\n').slice(2).join('\n'))
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
