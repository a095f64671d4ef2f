/**
 * Helpers for end-to-end tests of the tracking issue: the GitHub requests a
 * run sent to issue and label routes, a client's token swapped for one of
 * another kind, and a person's edit of the issue as GitHub stores it.
 */
import type { Sandbox } from '../sim/index.ts'
import type { TokenSpec } from '../sim/meta.ts'
import type { RequestLogEntry } from '../sim/types.ts'

const ISSUE_ROUTE = /\/issues|\/labels|search/

/** Requests to issue, comment, label or search routes logged since `from` (an index into the log). */
export function issueRequests(sandbox: Sandbox, from = 0): RequestLogEntry[] {
  return sandbox.github.log
    .slice(from)
    .filter((entry) => ISSUE_ROUTE.test(entry.route))
}

/** Requests since `from` that could change an issue, a comment or a label. */
export function issueWrites(sandbox: Sandbox, from = 0): RequestLogEntry[] {
  return issueRequests(sandbox, from).filter(
    (entry) => entry.method !== 'GET' && entry.method !== 'HEAD',
  )
}

/** Replaces the token in a client's repository secret with a new one of `spec`. */
export function replaceToken(
  sandbox: Sandbox,
  secret: string,
  spec: Omit<TokenSpec, 'userId'>,
): string {
  const token = sandbox.meta.addToken({ userId: '1000000000000042', ...spec })
  sandbox.github.seedSecret({ kind: 'repository' }, secret, token)
  return token
}

/**
 * Ticks the box of the line that contains `text`, the way a click on a task
 * list item in GitHub's web view does. With `crlf`, the body is stored with
 * CRLF line endings, as bodies saved from GitHub's web editor are.
 */
export function tickBox(body: string, text: string, crlf = false): string {
  const lines = body.split('\n')
  const index = lines.findIndex(
    (line) => line.includes(text) && /^\s*- \[ \]/.test(line),
  )
  if (index === -1) throw new Error(`No unticked box contains "${text}".`)
  lines[index] = (lines[index] as string).replace('- [ ]', '- [x]')
  const ticked = lines.join('\n')
  return crlf ? ticked.replace(/\r?\n/g, '\r\n') : ticked
}

export const DAY_SECONDS = 86_400

/** Unix seconds now, by the clock the sandbox and the action share. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
