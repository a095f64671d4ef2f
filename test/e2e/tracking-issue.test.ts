/**
 * The tracking issue, end to end: the bundled action (dist/index.js) runs as
 * a runner runs it, against the Meta and GitHub simulators over HTTP. The
 * scenarios cover the lookup, duplicates, the open-close-reopen lifecycle,
 * 2,000 clients, the content of the body and the example in
 * docs/tracking-issue.md. Each has its own sandbox, and they run at the same
 * time. Failed lookups are in tracking-issue-failures.test.ts.
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { JSDOM } from 'jsdom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { ISSUE_MARKER } from '../../src/github/issue-markers.ts'
import type { ClientReport } from '../../src/types.ts'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import type { IssueRecord } from '../sim/github.ts'
import {
  createWorkspace,
  runOnAgency,
  type AgencyWorkspace,
} from '../harness/agency-run.ts'
import type { ActionRun } from '../harness/run-action.ts'
import {
  DAY_SECONDS,
  issueWrites,
  nowSeconds,
  replaceToken,
  tickBox,
} from '../harness/issue-runs.ts'
import {
  DOC_PATH,
  EXAMPLE_NOW,
  exampleSectionOf,
  renderExampleSection,
  runIssueExample,
  type IssueExample,
} from '../../scripts/render-issue-example.ts'

const LABEL = 'meta-tokens'
const LIST_ROUTE = 'GET /repos/{owner}/{repo}/issues'
const CLOSE_COMMENT =
  'Every client token is healthy and on a System User token. Closing.'
/** Linux caps one environment string (`NAME=value`) at 32 pages of 4 KiB: MAX_ARG_STRLEN. */
const MAX_ENV_STRING_BYTES = 131_072

const sandboxes: Sandbox[] = []
const workspaces: AgencyWorkspace[] = []

async function agency(
  options: Parameters<typeof startSandbox>[0],
): Promise<{ sandbox: Sandbox; workspace: AgencyWorkspace }> {
  const sandbox = await startSandbox(options)
  const workspace = await createWorkspace(sandbox)
  sandboxes.push(sandbox)
  workspaces.push(workspace)
  return { sandbox, workspace }
}

type ClientEntries = Record<string, Record<string, unknown>>

/** Rewrites the workspace's clients file with the entries `change` returns. */
async function editClientsFile(
  workspace: AgencyWorkspace,
  change: (clients: ClientEntries) => ClientEntries,
): Promise<void> {
  const path = join(workspace.directory, '.github/meta-clients.yml')
  const file = parse(await readFile(path, 'utf8')) as { clients: ClientEntries }
  await writeFile(path, stringify({ ...file, clients: change(file.clients) }))
}

/** Returns every client's report from `report-file`, since `report` may list only the clients to act on. */
function reportOf(run: ActionRun): ClientReport[] {
  return JSON.parse(run.reportFileText || '[]') as ClientReport[]
}

