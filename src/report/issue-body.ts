/**
 * The tracking issue: a title that counts what matters and a body that a
 * person reads in one minute. The body depends on the reports and the
 * options. The one exception is the days left in "Expiring soon", stamped
 * with the day they were counted on and left out when bodies are compared,
 * so the issue changes when a state changes, not every day.
 */
import type { ClientReport } from '../types.ts'
import {
  ISSUE_MARKER,
  RUN_LINK_MARKER,
  type IssueContent,
} from '../github/tracking-issue.ts'
import {
  hasKnownExpiry,
  byExpiryThenPriority,
  byPriorityThenExpiry,
  escapeSentence,
  escapeText,
  formatCount,
  formatDate,
  isActNow,
  needsPerson,
  plural,
  statusLabel,
  tokenTypeLabel,
} from './format.ts'
import { renderGantt } from './gantt.ts'

const DAY_MS = 86_400_000

export interface IssueOptions {
  /**
   * Time of the run; it counts only the days left of expiring tokens.
   * Whether a token expires soon comes from its status in the report.
   */
  now: Date
  warnBeforeDays: number
  /** Link to the workflow run; the last line of the body links to it. */
  runUrl: string | null
  /** Secrets named in the clients file but not passed to the action. */
  unmatched: string[]
  /** Largest body in characters. Default 65,000; GitHub rejects bodies over 65,536. */
  maxLength?: number
}

/** Marker before the run link, so a caller can compare two bodies without it. */

const DEFAULT_MAX_LENGTH = 65_000

/** One part of the body. Its items can be cut from the end to fit the size limit. */
interface Section {
  before: string[]
  items: string[]
  after: string[]
  /** Items kept; the rest are counted in one line. */
  shown: number
  /** True for the section cut before any other when the body is too long. */
  foldFirst?: boolean
  omitted: (count: number) => string
}

/** Renders the title and body of the tracking issue. */
export function renderIssue(
  reports: ClientReport[],
  options: IssueOptions,
): IssueContent {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH
  const sections = buildSections(reports.map(asState), options)
  const footer = options.runUrl
    ? [
        '',
        '---',
        `${RUN_LINK_MARKER}Last changed by [this run](${options.runUrl}).`,
      ]
    : []

  fitSections(sections, maxLength - joinedLength(footer) - 1)
  const body = [...sections.flatMap(renderSection), ...footer].join('\n') + '\n'

  return {
    title: renderTitle(reports),
    body,
    needsAction: reports.some(needsPerson),
  }
}

/** Title such as "Meta tokens: 3 to re-authorize, 12 to move to System User". */
export function renderTitle(reports: ClientReport[]): string {
  const count = (test: (report: ClientReport) => boolean) =>
    reports.filter(test).length
  const parts = [
    [
      count((r) => r.status === 'expired' || r.status === 'invalid'),
      'to re-authorize',
    ],
    [count((r) => r.status === 'error'), 'not checked'],
    [count((r) => r.status === 'expiring'), 'expiring soon'],
    [count((r) => r.needsMigration), 'to move to System User'],
  ] as const
  const counted = parts
    .filter(([number]) => number > 0)
    .map(([number, words]) => `${formatCount(number)} ${words}`)
  return `Meta tokens: ${counted.length > 0 ? counted.join(', ') : 'all healthy'}`
}

function buildSections(
  reports: ClientReport[],
  options: IssueOptions,
): Section[] {
  const actNow = reports.filter(isActNow).sort(byPriorityThenExpiry)
  const expiring = reports
    .filter((r) => r.status === 'expiring')
    .sort(byExpiryThenPriority)
  const migrate = reports
    .filter((r) => r.needsMigration)
    .sort(byPriorityThenExpiry)
  const healthy = reports
    .filter((r) => r.status === 'healthy' || r.status === 'refreshed')
    .sort(byPriorityThenExpiry)

  return [
    fixed(headLines(reports)),
    list(
      [`## Act now (${formatCount(actNow.length)})`, ''],
      actNow.map(actNowItem),
      actNow.length,
    ),
    list(
      [
        `## Expiring soon (${formatCount(expiring.length)})`,
        '',
        `This action cannot refresh these tokens, and they expire within ${plural(options.warnBeforeDays, 'day')}.`,
        '',
      ],
      expiring.map((report) => expiringItem(report, options.now)),
      expiring.length,
    ),
    list(
      [`## Move to a System User token (${formatCount(migrate.length)})`, ''],
      migrate.map(migrateItem),
      migrate.length,
      migrate.length > 0 ? ['', ...HOW_TO_MIGRATE] : [],
    ),
    timeline(reports),
    details(healthy),
    list(
      [
        `## In the clients file but not passed (${formatCount(options.unmatched.length)})`,
        '',
      ],
      [...options.unmatched].sort().map(unmatchedItem),
      options.unmatched.length,
    ),
  ]
}

