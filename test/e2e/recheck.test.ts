/**
 * The "Re-check now" box, end to end. A person ticks it, and the `if:` guard
 * of examples/recheck-from-issue.yml decides on the `issues: edited` payload
 * GitHub would send. The bundled action then runs and unticks the box, and
 * the payload of the action's own edit does not pass the guard.
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ISSUE_MARKER } from '../../src/github/issue-markers.ts'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import type { IssueRecord } from '../sim/github.ts'
import {
  createWorkspace,
  runOnAgency,
  type AgencyWorkspace,
} from '../harness/agency-run.ts'
import { ROOT, type ActionRun } from '../harness/run-action.ts'
import { evaluate, evaluateCondition } from '../harness/expressions.ts'
import { issueWrites, tickBox } from '../harness/issue-runs.ts'

const LABEL = 'meta-tokens'
const RECHECK = 'Re-check now'
const PERSON = { login: 'dana-ops', type: 'User' }
/** The login the example's guard names for a personal access token. */
const PAT_LOGIN = 'meta-keeper-bot'

interface Workflow {
  on: Record<string, { types?: string[] } | null>
  permissions: Record<string, string>
  concurrency: { group: string; 'cancel-in-progress': boolean }
  jobs: Record<
    string,
    { if?: string; steps: Array<{ uses?: string; with?: object }> }
  >
}

async function readWorkflow(name: string): Promise<Workflow> {
  return parse(await readFile(join(ROOT, 'examples', name), 'utf8'))
}

interface Sender {
  login: string
  type: string
}

/**
 * Builds the `issues` event payload GitHub sends for an edit: `changes`
 * contains the previous title or body only when that field changed.
 */
function editedEvent(
  issue: Pick<IssueRecord, 'number' | 'title' | 'body' | 'state' | 'labels'>,
  previous: { body?: string; title?: string },
  sender: Sender,
): object {
  const changes: Record<string, { from: string }> = {}
  if (previous.body !== undefined) changes.body = { from: previous.body }
  if (previous.title !== undefined) changes.title = { from: previous.title }
  return {
    action: 'edited',
    changes,
    issue: {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      labels: issue.labels.map((name) => ({ name })),
    },
    repository: { full_name: 'northwind-agency/meta-tokens' },
    sender,
  }
}

function guardPasses(guard: string, event: object): boolean {
  const sender = (event as { sender: Sender }).sender
  return evaluateCondition(guard, {
    github: { event, event_name: 'issues', actor: sender.login },
  })
}

/** Environment of a run started by an `issues` event, with the payload file GitHub writes. */
async function issuesEventEnvironment(
  event: object,
  runId: string,
): Promise<Record<string, string>> {
  const path = join(tmpdir(), `mtk-event-${process.pid}-${runId}.json`)
  await writeFile(path, JSON.stringify(event))
  eventFiles.push(path)
  return {
    GITHUB_EVENT_NAME: 'issues',
    GITHUB_EVENT_PATH: path,
    GITHUB_RUN_ID: runId,
    GITHUB_ACTOR: (event as { sender: Sender }).sender.login,
  }
}

const eventFiles: string[] = []
const sandboxes: Sandbox[] = []
const workspaces: AgencyWorkspace[] = []

let guard: string
let daily: Workflow
let recheck: Workflow

// An open issue: the person ticks the box and a migration box in one edit.
let open: {
  sandbox: Sandbox
  issue: IssueRecord
  beforeTick: string
  ticked: string
  tickEvent: object
  run: ActionRun
  writes: string[]
}

// A closed issue, every client healthy: the person ticks the box.
let closed: {
  issue: IssueRecord
  ticked: string
  run: ActionRun
  writes: string[]
}

async function openScenario(): Promise<typeof open> {
  const sandbox = await startSandbox({ clients: 16 })
  const workspace = await createWorkspace(sandbox)
  sandboxes.push(sandbox)
  workspaces.push(workspace)

  await runOnAgency(sandbox, workspace)
  const issue = sandbox.github.issues[0] as IssueRecord
  const beforeTick = issue.body
  const ticked = tickBox(
    tickBox(beforeTick, RECHECK),
    'META_TOKEN_NORTHWIND_BIKES',
  )
  issue.body = ticked
  const tickEvent = editedEvent(issue, { body: beforeTick }, PERSON)

  const from = sandbox.github.log.length
  const run = await runOnAgency(
    sandbox,
    workspace,
    {},
    { env: await issuesEventEnvironment(tickEvent, '1234567891') },
  )
  const writes = issueWrites(sandbox, from).map((entry) => entry.route)
  return { sandbox, issue, beforeTick, ticked, tickEvent, run, writes }
}