/** Lines of the `## Heading` section up to the next heading or `<details>`. */
function section(body: string, heading: string): string[] {
  const lines = body.split('\n')
  const start = lines.findIndex((line) => line.startsWith(`## ${heading}`))
  if (start === -1) return []
  const end = lines.findIndex(
    (line, index) => index > start && /^(## |<details>|---$)/.test(line),
  )
  return lines.slice(start + 1, end === -1 ? undefined : end)
}

// Found by marker and label, past page 1, among issues of other authors.

interface LookupScenario {
  sandbox: Sandbox
  tracking: IssueRecord
  pullRequest: IssueRecord
  unlabelled: IssueRecord
  listUrls: URL[]
  runs: ActionRun[]
  /** Log index before each run, and the log length at the end. */
  marks: number[]
  bodyAfterTick: string
}

async function lookupScenario(): Promise<LookupScenario> {
  const { sandbox, workspace } = await agency({ clients: 16 })
  const github = sandbox.github
  const tracking = github.seedIssue({
    title: 'Meta tokens',
    body: `${ISSUE_MARKER}\nWritten by an older version of the action.\n`,
    labels: [LABEL],
    author: 'dana-ops',
  })
  // 150 newer issues with the same label, so the tracking issue, the oldest,
  // sorts onto page 2 of GitHub's newest-first list.
  for (let index = 1; index <= 150; index++) {
    github.seedIssue({
      title: `Client ${index}: token question`,
      body: 'Asked in the meta-tokens channel; no marker here.',
      labels: [LABEL],
      author: index % 2 === 0 ? 'lee-accounts' : 'sam-media',
      state: index % 3 === 0 ? 'closed' : 'open',
    })
  }
  const pullRequest = github.seedIssue({
    title: 'Copy the issue template',
    body: `${ISSUE_MARKER}\nA pull request that quotes the marker.`,
    labels: [LABEL],
    author: 'sam-media',
    pullRequest: true,
  })
  const unlabelled = github.seedIssue({
    title: 'Marker without the label',
    body: `${ISSUE_MARKER}\nSomeone pasted the marker into an unlabelled issue.`,
    labels: [],
    author: 'octocat',
  })

  const listUrls: URL[] = []
  github.script(LIST_ROUTE, (request) => {
    listUrls.push(request.url)
    return undefined
  })

  const runs: ActionRun[] = []
  const marks: number[] = []
  const run = async () => {
    marks.push(github.log.length)
    runs.push(await runOnAgency(sandbox, workspace))
  }

  await run() // finds and updates the seeded issue
  await run() // nothing changed
  const ticked = tickBox(tracking.body, 'META_TOKEN_NORTHWIND_BIKES', true)
  tracking.body = ticked
  await run() // only a person's tick (and CRLF) differs
  const bodyAfterTick = tracking.body
  await editClientsFile(workspace, (clients) => ({
    ...clients,
    META_TOKEN_JUNIPER_PET_CARE: {
      ...clients.META_TOKEN_JUNIPER_PET_CARE,
      owner: 'kim-ads',
    },
  }))
  await run() // the owner changed, so the body changed
  marks.push(github.log.length)
  return {
    sandbox,
    tracking,
    pullRequest,
    unlabelled,
    listUrls,
    runs,
    marks,
    bodyAfterTick,
  }
}

// Two open marked issues.

interface DuplicateScenario {
  sandbox: Sandbox
  run: ActionRun
  oldest: IssueRecord
  newer: IssueRecord
  closedEarlier: IssueRecord
  closedEarlierBody: string
}

async function duplicateScenario(): Promise<DuplicateScenario> {
  const { sandbox, workspace } = await agency({ clients: 16 })
  const github = sandbox.github
  const body = `${ISSUE_MARKER}\nAn earlier body.\n`
  const closedEarlier = github.seedIssue({
    title: 'Meta tokens: all healthy',
    body,
    labels: [LABEL],
    author: 'keeper-bot',
    state: 'closed',
  })
  const oldest = github.seedIssue({
    title: 'Meta tokens',
    body,
    labels: [LABEL],
    author: 'octocat',
  })
  const newer = github.seedIssue({
    title: 'Meta tokens',
    body,
    labels: [LABEL],
    author: 'github-actions[bot]',
  })
  const run = await runOnAgency(sandbox, workspace)
  return {
    sandbox,
    run,
    oldest,
    newer,
    closedEarlier,
    closedEarlierBody: body,
  }
}

// Close, reopen, and stay open for a migration.

interface LifecycleStep {
  name: string
  run: ActionRun
  writes: string[]
  state: 'open' | 'closed' | null
  stateReason: IssueRecord['stateReason']
  title: string | null
}

interface LifecycleScenario {
  sandbox: Sandbox
  steps: LifecycleStep[]
  labelsBefore: number
}

async function lifecycleScenario(): Promise<LifecycleScenario> {
  const { sandbox, workspace } = await agency({
    agency: 'large',
    clients: 4,
    dueFraction: 0,
  })
  const [first, second] = sandbox.scenario.clients.map((c) => c.secret)
  const labelsBefore = sandbox.github.labels.length
  const now = nowSeconds()
  const steps: LifecycleStep[] = []
  const step = async (name: string) => {
    const from = sandbox.github.log.length
    const run = await runOnAgency(sandbox, workspace)
    const issue = sandbox.github.issues[0]
    steps.push({
      name,
      run,
      writes: issueWrites(sandbox, from).map((entry) => entry.route),
      stateReason: issue?.stateReason ?? null,
      state: issue?.state ?? null,
      title: issue?.title ?? null,
    })
  }

  await step('all healthy, no issue yet')
  replaceToken(sandbox, first as string, {
    type: 'USER',
    expiresAt: now + 50 * DAY_SECONDS,
    issuedAt: now - 10 * DAY_SECONDS,
  })
  await step('a client on a user token')
  await step('the same again')
  replaceToken(sandbox, first as string, {
    type: 'SYSTEM_USER',
    expiresAt: 0,
    issuedAt: now - DAY_SECONDS,
  })
  await step('moved to a System User token')
  await step('still healthy')
  replaceToken(sandbox, second as string, {
    type: 'USER',
    expiresAt: now - 3 * DAY_SECONDS,
    issuedAt: now - 63 * DAY_SECONDS,
  })
  await step('a user token expired')
  return { sandbox, steps, labelsBefore }
}

// 2,000 clients.

interface LargeScenario {
  sandbox: Sandbox
  run: ActionRun
  tokensFileBytes: number
}

/**
 * Runs the bundle once on 2,000 clients, passed through `tokens-file`. A
 * runner passes each input in one environment variable, and Linux rejects a
 * variable over 128 KiB (MAX_ARG_STRLEN), which 2,000 tokens of about 180
 * characters exceed. Every client is due in 1 to 20 days and the run has no
 * `github-token`, so nothing is refreshed and most clients are expiring.
 */
async function largeScenario(): Promise<LargeScenario> {
  const { sandbox, workspace } = await agency({
    agency: 'large',
    clients: 2000,
    dueFraction: 1,
  })
  const path = join(workspace.directory, 'meta-tokens.txt')
  await writeFile(path, sandbox.scenario.tokensInput)
  const run = await runOnAgency(sandbox, workspace, {
    tokens: '',
    'tokens-file': path,
    'github-token': '',
  })
  return {
    sandbox,
    run,
    tokensFileBytes: Buffer.byteLength(sandbox.scenario.tokensInput),
  }
}

let lookup: LookupScenario
let duplicates: DuplicateScenario
let lifecycle: LifecycleScenario
let large: LargeScenario
let example: IssueExample
let parseMermaid: (text: string) => Promise<unknown>

beforeAll(async () => {
  const loadMermaid = async () => {
    // Mermaid's sanitiser needs a DOM before the module loads.
    const { window } = new JSDOM('')
    Object.assign(globalThis, { window, document: window.document })
    const { default: mermaid } = await import('mermaid')
    parseMermaid = (text) => mermaid.parse(text)
  }
  ;[lookup, duplicates, lifecycle, large, example] = await Promise.all([
    lookupScenario(),
    duplicateScenario(),
    lifecycleScenario(),
    largeScenario(),
    runIssueExample(),
    loadMermaid(),
  ])
}, 120_000)

afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.close()))
  await Promise.all(
    workspaces.map((workspace) =>
      rm(workspace.directory, { recursive: true, force: true }),
    ),
  )
})

