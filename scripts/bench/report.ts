/**
 * The benchmark's output: the results table in Markdown and the targets,
 * each PASS, FAIL or NOT RUN with the numbers behind it.
 */
import { WRITE_GAP_MS } from './sandbox.ts'
import type { DayResult, NaiveTiming } from './measure.ts'

/** Meta's maximum number of requests in one batch. */
const BATCH_SIZE = 50

/** The targets each run is checked against. */
const TARGETS = {
  steadyRatioAt: 1000,
  steadyRatio: 30,
  refreshWithinFloor: 1.2,
  rssAt: 5000,
  rssBytes: 150 * 1024 * 1024,
  coldStartMs: 200,
}

export interface SizeResult {
  size: number
  steady: DayResult
  refresh: DayResult
  naive: NaiveTiming | null
  /** True for the size added because a requested one did not fit in the input. */
}

export interface TargetCheck {
  name: string
  status: 'PASS' | 'FAIL' | 'NOT RUN'
  detail: string
}

/** Returns the naive loop's steady-day time divided by the action's. */
function steadyRatio(result: SizeResult): number | null {
  if (!result.naive || result.steady.wallMs === null) return null
  return result.naive.estimatedMs / result.steady.wallMs
}

/** Returns the refresh day's floor: one second per secret write plus the steady day's wall time at the same size. */
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
  '| N | day | exit | wall | inspection | compared with | ratio | Graph requests (batches) | GitHub requests (secrets + issue) | writes / refreshed | secondary-limit hits | min write gap (sent / arrived) | peak RSS | cold start |',
  '|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
]

function tableRow(
  result: SizeResult,
  day: DayResult,
  comparison: { label: string; ratio: number | null; digits: number },
): string {
  const label = `${day.size}${day.tokensVia === 'tokens-file' ? ' (file)' : ''}`
  const cells = day.notRun
    ? [label, day.day, '', `not run: ${day.notRun}`, ...Array(10).fill('')]
    : [
        label,
        day.day,
        String(day.exitCode),
        wallCell(day),
        seconds(day.inspectionMs),
        comparison.label,
        times(comparison.ratio, comparison.digits),
        `${day.graph.requests} (${day.graph.batches})`,
        `${day.github.requests} (${day.github.secretRequests} + ${day.github.issueRequests})`,
        `${day.github.secretWrites} / ${day.refreshed ?? '–'}`,
        String(day.github.secondaryLimitHits),
        writeGapCell(day),
        mebibytes(day.peakRssBytes),
        milliseconds(day.coldStartMs),
      ]
  return `| ${cells.join(' | ')} |`
}

function writeGapCell(day: DayResult): string {
  if (day.minSendGapMs === null && day.github.minWriteGapMs === null) return '–'
  const sent = day.minSendGapMs === null ? '–' : Math.round(day.minSendGapMs)
  return `${sent} / ${milliseconds(day.github.minWriteGapMs)}`
}

function wallCell(day: DayResult): string {
  const runs = day.wallRunsMs ?? []
  if (runs.length < 2) return seconds(day.wallMs)
  const range = `${(Math.min(...runs) / 1000).toFixed(2)}–${seconds(Math.max(...runs))}`
  return `${seconds(day.wallMs)} (${range})`
}

function naiveLabel(naive: NaiveTiming | null): string {
  if (!naive) return 'naive loop: not run'
  const method =
    naive.sampled === naive.size
      ? 'measured'
      : `${naive.sampled} tokens timed, scaled to ${naive.size}`
  const failed = naive.failed > 0 ? `, ${naive.failed} failed` : ''
  return `naive loop ${seconds(naive.estimatedMs)} (${method}${failed})`
}

export function renderTable(results: SizeResult[]): string {
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

/** Returns NOT RUN when nothing was measured, else PASS when no measurement failed. */
function statusOf(measured: number, failed: number): TargetCheck['status'] {
  if (measured === 0) return 'NOT RUN'
  return failed === 0 ? 'PASS' : 'FAIL'
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
    status: statusOf(days.length, over.length),
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
    status: statusOf(rows.length, failing.length),
    detail: rows
      .map(
        (r) =>
          `N=${r.size}: ${times(ratioOf(r.refresh.wallMs, refreshFloorMs(r)), 2)}, ${r.refresh.github.secondaryLimitHits} hits, min write gap ${writeGapCell(r.refresh)}`,
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
  const slow = days.filter(
    (day) => (day.coldStartMs as number) >= TARGETS.coldStartMs,
  )
  return {
    name: `cold start (spawn to first HTTP request) < ${TARGETS.coldStartMs} ms`,
    status: statusOf(days.length, slow.length),
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
    status: statusOf(days.length, wrong.length),
    detail: days
      .map(
        (day) =>
          `N=${day.size}: ${day.github.secretWrites} writes, ${day.refreshed} refreshed, ${day.due} due`,
      )
      .join('; '),
  }
}

export function checkTargets(results: SizeResult[]): TargetCheck[] {
  return [
    checkInspectionRequests(results),
    checkSteadyRatio(results),
    checkRefresh(results),
    checkRss(results),
    checkColdStart(results),
    checkWrites(results),
  ]
}
