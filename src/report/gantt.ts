/**
 * A Mermaid gantt chart of the token expiry dates, which GitHub renders in
 * issues and job summaries. One marker or bar per client, sections by status,
 * and a section that counts same-day expiries so that a cluster is visible.
 */
import type { ClientReport, Status } from '../types.ts'
import {
  compareExpiry,
  formatDate,
  STATUS_ORDER,
  statusLabel,
} from './format.ts'

export interface GanttOptions {
  /**
   * Largest number of tasks in the chart. Above it, clients are grouped by
   * expiry day, then by month, into tasks such as "12 clients". Default 60.
   */
  maxTasks?: number
}

interface Plotted {
  report: ClientReport
  /** Expiry date, `YYYY-MM-DD` in UTC. */
  day: string
}

interface Task {
  name: string
  status: Status
  day: string
}

/** Statuses whose markers Mermaid draws in red (`crit`). */
const URGENT: ReadonlySet<Status> = new Set([
  'expired',
  'invalid',
  'error',
  'expiring',
])

/** Words the gantt lexer reads as a statement at the start of a line (case-insensitive). */
const KEYWORDS =
  /^(title|section|dateformat|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|inclusiveenddates|topaxis|acctitle|accdescr|click|call|href)\b/i

const DEFAULT_MAX_TASKS = 60

/**
 * Renders a ```mermaid gantt block of every token that expires, or null
 * when none does. With `now`, a future expiry is a bar from `now` to the
 * expiry and a past expiry is a marker. With `now` null, every expiry is a
 * marker, so the block depends only on the reports. Mermaid draws its own
 * line for today when the chart is viewed.
 */
export function renderGantt(
  reports: ClientReport[],
  now: Date | null,
  options: GanttOptions = {},
): string | null {
  const plotted = reports
    .filter((report) => report.expiresAt !== null)
    .map((report) => ({ report, day: formatDate(report.expiresAt as string) }))
    .filter((item) => item.day !== 'unknown date')
    .sort((a, b) => compareExpiry(a.report, b.report))
  if (plotted.length === 0) return null

  const maxTasks = Math.max(1, options.maxTasks ?? DEFAULT_MAX_TASKS)
  const tasks = chooseTasks(plotted, maxTasks)
  const today = now ? formatDate(now) : null

  const lines = [
    'gantt',
    '    title Token expiry dates (UTC)',
    '    dateFormat YYYY-MM-DD',
    '    axisFormat %Y-%m-%d',
  ]
  let id = 0
  for (const status of STATUS_ORDER) {
    const inSection = tasks.filter((task) => task.status === status)
    if (inSection.length === 0) continue
    lines.push(`    section ${statusLabel(status)}`)
    for (const task of inSection) {
      lines.push(`    ${taskLine(task, `t${++id}`, today)}`)
    }
  }

  if (tasks.length === plotted.length) lines.push(...clusterLines(plotted))
  return ['```mermaid', ...lines, '```'].join('\n')
}

/** Builds one task per client when they fit in `maxTasks`, else one per status and day, else one per status and month. */
function chooseTasks(plotted: Plotted[], maxTasks: number): Task[] {
  if (plotted.length <= maxTasks) {
    return plotted.map(({ report, day }) => ({
      name: sanitizeTaskName(report.client),
      status: report.status,
      day,
    }))
  }
  const byDay = groupTasks(plotted, (day) => day)
  if (byDay.length <= maxTasks) return byDay
  return groupTasks(plotted, (day) => day.slice(0, 7))
}

/** Groups clients by status and a key of their expiry day; each task sits at the group's earliest expiry. */
function groupTasks(
  plotted: Plotted[],
  keyOf: (day: string) => string,
): Task[] {
  const groups = new Map<
    string,
    { status: Status; day: string; count: number }
  >()
  for (const { report, day } of plotted) {
    const key = `${report.status} ${keyOf(day)}`
    const group = groups.get(key)
    if (group) group.count++
    else groups.set(key, { status: report.status, day, count: 1 })
  }
  return [...groups.values()].map(({ status, day, count }) => ({
    name: count === 1 ? '1 client' : `${count} clients`,
    status,
    day,
  }))
}

function taskLine(task: Task, id: string, today: string | null): string {
  const tags = URGENT.has(task.status) ? 'crit, ' : ''
  if (today !== null && task.day > today) {
    return `${task.name} :${tags}${id}, ${today}, ${task.day}`
  }
  return `${task.name} :${tags}milestone, ${id}, ${task.day}, 0d`
}

/** Builds a marker for each day on which two or more tokens expire. */
function clusterLines(plotted: Plotted[]): string[] {
  const counts = new Map<string, number>()
  for (const { day } of plotted) counts.set(day, (counts.get(day) ?? 0) + 1)

  const clusters = [...counts].filter(([, count]) => count >= 2)
  if (clusters.length === 0) return []
  return [
    '    section Same-day expiries',
    ...clusters.map(
      ([day, count], index) =>
        `    ${count} tokens expire on ${day} :crit, milestone, s${index + 1}, ${day}, 0d`,
    ),
  ]
}

/**
 * Makes a client name safe as a gantt task name. It removes `:`, which ends
 * the name, `#` and `;`, which the lexer reads as comment and separator,
 * `%%` comments, backticks that could close the Markdown fence, angle
 * brackets and line breaks. A leading keyword such as `section` gets a prefix.
 */
export function sanitizeTaskName(name: string): string {
  const cleaned = name
    .replace(/[:#;`<>\r\n\t]/g, ' ')
    .replace(/%+/g, '%')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 60)
    .trim()
  if (cleaned === '') return 'Client'
  return KEYWORDS.test(cleaned) ? `Client ${cleaned}` : cleaned
}