async function closedScenario(): Promise<typeof closed> {
  const sandbox = await startSandbox({
    agency: 'large',
    clients: 3,
    dueFraction: 0,
  })
  const workspace = await createWorkspace(sandbox)
  sandboxes.push(sandbox)
  workspaces.push(workspace)

  const unticked = [
    ISSUE_MARKER,
    'All 3 client tokens are healthy and on System User tokens.',
    '',
    `- [ ] ${RECHECK} <!-- item:recheck -->`,
    '',
  ].join('\n')
  const ticked = tickBox(unticked, RECHECK)
  const issue = sandbox.github.seedIssue({
    title: 'Meta tokens: all healthy',
    body: ticked,
    labels: [LABEL],
    state: 'closed',
  })
  const event = editedEvent(issue, { body: unticked }, PERSON)

  const from = sandbox.github.log.length
  const run = await runOnAgency(
    sandbox,
    workspace,
    {},
    { env: await issuesEventEnvironment(event, '1234567892') },
  )
  const writes = issueWrites(sandbox, from).map((entry) => entry.route)
  return { issue, ticked, run, writes }
}

beforeAll(async () => {
  ;[daily, recheck] = await Promise.all([
    readWorkflow('daily.yml'),
    readWorkflow('recheck-from-issue.yml'),
  ])
  const job = Object.values(recheck.jobs)[0]
  guard = job?.if ?? ''
  ;[open, closed] = await Promise.all([openScenario(), closedScenario()])
})

afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.close()))
  await Promise.all(
    [...workspaces.map((w) => w.directory), ...eventFiles].map((path) =>
      rm(path, { recursive: true, force: true }),
    ),
  )
})

describe('re-check workflow', () => {
  it('runs only on issues: edited', () => {
    expect(Object.keys(recheck.on)).toEqual(['issues'])
    expect(recheck.on.issues?.types).toEqual(['edited'])
  })

  it('has one job, guarded', () => {
    expect(Object.keys(recheck.jobs)).toHaveLength(1)
    expect(guard).toContain(RECHECK)
  })

  it('shares the daily concurrency group', () => {
    expect(recheck.concurrency.group).toBe(daily.concurrency.group)
    expect(recheck.concurrency['cancel-in-progress']).toBe(false)
  })

  it('may write issues', () => {
    expect(recheck.permissions.issues).toBe('write')
  })

  it('runs the same action as the daily workflow', () => {
    const uses = (workflow: Workflow) =>
      Object.values(workflow.jobs)
        .flatMap((job) => job.steps)
        .map((step) => step.uses)
        .filter((name) => name?.includes('meta-token-keeper'))
    expect(uses(recheck)).toEqual(uses(daily))
    expect(uses(recheck)).toHaveLength(1)
  })
})

describe('re-check guard', () => {
  const issue = {
    number: 1,
    title: 'Meta tokens: 1 to re-authorize',
    state: 'open' as const,
    labels: [LABEL],
  }
  const unticked = [
    ISSUE_MARKER,
    `- [ ] ${RECHECK} <!-- item:recheck -->`,
    '- [ ] **Acme** · high priority <!-- item:migrate:META_TOKEN_ACME -->',
  ].join('\n')
  const recheckTicked = tickBox(unticked, RECHECK)
  const migrationTicked = tickBox(unticked, 'META_TOKEN_ACME')

  it.each([
    ['a person ticks the box', {}, true],
    [
      'the box is ticked with a capital X',
      { body: recheckTicked.replace('[x]', '[X]') },
      true,
    ],
    ['the label differs in case', { labels: ['Meta-Tokens'] }, true],
    ['a person ticks a migration box', { body: migrationTicked }, false],
    [
      'a person unticks the box',
      { body: unticked, from: recheckTicked },
      false,
    ],
    ['only the title changed', { from: null }, false],
    ['the issue lacks the label', { labels: ['question'] }, false],
    [
      'an App ticks the box',
      { sender: { login: 'keeper[bot]', type: 'Bot' } },
      false,
    ],
    [
      'the PAT login ticks the box',
      { sender: { login: PAT_LOGIN, type: 'User' } },
      false,
    ],
  ] as const)('%s', (_, change, expected) => {
    const overrides = change as {
      body?: string
      from?: string | null
      labels?: readonly string[]
      sender?: Sender
    }
    const event = editedEvent(
      {
        ...issue,
        body: overrides.body ?? recheckTicked,
        labels: [...(overrides.labels ?? issue.labels)],
      },
      overrides.from === null
        ? { title: 'Meta tokens' }
        : { body: overrides.from ?? unticked },
      overrides.sender ?? PERSON,
    )
    expect(guardPasses(guard, event)).toBe(expected)
  })
})