describe('tracking issue lookup', () => {
  it('updates the issue another login opened', () => {
    const [first] = lookup.runs
    expect(first?.outputs['issue-number']).toBe(String(lookup.tracking.number))
    expect(lookup.tracking.author).toBe('dana-ops')
    expect(lookup.tracking.title).toMatch(/^Meta tokens: 12 to re-authorize/)
    expect(lookup.tracking.body.startsWith(ISSUE_MARKER)).toBe(true)
    expect(lookup.sandbox.github.issues).toHaveLength(152)
  })

  it('creates no issue', () => {
    const creates = issueWrites(lookup.sandbox).filter(
      (entry) => entry.route === 'POST /repos/{owner}/{repo}/issues',
    )
    expect(creates).toEqual([])
  })

  it('lists every page, all states, by label', () => {
    const firstRun = lookup.listUrls.slice(0, 2)
    expect(firstRun.map((url) => url.searchParams.get('page') ?? '1')).toEqual([
      '1',
      '2',
    ])
    for (const url of lookup.listUrls) {
      expect(url.searchParams.get('state')).toBe('all')
      expect(url.searchParams.get('labels')).toBe(LABEL)
      expect(url.searchParams.get('per_page')).toBe('100')
      expect(url.searchParams.has('creator')).toBe(false)
    }
    expect(lookup.listUrls).toHaveLength(2 * lookup.runs.length)
  })

  it('never searches', () => {
    const routes = new Set(
      lookup.sandbox.github.log.map((entry) => entry.route),
    )
    for (const route of routes) {
      expect(route).not.toMatch(/search|\(unknown\)/)
    }
  })

  it('skips the pull request and the unlabelled issue', () => {
    expect(lookup.pullRequest.state).toBe('open')
    expect(lookup.pullRequest.body).toContain('quotes the marker')
    expect(lookup.unlabelled.state).toBe('open')
    expect(lookup.unlabelled.body).toContain('pasted the marker')
    expect(lookup.sandbox.github.comments).toEqual([])
  })

  it('sends no write when nothing changed', () => {
    const [, second] = lookup.runs
    const [, start, end] = lookup.marks
    expect(second?.outputs['issue-number']).toBe(String(lookup.tracking.number))
    const writes = lookup.sandbox.github.log
      .slice(start, end)
      .filter((entry) => entry.method !== 'GET')
      .filter((entry) => /issues|labels/.test(entry.route))
    expect(writes).toEqual([])
  })

  it('leaves a ticked box and CRLF alone', () => {
    const [, , start, end] = lookup.marks
    const writes = lookup.sandbox.github.log
      .slice(start, end)
      .filter((entry) => entry.method !== 'GET')
      .filter((entry) => /issues|labels/.test(entry.route))
    expect(writes).toEqual([])
    expect(lookup.bodyAfterTick).toContain('\r\n')
    expect(lookup.bodyAfterTick).toMatch(
      /- \[x\] \*\*Northwind Bikes\*\*.*item:migrate:META_TOKEN_NORTHWIND_BIKES/,
    )
  })

  it('keeps the tick through an edit', () => {
    const [, , , start, end] = lookup.marks
    const writes = lookup.sandbox.github.log
      .slice(start, end)
      .filter((entry) => entry.method !== 'GET')
      .map((entry) => entry.route)
    expect(writes).toEqual([
      'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
    ])
    const body = lookup.tracking.body
    expect(body).toContain('@kim-ads')
    expect(body).not.toContain('\r\n')
    expect(body).toMatch(
      /^- \[x\] \*\*Northwind Bikes\*\*.*item:migrate:META_TOKEN_NORTHWIND_BIKES -->$/m,
    )
    const ticked = body.split('\n').filter((line) => line.startsWith('- [x]'))
    expect(ticked).toHaveLength(1)
  })
})