function headLines(reports: ClientReport[]): string[] {
  const waiting = reports.filter(needsPerson).length
  const summary =
    reports.length === 0
      ? 'No client token was checked.'
      : waiting === 0
        ? `All ${plural(reports.length, 'client token')} are healthy and on System User tokens.`
        : `${plural(waiting, 'client needs', 'clients need')} a person, out of ${plural(reports.length, 'client token')}.`
  return [ISSUE_MARKER, summary, '', '- [ ] Re-check now <!-- item:recheck -->']
}

function fixed(lines: string[]): Section {
  return { before: lines, items: [], after: [], shown: 0, omitted: () => '' }
}

/** Builds a list section; an empty list renders nothing at all. */
function list(
  before: string[],
  items: string[],
  total: number,
  after: string[] = [],
): Section {
  if (total === 0) return fixed([])
  return {
    before: ['', ...before],
    items,
    after,
    shown: items.length,
    omitted: omittedLine,
  }
}

function omittedLine(count: number): string {
  return `- _${plural(count, 'more client')} not listed, to keep this issue under GitHub's size limit. The job summary and the \`report\` output list every client._`
}

function timeline(reports: ClientReport[]): Section {
  const chart = renderGantt(reports, null)
  if (chart === null) return fixed([])
  return {
    before: ['', '## Expiry dates', ''],
    items: [chart],
    after: [],
    shown: 1,
    omitted: () =>
      "_The chart is left out to keep this issue under GitHub's size limit._",
  }
}

function details(healthy: ClientReport[]): Section {
  if (healthy.length === 0) return fixed([])
  return {
    before: [
      '',
      `<details><summary>Healthy (${formatCount(healthy.length)})</summary>`,
      '',
    ],
    items: healthy.map(healthyItem),
    after: ['', '</details>'],
    shown: healthy.length,
    foldFirst: true,
    omitted: omittedLine,
  }
}

function renderSection(section: Section): string[] {
  const hidden = section.items.length - section.shown
  return [
    ...section.before,
    ...section.items.slice(0, section.shown),
    ...(hidden > 0 ? [section.omitted(hidden)] : []),
    ...section.after,
  ]
}

/** Length of the rendered section, with one newline per line. */
function sectionLength(section: Section): number {
  const hidden = section.items.length - section.shown
  const omitted = hidden > 0 ? section.omitted(hidden).length + 1 : 0
  return (
    joinedLength(section.before) +
    itemsLength(section, section.shown) +
    omitted +
    joinedLength(section.after)
  )
}

const itemPrefixLengths = new WeakMap<Section, number[]>()

/** Length of the first `count` items; prefix sums are computed once per section. */
function itemsLength(section: Section, count: number): number {
  let prefix = itemPrefixLengths.get(section)
  if (!prefix) {
    prefix = [0]
    for (const item of section.items) {
      prefix.push((prefix.at(-1) as number) + item.length + 1)
    }
    itemPrefixLengths.set(section, prefix)
  }
  return prefix[count] as number
}

function joinedLength(lines: string[]): number {
  return lines.reduce((sum, line) => sum + line.length + 1, 0)
}

/**
 * Cuts items from the ends of sections until the body fits in `budget`
 * characters. The healthy list goes first, because no person must act on it.
 * Then the longest other section is cut to the length of the next longest,
 * and so on, so every list keeps its first, most urgent items. Each cut
 * section ends with a line that counts what it left out.
 */
function fitSections(sections: Section[], budget: number): void {
  const total = () =>
    sections.reduce((sum, section) => sum + sectionLength(section), 0)

  for (const section of sections.filter((s) => s.foldFirst)) {
    shrinkTo(section, sectionLength(section) - (total() - budget))
  }

  for (;;) {
    const excess = total() - budget
    if (excess <= 0) return
    const ranked = sections
      .filter((section) => section.shown > 0)
      .map((section) => ({ section, length: sectionLength(section) }))
      .sort((a, b) => b.length - a.length)
    const longest = ranked[0]
    if (!longest) return

    const nextLength = ranked[1]?.length ?? 0
    const target = Math.min(
      Math.max(nextLength, longest.length - excess),
      longest.length - 1,
    )
    shrinkTo(longest.section, target)
  }
}

