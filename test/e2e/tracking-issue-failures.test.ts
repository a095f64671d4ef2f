/**
 * A tracking issue lookup that fails, end to end on the bundled action: the
 * run creates and edits nothing, reports the failure and fails. These
 * scenarios have their own file because the action retries a 5xx or a
 * dropped connection for about 14 seconds (1 + 4 + 9 s of backoff) before
 * the lookup gives up. The four scenarios run at the same time.
 */
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ISSUE_MARKER } from '../../src/github/issue-markers.ts'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import type { IssueRecord } from '../sim/github.ts'
import type { SimResponse } from '../sim/types.ts'
import { createWorkspace, runOnAgency } from '../harness/agency-run.ts'
import type { ActionRun } from '../harness/run-action.ts'
import {
  DAY_SECONDS,
  issueWrites,
  nowSeconds,
  replaceToken,
} from '../harness/issue-runs.ts'

const LABEL = 'meta-tokens'
const LIST_ROUTE = 'GET /repos/{owner}/{repo}/issues'

const FORBIDDEN: SimResponse = {
  status: 403,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({
    message: 'Resource not accessible by integration',
    documentation_url: 'https://docs.github.com/rest/issues/issues',
    status: '403',
  }),
}

type FailureKind = 'http503' | 'drop' | '403' | '403 on page 2'

interface FailureScenario {
  sandbox: Sandbox
  workspace: string
  run: ActionRun
  closed: IssueRecord
  closedBody: string
  issuesBefore: number
  listAttempts: number
}

/**
 * Four clients, three on healthy System User tokens and one on a user token,
 * so the run has an issue to write and fails only if the issue does. A closed marked issue
 * is there to be reopened, and the issue list requests fail as `kind` names.
 */
async function failureScenario(kind: FailureKind): Promise<FailureScenario> {
  const sandbox = await startSandbox({
    agency: 'large',
    clients: 4,
    dueFraction: 0,
  })
  const workspace = await createWorkspace(sandbox)

  const secret = sandbox.scenario.clients[0]?.secret as string
  const now = nowSeconds()
  replaceToken(sandbox, secret, {
    type: 'USER',
    expiresAt: now + 50 * DAY_SECONDS,
    issuedAt: now - 10 * DAY_SECONDS,
  })

  const closedBody = `${ISSUE_MARKER}\nClosed last month.\n`
  const closed = sandbox.github.seedIssue({
    title: 'Meta tokens: all healthy',
    body: closedBody,
    labels: [LABEL],
    state: 'closed',
  })

  const failingPage = kind === '403 on page 2' ? '2' : null
  if (failingPage) {
    // 120 newer labelled issues push the marked one onto page 2.
    for (let index = 1; index <= 120; index++) {
      sandbox.github.seedIssue({
        title: `Question ${index}`,
        body: 'No marker.',
        labels: [LABEL],
      })
    }
  }

  let listAttempts = 0
  sandbox.github.script(LIST_ROUTE, (request) => {
    listAttempts++
    const page = request.url.searchParams.get('page') ?? '1'
    if (failingPage && page !== failingPage) return undefined
    return kind === 'http503' || kind === 'drop' ? kind : FORBIDDEN
  })

  const issuesBefore = sandbox.github.issues.length
  const run = await runOnAgency(sandbox, workspace)
  return {
    sandbox,
    workspace: workspace.directory,
    run,
    closed,
    closedBody,
    issuesBefore,
    listAttempts,
  }
}

let failures: Record<FailureKind, FailureScenario>

beforeAll(async () => {
  const kinds = ['http503', 'drop', '403', '403 on page 2'] as const
  const scenarios = await Promise.all(kinds.map(failureScenario))
  failures = Object.fromEntries(
    kinds.map((kind, index) => [kind, scenarios[index] as FailureScenario]),
  ) as Record<FailureKind, FailureScenario>
})

afterAll(async () => {
  for (const scenario of Object.values(failures ?? {})) {
    await scenario.sandbox.close()
    await rm(scenario.workspace, { recursive: true, force: true })
  }
})

describe.each([
  ['a 5xx', 'http503', 4, /\(503 Service Unavailable\)/],
  ['a dropped connection', 'drop', 4, /\(no response from GitHub/],
  ['a 403', '403', 1, /\(403 Resource not accessible by integration\)/],
  [
    'a 403 on page 2',
    '403 on page 2',
    2,
    /\(403 Resource not accessible by integration\)/,
  ],
] as const)(
  'tracking issue lookup failing with %s',
  (_, kind, attempts, detail) => {
    const scenario = () => failures[kind]

    it('creates and edits nothing', () => {
      const { sandbox, closed, closedBody } = scenario()
      expect(issueWrites(sandbox)).toEqual([])
      expect(sandbox.github.issues).toHaveLength(scenario().issuesBefore)
      expect(closed.state).toBe('closed')
      expect(closed.body).toBe(closedBody)
      expect(sandbox.github.labels.map((label) => label.color)).toEqual([
        'ededed',
      ])
    })

    it('retries only 5xx and network errors', () => {
      expect(scenario().listAttempts).toBe(attempts)
    })

    it('reports the failure and fails the run', () => {
      const { run } = scenario()
      expect(run.exitCode).toBe(1)
      const annotation = run.stdout
        .split('\n')
        .find((line) =>
          line.startsWith('::error title=Tracking issue not updated::'),
        )
      expect(annotation).toContain(
        'Tracking issue not updated: listing the issues labelled "meta-tokens" failed',
      )
      expect(annotation).toMatch(detail)
      expect(run.summary).toContain('Tracking issue not updated')
      expect(run.outputs['issue-number']).toBe('')
    })
  },
)