describe('tracking issue duplicates', () => {
  it('keeps the oldest open issue', () => {
    expect(duplicates.run.outputs['issue-number']).toBe(
      String(duplicates.oldest.number),
    )
    expect(duplicates.oldest.state).toBe('open')
    expect(duplicates.oldest.title).toMatch(/^Meta tokens: 12 to re-authorize/)
    expect(duplicates.sandbox.github.issues).toHaveLength(3)
  })

  it('closes the newer one with a pointer', () => {
    expect(duplicates.newer.state).toBe('closed')
    expect(duplicates.newer.stateReason).toBe('not_planned')
    const comments = duplicates.sandbox.github.comments.filter(
      (comment) => comment.issueNumber === duplicates.newer.number,
    )
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toContain(`#${duplicates.oldest.number}`)
  })

  it('leaves the closed one alone', () => {
    expect(duplicates.closedEarlier.state).toBe('closed')
    expect(duplicates.closedEarlier.body).toBe(duplicates.closedEarlierBody)
    expect(duplicates.closedEarlier.comments).toBe(0)
  })

  it('logs the closure', () => {
    expect(duplicates.run.stdout).toContain(
      `Closed duplicate tracking issue #${duplicates.newer.number} in favour of #${duplicates.oldest.number}.`,
    )
  })
})

