/**
 * The bundled action (dist/index.js), run as a runner runs it, on the
 * incident agency of 16 clients in the simulators over real HTTP: the
 * statuses, the rewritten secrets (opened and checked), the tracking issue,
 * the failed run, a second run that changes nothing, and no secret in any
 * channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import {
  createWorkspace,
  runOnAgency,
  type AgencyWorkspace,
} from '../harness/agency-run.ts'
import type { ActionRun } from '../harness/run-action.ts'
import { describeLeaks, findLeaks, visibleLog } from '../harness/leaks.ts'
import type { ClientReport } from '../../src/types.ts'

const DAY_MS = 86_400_000

let sandbox: Sandbox
let workspace: AgencyWorkspace
let first: ActionRun
let second: ActionRun
let firstReport: ClientReport[]
const counts = {
  first: {} as Record<string, number>,
  second: {} as Record<string, number>,
}
const originalTokens = new Map<string, string>()

beforeAll(async () => {
  sandbox = await startSandbox({ clients: 16 })
  workspace = await createWorkspace(sandbox)
  for (const client of sandbox.scenario.clients) {
    originalTokens.set(client.secret, client.token)
  }

  const start = sandbox.counters()
  first = await runOnAgency(sandbox, workspace)
  const middle = sandbox.counters()
  second = await runOnAgency(sandbox, workspace)
  const end = sandbox.counters()

  for (const key of Object.keys(start) as (keyof typeof start)[]) {
    counts.first[key] = middle[key] - start[key]
    counts.second[key] = end[key] - middle[key]
  }
  firstReport = JSON.parse(first.outputs.report ?? '[]') as ClientReport[]
})

afterAll(async () => {
  await sandbox?.close()
})

function reportFor(kind: string): ClientReport[] {
  const secrets = sandbox.scenario.clients
    .filter((client) => client.kind === kind)
    .map((client) => client.secret)
  return firstReport.filter((report) => secrets.includes(report.secret))
}

describe('incident agency, first run', () => {
  it('fails the run with one reason', () => {
    expect(first.exitCode).toBe(1)
    expect(first.stdout).toMatch(
      /::error::Meta tokens need attention \(fail-on: expired\): 12 expired or invalid/,
    )
  })

  it('sets the outputs', () => {
    expect(first.outputs.checked).toBe('16')
    expect(first.outputs.refreshed).toBe('2')
    expect(first.outputs.attention).toBe('14')
    expect(first.outputs['issue-number']).toBe('1')
    expect(firstReport).toHaveLength(16)
  })

  it('reports the expired user tokens', () => {
    const expired = reportFor('expired-user')
    expect(expired).toHaveLength(11)
    for (const report of expired) {
      expect(report.status).toBe('expired')
      expect(report.tokenType).toBe('USER')
      expect(report.needsMigration).toBe(true)
      expect(report.written).toBe(false)
      expect(report.reason).toMatch(/expired on \d{4}-\d{2}-\d{2}/)
    }
    const expiries = expired.map((report) => Date.parse(report.expiresAt ?? ''))
    expect(Math.max(...expiries) - Math.min(...expiries)).toBeLessThanOrEqual(
      3_600_000,
    )
  })

  it('reports the password change', () => {
    const [report] = reportFor('invalidated-user')
    expect(report?.status).toBe('invalid')
    expect(report?.reason).toMatch(/changed their password/)
    expect(report?.needsMigration).toBe(true)
  })

  it('keeps the never-expiring System User token', () => {
    const [report] = reportFor('never-expiring-system-user')
    expect(report?.status).toBe('healthy')
    expect(report?.tokenType).toBe('SYSTEM_USER')
    expect(report?.expiresAt).toBeNull()
    expect(report?.needsMigration).toBe(false)
    expect(report?.written).toBe(false)
  })

  it('leaves the 50-day user token alone', () => {
    const [report] = reportFor('long-lived-user')
    expect(report?.status).toBe('healthy')
    expect(report?.needsMigration).toBe(true)
    expect(report?.written).toBe(false)
  })

  it('refreshes the 60-day System User token', () => {
    const [report] = reportFor('expiring-system-user')
    expect(report?.status).toBe('refreshed')
    expect(report?.written).toBe(true)
    expect(report?.needsMigration).toBe(false)
    const newExpiry = Date.parse(report?.expiresAt ?? '')
    expect(newExpiry - Date.now()).toBeGreaterThan(59 * DAY_MS)
    expect(Date.parse(report?.previousExpiresAt ?? '')).toBeLessThan(newExpiry)
  })

  it('exchanges the short-lived user token', () => {
    const [report] = reportFor('short-lived-user')
    expect(report?.status).toBe('refreshed')
    expect(report?.written).toBe(true)
    expect(report?.tokenType).toBe('USER')
    expect(report?.needsMigration).toBe(true)
  })

  it('writes verified new tokens to the two secrets', () => {
    const refreshed = ['expiring-system-user', 'short-lived-user']
    for (const client of sandbox.scenario.clients) {
      const stored = sandbox.github.readSecret(
        { kind: 'repository' },
        client.secret,
      )
      if (!refreshed.includes(client.kind)) {
        expect(stored, client.secret).toBe(client.token)
        continue
      }
      expect(stored, client.secret).not.toBe(client.token)
      const record = sandbox.meta.inspect(stored ?? '')
      expect(record?.origin).toBe('exchange')
      expect(record?.revoked).toBe(false)
      expect(record?.invalidated).toBeNull()
      expect((record?.expiresAt ?? 0) * 1000 - Date.now()).toBeGreaterThan(
        59 * DAY_MS,
      )
    }
    expect(counts.first.secretWrites).toBe(2)
    expect(counts.first.exchanges).toBe(2)
  })

  it('inspects in one batch request', () => {
    expect(counts.first.batchRequests).toBe(1)
  })

  it('opens one tracking issue naming 14 clients', () => {
    expect(sandbox.github.issues).toHaveLength(1)
    const issue = sandbox.github.issues[0]
    expect(issue?.title).toBe(
      'Meta tokens: 12 to re-authorize, 14 to move to System User',
    )
    const attention = firstReport.filter(
      (report) => report.needsMigration || report.status !== 'healthy',
    )
    for (const report of firstReport) {
      const named = issue?.body.includes(`\`${report.secret}\``)
      expect(named, report.secret).toBe(true)
    }
    expect(
      attention.filter((r) => r.status !== 'refreshed' || r.needsMigration),
    ).toHaveLength(14)
    expect(issue?.body).toContain('- [ ] Re-check now')
    expect(issue?.body).toContain('```mermaid\ngantt')
  })

  it('writes the job summary', () => {
    expect(first.summary).toContain('Meta Token Keeper')
    for (const report of firstReport) {
      expect(first.summary).toContain(report.client)
    }
  })

  it('keeps the error annotations GitHub shows', () => {
    // GitHub shows 10 error annotations per step: 7 clients, one line that
    // counts the other 5, and the run's failure fit.
    const errors = first.stdout.match(/^::error\b.*$/gm) ?? []
    expect(errors).toHaveLength(9)
    expect(
      errors.filter((line) => line.startsWith('::error title=')),
    ).toHaveLength(8)
    expect(errors[7]).toContain(
      '5 more clients expired, invalid or not checked',
    )
    expect(errors.at(-1)).toMatch(/^::error::Meta tokens need attention/)
  })

  it('annotates high priority clients first', () => {
    const titles = [...first.stdout.matchAll(/^::error title=(.+)%3A \w+::/gm)]
      .map((match) => match[1])
      .slice(0, 7)
    const high = firstReport
      .filter((report) =>
        ['expired', 'invalid', 'error'].includes(report.status),
      )
      .filter((report) => report.priority === 'high')
      .map((report) => report.client)
    expect(high.length).toBeGreaterThan(0)
    for (const client of high) expect(titles).toContain(client)
  })
})

describe('incident agency, second run', () => {
  it('exchanges and writes nothing', () => {
    expect(counts.second.exchanges).toBe(0)
    expect(counts.second.secretWrites).toBe(0)
    expect(second.outputs.refreshed).toBe('0')
  })

  it('leaves the issue untouched', () => {
    expect(counts.second.issueWrites).toBe(0)
    expect(counts.second.labelWrites).toBe(0)
    expect(sandbox.github.issues).toHaveLength(1)
  })

  it('still fails for the expired tokens', () => {
    expect(second.exitCode).toBe(1)
    expect(second.outputs.attention).toBe('14')
  })
})

describe('incident agency, secrets', () => {
  it('masks every credential and token', () => {
    const masked = new Set(
      first.stdout
        .split('\n')
        .filter((line) => line.startsWith('::add-mask::'))
        .map((line) => line.slice('::add-mask::'.length)),
    )
    expect(masked.has(sandbox.appSecret)).toBe(true)
    expect(masked.has(sandbox.writerToken)).toBe(true)
    for (const token of originalTokens.values()) {
      expect(masked.has(token)).toBe(true)
    }
    for (const client of sandbox.scenario.clients) {
      const stored = sandbox.github.readSecret(
        { kind: 'repository' },
        client.secret,
      )
      expect(masked.has(stored ?? ''), client.secret).toBe(true)
    }
  })

  it('leaks no token in any channel', () => {
    const secrets = [
      sandbox.appSecret,
      sandbox.writerToken,
      sandbox.issueToken,
      ...originalTokens.values(),
      ...sandbox.scenario.clients.map(
        (client) =>
          sandbox.github.readSecret({ kind: 'repository' }, client.secret) ??
          '',
      ),
    ]
    const channels: Record<string, string> = {}
    for (const [name, run] of Object.entries({ first, second })) {
      channels[`${name}.stdout`] = visibleLog(run.stdout)
      channels[`${name}.stderr`] = run.stderr
      channels[`${name}.summary`] = run.summary
      channels[`${name}.outputs`] = JSON.stringify(run.outputs)
    }
    for (const issue of sandbox.github.issues) {
      channels[`issue#${issue.number}`] = `${issue.title}\n${issue.body}`
    }
    for (const comment of sandbox.github.comments) {
      channels[`comment on #${comment.issueNumber}`] = comment.body
    }
    const leaks = findLeaks(channels, secrets)
    expect(leaks, describeLeaks(leaks)).toEqual([])
  })
})