/**
 * Hides items from the end until the section is at most `target` characters
 * long or shows none. Once an item is hidden, the length only grows with the
 * items shown (an item adds more than the "N more" line can lose), so a
 * binary search finds the count. Each length check renders that line, which
 * a search one item at a time would do thousands of times.
 */
function shrinkTo(section: Section, target: number): void {
  if (sectionLength(section) <= target) return
  let fits = 0
  let tooLong = section.shown
  while (tooLong - fits > 1) {
    section.shown = Math.floor((fits + tooLong) / 2)
    if (sectionLength(section) <= target) fits = section.shown
    else tooLong = section.shown
  }
  section.shown = fits
}

function ownerPart(report: ClientReport): string {
  return report.owner ? ` · @${report.owner}` : ''
}

function expiryPart(report: ClientReport): string {
  if (report.expiresAt === null) {
    return hasKnownExpiry(report) ? 'never expires' : 'expiry unknown'
  }
  const verb = report.status === 'expired' ? 'expired' : 'expires'
  return `${verb} ${formatDate(report.expiresAt)}`
}

function nameAndSecret(report: ClientReport): string {
  return `**${escapeText(report.client)}** (\`${report.secret}\`)`
}

function detailLine(report: ClientReport): string {
  const fix = report.fix ? ` **Fix:** ${escapeSentence(report.fix)}` : ''
  const note = report.note ? ` _Note: ${escapeText(report.note)}_` : ''
  return `  ${escapeSentence(report.reason)}${fix}${note}`
}

function actNowItem(report: ClientReport): string {
  const head = `- ${nameAndSecret(report)} · ${statusLabel(report.status)} · ${expiryPart(report)} · ${report.priority} priority${ownerPart(report)}`
  return `${head}\n${detailLine(report)}`
}

function expiringItem(report: ClientReport, now: Date): string {
  const head = `- ${nameAndSecret(report)} · ${expiryPart(report)}${countdown(report, now)} · ${report.priority} priority${ownerPart(report)}`
  return `${head}\n${detailLine(report)}`
}

/** Days left before the expiry, with the day they were counted on (see COUNTDOWN). */
function countdown(report: ClientReport, now: Date): string {
  if (report.expiresAt === null) return ''
  const left = Math.ceil(
    (Date.parse(report.expiresAt) - now.getTime()) / DAY_MS,
  )
  if (!Number.isFinite(left) || left < 0) return ''
  return ` (${plural(left, 'day')} left as of ${formatDate(now)})`
}

function migrateItem(report: ClientReport): string {
  return `- [ ] ${nameAndSecret(report)} · ${report.priority} priority${ownerPart(report)} · ${tokenTypeLabel(report.tokenType)} token · ${expiryPart(report)} <!-- item:migrate:${report.secret} -->`
}

function healthyItem(report: ClientReport): string {
  return `- ${escapeText(report.client)} (\`${report.secret}\`) · ${tokenTypeLabel(report.tokenType)} token · ${expiryPart(report)}`
}

/**
 * The issue shows each token's state, not what this run did: a token
 * refreshed today is healthy, as it will be on the next run, so the body
 * (and the notifications it sends) changes only when a state changes.
 */
function asState(report: ClientReport): ClientReport {
  return report.status === 'refreshed'
    ? { ...report, status: 'healthy' }
    : report
}

function unmatchedItem(secret: string): string {
  return `- \`${secret}\`: listed in the clients file, but its secret was not passed to the action. Add it to \`tokens\`, or remove the entry.`
}

const HOW_TO_MIGRATE = [
  '<details><summary>How to move a client to a System User token</summary>',
  '',
  '1. In Meta Business Settings, open **Users → System Users** and add a system user (or pick an existing one).',
  "2. **Assign assets**: give it the client's ad accounts, with the access the reports need.",
  '3. **Generate new token** for this app with the permissions `ads_read`, `ads_management` and `business_management`. Choose a token that never expires, or the 60-day kind that this action refreshes.',
  '4. Replace the secret named in the list with the new token (repository **Settings → Secrets and variables → Actions**, or `gh secret set NAME`).',
  '5. Tick the item. The next run checks the new token and removes the item when it is a System User token.',
  '',
  '</details>',
]