describe('tracking issue lifecycle', () => {
  const stepNamed = (name: string) => {
    const found = lifecycle.steps.find((step) => step.name === name)
    expect(found, name).toBeDefined()
    return found as LifecycleStep
  }

  it('opens nothing while all are healthy', () => {
    const step = stepNamed('all healthy, no issue yet')
    expect(step.writes).toEqual([])
    expect(step.state).toBeNull()
    expect(step.run.outputs['issue-number']).toBe('')
    expect(step.run.exitCode).toBe(0)
  })

  it('opens the issue for a migration', () => {
    const step = stepNamed('a client on a user token')
    expect(step.state).toBe('open')
    expect(step.title).toBe('Meta tokens: 1 to move to System User')
    expect(step.writes).toEqual([
      'POST /repos/{owner}/{repo}/labels',
      'POST /repos/{owner}/{repo}/issues',
    ])
    expect(step.run.outputs['issue-number']).toBe('1')
    expect(reportOf(step.run).every((r) => r.status === 'healthy')).toBe(true)
  })

  it('creates the label with colour and description', () => {
    expect(lifecycle.labelsBefore).toBe(0)
    const [label] = lifecycle.sandbox.github.labels
    expect(label?.name).toBe(LABEL)
    expect(label?.color).toMatch(/^[0-9a-f]{6}$/)
    expect(label?.color).not.toBe('ededed')
    expect(label?.description).toMatch(/Meta access tokens/)
    expect(lifecycle.sandbox.github.issues[0]?.labels).toEqual([LABEL])
  })

  it('stays open while a migration is pending', () => {
    const step = stepNamed('the same again')
    expect(step.writes).toEqual([])
    expect(step.state).toBe('open')
  })

  it('closes with a comment when nobody must act', () => {
    const step = stepNamed('moved to a System User token')
    expect(step.state).toBe('closed')
    expect(step.title).toBe('Meta tokens: all healthy')
    expect(step.stateReason).toBe('completed')
    expect(step.writes).toEqual([
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
    ])
    expect(lifecycle.sandbox.github.comments.map((c) => c.body)).toEqual([
      CLOSE_COMMENT,
    ])
  })

  it('leaves the closed issue alone', () => {
    const step = stepNamed('still healthy')
    expect(step.writes).toEqual([])
    expect(step.state).toBe('closed')
    expect(step.run.outputs['issue-number']).toBe('')
  })

  it('reopens the same issue', () => {
    const step = stepNamed('a user token expired')
    expect(step.state).toBe('open')
    expect(step.title).toBe(
      'Meta tokens: 1 to re-authorize, 1 to move to System User',
    )
    expect(step.writes).toEqual([
      'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
    ])
    expect(step.run.outputs['issue-number']).toBe('1')
    expect(lifecycle.sandbox.github.issues).toHaveLength(1)
    expect(step.stateReason).toBe('reopened')
  })
})

describe('tracking issue with 2,000 clients', () => {
  const issue = () => large.sandbox.github.issues[0]
  const expiring = () =>
    reportOf(large.run).filter((report) => report.status === 'expiring')

  it('checks all 2,000 clients', () => {
    expect(large.tokensFileBytes).toBeGreaterThan(MAX_ENV_STRING_BYTES)
    expect(large.run.outputs.checked).toBe('2000')
    expect(reportOf(large.run)).toHaveLength(2000)
  })

  it('writes the issue under the size limit', () => {
    expect(large.sandbox.github.issues).toHaveLength(1)
    const body = issue()?.body ?? ''
    expect(body.length).toBeGreaterThan(50_000)
    expect(body.length).toBeLessThan(65_536)
    expect(body.startsWith(ISSUE_MARKER)).toBe(true)
    expect(body).toContain('- [ ] Re-check now')
  })

  it('counts every expiring client in the title', () => {
    const count = expiring().length.toLocaleString('en-US')
    expect(expiring().length).toBeGreaterThan(500)
    expect(issue()?.title).toBe(`Meta tokens: ${count} expiring soon`)
  })

  it('says how many it left out', () => {
    const body = issue()?.body ?? ''
    const lines = section(body, 'Expiring soon')
    const shown = lines.filter((line) => line.startsWith('- **')).length
    const total = expiring().length
    const left = (total - shown).toLocaleString('en-US')
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThan(total)
    expect(lines).toContain(
      `- _${left} more clients not listed, to keep this issue under GitHub's size limit. The job summary and the \`report\` output list every client._`,
    )
    const healthy = reportOf(large.run).length - total
    expect(body).toContain(
      `<summary>Healthy (${healthy.toLocaleString('en-US')})</summary>`,
    )
  })

  it('lists the soonest expiries first', () => {
    const dates = section(issue()?.body ?? '', 'Expiring soon')
      .map(
        (line) =>
          / · expires (\d{4}-\d{2}-\d{2}) \(\d[\d,]* days? left as of \d{4}-\d{2}-\d{2}\) · /.exec(
            line,
          )?.[1],
      )
      .filter((date): date is string => date !== undefined)
    expect(dates.length).toBeGreaterThan(0)
    expect([...dates].sort()).toEqual(dates)
  })

  it('names the owner of each expiring client', () => {
    const items = section(issue()?.body ?? '', 'Expiring soon').filter((line) =>
      line.startsWith('- **'),
    )
    expect(items.length).toBeGreaterThan(0)
    for (const line of items) {
      expect(line).toMatch(
        / · normal priority · @(dana-ops|lee-accounts|sam-media)$/,
      )
    }
  })

  it('keeps a chart Mermaid parses', async () => {
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(issue()?.body ?? '')
    expect(chart).not.toBeNull()
    await expect(parseMermaid(chart?.[1] ?? '')).resolves.toMatchObject({
      diagramType: 'gantt',
    })
  })
})

