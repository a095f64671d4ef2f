/**
 * Keeps one tracking issue per repository, found by a hidden marker in its
 * body and its first label. The issue is created when a client needs a
 * person and edited only when its text changes. It is closed when every
 * client is healthy, and reopened (never duplicated) when problems return.
 */
import type { Logger } from '../types.ts'
import type { Octokit } from './octokit.ts'
import { keepTickedBoxes } from './checklist.ts'
import { ISSUE_MARKER, RUN_LINK_MARKER } from './issue-markers.ts'
import { planSync, type FoundIssue, type Plan } from './issue-plan.ts'
import {
  closeDuplicate,
  closeIssue,
  createIssue,
  editIssue,
  failed,
} from './issue-actions.ts'

export { keepTickedBoxes, ISSUE_MARKER, RUN_LINK_MARKER }

/** GitHub rejects issue bodies longer than this many characters. */
export const MAX_ISSUE_BODY_LENGTH = 65_536

export interface IssueContent {
  title: string
  /** Markdown body, which must contain ISSUE_MARKER. */
  body: string
  /** True when at least one client needs a person, so the issue must be open. */
  needsAction: boolean
}

export type IssueSyncResult = {
  number: number | null
  action:
    | 'created'
    | 'updated'
    | 'unchanged'
    | 'closed'
    | 'reopened'
    | 'none'
    | 'failed'
  message: string
}

type Repository = { owner: string; repo: string }

export interface SyncOptions {
  octokit: Octokit
  repository: Repository
  /** Labels of the issue; the first one also identifies it. */
  labels: string[]
  content: IssueContent
  /** Comment posted when the issue is closed because nothing needs a person. */
  closeComment: string
  log: Logger
  /** Look up and log what would happen, without any mutating request. */
  dryRun?: boolean
}

/**
 * Brings the tracking issue in line with `content`. A failed lookup never
 * leads to a new issue: it returns `failed` and changes nothing. Extra open
 * issues with the marker are closed in favour of the oldest one.
 */
export async function syncTrackingIssue(
  options: SyncOptions,
): Promise<IssueSyncResult> {
  const { content, log } = options
  const rejection = checkContent(options.labels, content)
  if (rejection) return { number: null, action: 'failed', message: rejection }

  let issues: FoundIssue[]
  try {
    issues = await findMarkedIssues(options)
  } catch (error) {
    const label = options.labels[0] ?? ''
    return failed(null, `listing the issues labelled "${label}"`, error)
  }

  const { plan, duplicates } = planSync(issues, content)
  const keeper = plan.issue?.number ?? null

  if (options.dryRun) return describeDryRun(plan, duplicates, keeper, log)

  if (keeper !== null) {
    for (const duplicate of duplicates) {
      await closeDuplicate(options, duplicate.number, keeper)
    }
  }
  // The caller logs the result's message, once.
  return execute(options, plan)
}

function checkContent(labels: string[], content: IssueContent): string | null {
  if (!labels[0]) {
    return 'Input `issue-labels` is empty, so the tracking issue could not be found or created. Give it at least one label.'
  }
  if (!content.body.includes(ISSUE_MARKER)) {
    return 'The tracking issue body lacks its marker, so it was not sent, because the next run could not find the issue again.'
  }
  if (content.body.length > MAX_ISSUE_BODY_LENGTH) {
    return `The tracking issue body is ${content.body.length} characters, over GitHub's limit of ${MAX_ISSUE_BODY_LENGTH}, so it was not sent.`
  }
  return null
}

/**
 * Lists every issue (open and closed, all pages) with the first label and
 * keeps those whose body has the marker. Pull requests share the endpoint
 * and are skipped. The search API is not used, because its index can lag
 * behind recent edits.
 */
async function findMarkedIssues({
  octokit,
  repository,
  labels,
}: SyncOptions): Promise<FoundIssue[]> {
  const items = await octokit.paginate(octokit.rest.issues.listForRepo, {
    ...repository,
    state: 'all',
    labels: labels[0],
    per_page: 100,
  })
  return items
    .filter((item) => !item.pull_request)
    .filter((item) => (item.body ?? '').includes(ISSUE_MARKER))
    .map((item) => ({
      number: item.number,
      state: item.state === 'open' ? 'open' : 'closed',
      title: item.title,
      body: item.body ?? '',
    }))
}

function describeDryRun(
  plan: Plan,
  duplicates: FoundIssue[],
  keeper: number | null,
  log: Logger,
): IssueSyncResult {
  for (const duplicate of duplicates) {
    log.info(
      `Dry run: would close #${duplicate.number} in favour of #${keeper}.`,
    )
  }
  const target =
    keeper === null ? 'a new tracking issue' : `tracking issue #${keeper}`
  const verbs: Record<Plan['action'], string> = {
    created: `would create ${target}`,
    updated: `would update ${target}`,
    unchanged: `would leave ${target} unchanged`,
    closed: `would close ${target}`,
    reopened: `would reopen ${target}`,
    none: 'would do nothing: no tracking issue is needed',
  }
  const message = `Dry run: ${verbs[plan.action]}.`
  return { number: keeper, action: plan.action, message }
}

async function execute(
  options: SyncOptions,
  plan: Plan,
): Promise<IssueSyncResult> {
  switch (plan.action) {
    case 'none':
      return {
        number: null,
        action: 'none',
        message: 'No tracking issue is needed: no client needs a person.',
      }
    case 'unchanged':
      return {
        number: plan.issue.number,
        action: 'unchanged',
        message: `Tracking issue #${plan.issue.number} is up to date.`,
      }
    case 'created':
      return createIssue(options)
    case 'updated':
    case 'reopened':
      return editIssue(options, plan.issue.number, plan.body, plan.action)
    case 'closed':
      return closeIssue(options, plan.issue.number, plan.body)
  }
}