describe('re-check run on an open issue', () => {
  it('passes the guard', () => {
    expect(guardPasses(guard, open.tickEvent)).toBe(true)
  })

  it('edits the issue once', () => {
    expect(open.writes).toEqual([
      'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
    ])
    expect(open.sandbox.github.issues).toHaveLength(1)
    expect(open.issue.state).toBe('open')
  })

  it('unticks the box', () => {
    expect(open.ticked).toContain(`- [x] ${RECHECK}`)
    expect(open.issue.body).toContain(`- [ ] ${RECHECK} <!-- item:recheck -->`)
    expect(open.issue.body).not.toContain(`- [x] ${RECHECK}`)
  })

  it('keeps the migration tick', () => {
    expect(open.issue.body).toMatch(
      /^- \[x\] \*\*Northwind Bikes\*\*.*item:migrate:META_TOKEN_NORTHWIND_BIKES -->$/m,
    )
  })

  it('changes nothing else but the run link', () => {
    const expected = tickBox(
      open.beforeTick,
      'META_TOKEN_NORTHWIND_BIKES',
    ).replace('/actions/runs/1234567890', '/actions/runs/1234567891')
    expect(open.issue.body).toBe(expected)
  })

  it('does not start itself again', () => {
    const ownEdit = (sender: Sender) =>
      editedEvent(open.issue, { body: open.ticked }, sender)
    // With the default issue-token GitHub starts no run at all; a personal
    // access token or a GitHub App token would, and the guard skips those.
    expect(
      guardPasses(
        guard,
        ownEdit({ login: 'github-actions[bot]', type: 'Bot' }),
      ),
    ).toBe(false)
    expect(
      guardPasses(guard, ownEdit({ login: 'keeper-bot', type: 'User' })),
    ).toBe(false)
    expect(
      guardPasses(guard, ownEdit({ login: PAT_LOGIN, type: 'User' })),
    ).toBe(false)
  })
})

describe('re-check run on a closed issue', () => {
  it('unticks the box', () => {
    expect(closed.ticked).toContain(`- [x] ${RECHECK}`)
    expect(closed.issue.body).toContain(
      `- [ ] ${RECHECK} <!-- item:recheck -->`,
    )
    expect(closed.issue.body).not.toContain(`- [x] ${RECHECK}`)
  })

  it('keeps the issue closed', () => {
    expect(closed.issue.state).toBe('closed')
    expect(closed.writes).toEqual([
      'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
    ])
    expect(closed.run.exitCode).toBe(0)
  })
})

describe('expression evaluator', () => {
  it.each([
    ["contains('abCdEf', 'cDe')", true],
    ["contains(null, 'x')", false],
    ["'Bot' != 'bot'", false],
    ["contains(github.labels.*.name, 'B')", true],
    ["contains(github.missing.body, '')", true],
    ["github.labels[0].name == 'a'", true],
    ["!(1 == 1) || 'It''s'", "It's"],
    ['null == 0', true],
  ] as const)('%s', (expression, expected) => {
    expect(
      evaluate(expression, {
        github: { labels: [{ name: 'a' }, { name: 'b' }] },
      }),
    ).toBe(expected)
  })

  it('rejects what it does not implement', () => {
    expect(() => evaluate('success()', {})).toThrow(/not supported/)
    expect(() => evaluate('1 < 2', {})).toThrow(/not supported/)
    expect(() => evaluate('secrets.TOKEN', {})).toThrow(/Unknown context/)
  })
})