describe('tracking issue content', () => {
  const DAY_MS = 86_400_000
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  const expiredDay = day(EXAMPLE_NOW - 35 * DAY_MS)

  it('counts what matters in the title', () => {
    expect(example.title).toBe(
      'Meta tokens: 12 to re-authorize, 14 to move to System User',
    )
  })

  it('says why and how to fix each client', () => {
    const items = section(example.body, 'Act now (12)')
    const heads = items.filter((line) => line.startsWith('- **'))
    expect(heads).toHaveLength(12)
    const expired = items.filter((line) =>
      line.includes(`The access token expired on ${expiredDay}.`),
    )
    expect(expired).toHaveLength(11)
    expect(items.join('\n')).toContain('changed their password')
    const details = items.filter((line) => line.startsWith('  '))
    expect(details).toHaveLength(12)
    for (const line of details) expect(line).toContain('**Fix:**')
  })

  it('sorts migrations by priority, then expiry', () => {
    const items = section(
      example.body,
      'Move to a System User token (14)',
    ).filter((line) => line.startsWith('- [ ] '))
    expect(items).toHaveLength(14)
    const rank = { high: 0, normal: 1, low: 2 } as Record<string, number>
    const keys = items.map((line) => {
      const priority = / · (high|normal|low) priority/.exec(line)?.[1] ?? ''
      const expiry = / · expire[sd] (\d{4}-\d{2}-\d{2})/.exec(line)?.[1]
      return [rank[priority] ?? 9, expiry ?? '9999-12-31'] as const
    })
    const sorted = [...keys].sort(
      (a, b) => a[0] - b[0] || a[1].localeCompare(b[1]),
    )
    expect(keys).toEqual(sorted)
  })

  it('names the owner from the clients file', () => {
    // The example runs on the same incident agency as the lookup scenario.
    const entries = (
      parse(lookup.sandbox.scenario.clientsFileYaml) as {
        clients: Record<string, { owner: string }>
      }
    ).clients
    const items = section(
      example.body,
      'Move to a System User token (14)',
    ).filter((line) => line.startsWith('- [ ] '))
    for (const line of items) {
      const secret = /\(`(META_TOKEN_[A-Z_]+)`\)/.exec(line)?.[1] ?? ''
      expect(line).toContain(` · @${entries[secret]?.owner} · `)
    }
  })

  it('folds healthy clients', () => {
    expect(example.body).toMatch(
      /<details><summary>Healthy \(4\)<\/summary>\n\n(- .*\n){4}\n<\/details>/,
    )
  })

  it('explains the migration', () => {
    const body = example.body
    for (const step of [
      'Business Settings',
      'System Users',
      'Assign assets',
      'Generate new token',
      '`ads_read`, `ads_management` and `business_management`',
      'never expires',
      '60-day',
      'Replace the secret',
    ]) {
      expect(body).toContain(step)
    }
  })

  it('draws a gantt chart Mermaid parses', async () => {
    const chart = /```mermaid\n([\s\S]*?)\n```/.exec(example.body)
    expect(chart?.[1]).toMatch(/^gantt\n/)
    expect(chart?.[1]).toContain(`11 tokens expire on ${expiredDay}`)
    await expect(parseMermaid(chart?.[1] ?? '')).resolves.toMatchObject({
      diagramType: 'gantt',
    })
  })

  it('writes absolute dates only', () => {
    const prose = example.body.replace(/```mermaid[\s\S]*?```/, '')
    expect(prose).not.toMatch(/\b(ago|tomorrow|today|yesterday)\b/i)
    expect(prose).not.toMatch(/\bin \d+ days?\b/)
    expect(prose).not.toMatch(/\d+ days? (left|remaining)/)
    const dates = new Set(prose.match(/\d{4}-\d{2}-\d{2}/g))
    expect(dates).toEqual(
      new Set([
        expiredDay,
        day(EXAMPLE_NOW + 50 * DAY_MS),
        day(EXAMPLE_NOW + 5_183_944_000),
      ]),
    )
  })

  it('links the run last', () => {
    const last = example.body.trimEnd().split('\n').at(-1)
    expect(last).toContain(
      '[this run](https://github.com/northwind-agency/meta-tokens/actions/runs/1234567890)',
    )
  })
})

describe('docs/tracking-issue.md', () => {
  it('shows the example the script renders', async () => {
    const committed = exampleSectionOf(await readFile(DOC_PATH, 'utf8'))
    expect(committed, 'run: npx node scripts/render-issue-example.ts').toBe(
      renderExampleSection(example),
    )
  })
})
