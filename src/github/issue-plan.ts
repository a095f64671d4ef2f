/**
 * The pure half of the tracking issue sync: given the marked issues found
 * and the content to show, decides which issue to keep and what to do with
 * it. Performs no I/O.
 */
import { isRecheckTicked, keepTickedBoxes } from './checklist.ts'
import { COUNTDOWN, RUN_LINK_MARKER } from './issue-markers.ts'

export interface FoundIssue {
  number: number
  state: 'open' | 'closed'
  title: string
  body: string
}

export interface PlannedContent {
  title: string
  body: string
  needsAction: boolean
}

export type Plan =
  | { action: 'created' | 'none'; issue: null }
  | { action: 'unchanged'; issue: FoundIssue }
  | { action: 'updated' | 'reopened'; issue: FoundIssue; body: string }
  /** `body` is null when the body already matches and only the state changes. */
  | { action: 'closed'; issue: FoundIssue; body: string | null }

/**
 * Decides the sync: the oldest open marked issue is kept and any other open
 * one is a duplicate to close. With none open, the oldest closed one is
 * reopened when a client needs a person, so no second issue is opened.
 * Otherwise a closed issue is edited only to untick its "Re-check now" box.
 */
export function planSync(
  issues: FoundIssue[],
  content: PlannedContent,
): { plan: Plan; duplicates: FoundIssue[] } {
  const sorted = [...issues].sort((a, b) => a.number - b.number)
  const [kept, ...duplicates] = sorted.filter((issue) => issue.state === 'open')
  if (kept) return { plan: planForOpen(kept, content), duplicates }

  const closed = sorted[0]
  if (!content.needsAction) {
    // A person can tick "Re-check now" on a closed issue too. The box is
    // unticked and the issue stays closed, because no client needs a person.
    const rechecked = sorted.find((issue) => isRecheckTicked(issue.body))
    if (rechecked) {
      const body = keepTickedBoxes(rechecked.body, content.body)
      return {
        plan: { action: 'updated', issue: rechecked, body },
        duplicates: [],
      }
    }
    return { plan: { action: 'none', issue: null }, duplicates: [] }
  }
  if (closed) {
    // A reopened issue starts from the new body, because ticks from an earlier episode no longer apply.
    return {
      plan: { action: 'reopened', issue: closed, body: content.body },
      duplicates: [],
    }
  }
  return { plan: { action: 'created', issue: null }, duplicates: [] }
}

function planForOpen(issue: FoundIssue, content: PlannedContent): Plan {
  const body = keepTickedBoxes(issue.body, content.body)
  const sameBody = normalize(body) === normalize(issue.body)
  if (!content.needsAction) {
    return { action: 'closed', issue, body: sameBody ? null : body }
  }
  return sameBody && content.title === issue.title
    ? { action: 'unchanged', issue }
    : { action: 'updated', issue, body }
}

/**
 * Returns what decides whether an edit is due. Bodies saved from GitHub's web
 * editor can come back with CRLF line endings, and the run link changes every
 * run, so neither counts: the link names the run that last changed the issue.
 */
function normalize(body: string): string {
  const at = body.indexOf(RUN_LINK_MARKER)
  const content = at === -1 ? body : body.slice(0, at)
  return content.replace(/\r\n/g, '\n').replace(COUNTDOWN, '').trimEnd()
}
