/**
 * The mutating requests of the tracking issue sync: create (with its labels),
 * edit, reopen, close, close a duplicate. Each returns a result with a
 * one-line, redacted message instead of throwing.
 */
import { githubErrorMessage, githubStatus, isRateLimited } from './octokit.ts'
import type { IssueSyncResult, SyncOptions } from './tracking-issue.ts'

const LABEL_COLOR = 'd93f0b'
const LABEL_DESCRIPTION =
  'Meta Token Keeper: Meta access tokens that need a person'

/** Creates the issue after making sure each of its labels exists. */
export async function createIssue(
  options: SyncOptions,
): Promise<IssueSyncResult> {
  const { octokit, repository, labels, content, log } = options
  let number: number
  let applied: string[]
  try {
    await ensureLabels(options)
    // NOTE: a create retried after a 5xx may have opened the issue twice; the
    // next sync closes the extra one as a duplicate.
    const { data } = await octokit.rest.issues.create({
      ...repository,
      title: content.title,
      body: content.body,
      labels,
    })
    number = data.number
    applied = data.labels.map((label) =>
      typeof label === 'string' ? label : (label.name ?? ''),
    )
  } catch (error) {
    return failed(null, 'creating the tracking issue', error)
  }

  // GitHub silently drops labels when the token lacks push access, and an
  // unlabelled issue is not found again, so the next run would open another.
  const identifying = (labels[0] ?? '').toLowerCase()
  if (!applied.some((name) => name.toLowerCase() === identifying)) {
    log.error(
      `Tracking issue #${number} was created without its label "${labels[0]}", so the next run will not find it: give \`issue-token\` write access to the repository, or add the label by hand.`,
    )
  }
  return {
    number,
    action: 'created',
    message: `Tracking issue #${number} created.`,
  }
}

/** Creates each label that does not exist yet. A 422 means another run created it meanwhile, which is fine. */
async function ensureLabels({
  octokit,
  repository,
  labels,
}: SyncOptions): Promise<void> {
  for (const name of new Set(labels)) {
    try {
      await octokit.rest.issues.getLabel({ ...repository, name })
      continue
    } catch (error) {
      if (githubStatus(error) !== 404) throw error
    }
    try {
      await octokit.rest.issues.createLabel({
        ...repository,
        name,
        color: LABEL_COLOR,
        description: LABEL_DESCRIPTION,
      })
    } catch (error) {
      if (githubStatus(error) !== 422) throw error
    }
  }
}

/** Sets the title and body, and for `reopened` also the state. */
export async function editIssue(
  { octokit, repository, content }: SyncOptions,
  number: number,
  body: string,
  action: 'updated' | 'reopened',
): Promise<IssueSyncResult> {
  try {
    await octokit.rest.issues.update({
      ...repository,
      issue_number: number,
      title: content.title,
      body,
      ...(action === 'reopened' ? { state: 'open' as const } : {}),
    })
  } catch (error) {
    const step = action === 'reopened' ? 'reopening' : 'updating'
    return failed(number, `${step} tracking issue #${number}`, error)
  }
  return { number, action, message: `Tracking issue #${number} ${action}.` }
}

/** Posts the close comment, then closes the issue as completed with its final body. */
export async function closeIssue(
  options: SyncOptions,
  number: number,
  body: string | null,
): Promise<IssueSyncResult> {
  const { octokit, repository, content, closeComment } = options
  try {
    await octokit.rest.issues.createComment({
      ...repository,
      issue_number: number,
      body: closeComment,
    })
    await octokit.rest.issues.update({
      ...repository,
      issue_number: number,
      title: content.title,
      ...(body === null ? {} : { body }),
      state: 'closed',
      state_reason: 'completed',
    })
  } catch (error) {
    return failed(number, `closing tracking issue #${number}`, error)
  }
  return {
    number,
    action: 'closed',
    message: `Tracking issue #${number} closed: no client needs a person.`,
  }
}

/** Closes one extra marked issue. A failure is logged and does not stop the sync. */
export async function closeDuplicate(
  { octokit, repository, log }: SyncOptions,
  number: number,
  keeper: number,
): Promise<void> {
  try {
    await octokit.rest.issues.createComment({
      ...repository,
      issue_number: number,
      body: `Closing in favour of #${keeper}, the one tracking issue for Meta access tokens in this repository.`,
    })
    await octokit.rest.issues.update({
      ...repository,
      issue_number: number,
      state: 'closed',
      state_reason: 'not_planned',
    })
    log.info(
      `Closed duplicate tracking issue #${number} in favour of #${keeper}.`,
    )
  } catch (error) {
    log.warning(
      `Duplicate tracking issue #${number} could not be closed (${githubErrorMessage(error)}). Close it by hand.`,
    )
  }
}

/** Builds the `failed` result for a request that failed during `step`. */
export function failed(
  number: number | null,
  step: string,
  error: unknown,
): IssueSyncResult {
  return {
    number,
    action: 'failed',
    message: `Tracking issue not updated: ${step} failed (${githubErrorMessage(error)}).${failureHint(error)}`,
  }
}

/** Returns the fix for a failed issue request, with a leading space, or '' when none is known. */
function failureHint(error: unknown): string {
  if (isRateLimited(error)) {
    return ' GitHub rate-limited the request; the next run updates the issue.'
  }
  const status = githubStatus(error)
  if (status === 401) {
    return ' GitHub rejected input `issue-token` as invalid or expired: pass a current token, such as `${{ github.token }}`.'
  }
  if (status === 403 || status === 404) {
    return ' Check that input `issue-token` can read and write issues (workflow `permissions: issues: write`).'
  }
  if (status === 410) {
    return ' Issues are disabled in this repository; enable them or set `tracking-issue: false`.'
  }
  return ''
}
