import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { keepTickedBoxes } from '../../src/github/checklist.ts'
import {
  ISSUE_MARKER,
  RUN_LINK_MARKER,
} from '../../src/github/tracking-issue.ts'
import {
  renderIssue,
  renderTitle,
  type IssueOptions,
} from '../../src/report/issue-body.ts'
import type { ClientReport } from '../../src/types.ts'
import { incidentReports, largeReports, makeReport } from './fixtures.ts'
import { checkGantt } from './gantt-rules.ts'
import { COUNTDOWN } from '../../src/github/issue-markers.ts'

const OPTIONS: IssueOptions = {
  now: new Date('2026-12-04T10:00:00Z'),
  warnBeforeDays: 14,
  runUrl: 'https://github.com/northwind-agency/meta-tokens/actions/runs/42',
  unmatched: [],
}

function render(reports: ClientReport[], options: Partial<IssueOptions> = {}) {
  return renderIssue(reports, { ...OPTIONS, ...options })
}

/** Lines under a `## Heading (n)` up to the next heading. */
function section(body: string, heading: string): string[] {
  const lines = body.split('\n')
  const start = lines.findIndex((line) => line.startsWith(`## ${heading}`))
  if (start === -1) return []
  const end = lines.findIndex(
    (line, index) => index > start && /^(## |<details>)/.test(line),
  )
  return lines.slice(start + 1, end === -1 ? undefined : end)
}

function mermaidBlock(body: string): string | null {
  const match = /```mermaid\n[\s\S]*?\n```/.exec(body)
  return match ? match[0] : null
}

describe('renderTitle', () => {
  it('counts what needs a person', () => {
    expect(renderTitle(incidentReports())).toBe(
      'Meta tokens: 12 to re-authorize, 2 expiring soon, 14 to move to System User',
    )
  })

  it('omits zero parts', () => {
    const reports = [
      makeReport({ tokenType: 'USER', needsMigration: true }),
      makeReport({ secret: 'META_TOKEN_B' }),
    ]
    expect(renderTitle(reports)).toBe('Meta tokens: 1 to move to System User')
  })

  it('counts unchecked clients', () => {
    const reports = [makeReport({ status: 'error', tokenType: 'UNKNOWN' })]
    expect(renderTitle(reports)).toBe('Meta tokens: 1 not checked')
  })

  it('says all healthy', () => {
    expect(renderTitle([makeReport()])).toBe('Meta tokens: all healthy')
  })
})

describe('renderIssue', () => {
  const { title, body, needsAction } = render(incidentReports(), {
    unmatched: ['META_TOKEN_ZED_ZOO'],
  })

  it('starts with the marker', () => {
    expect(body.startsWith(`${ISSUE_MARKER}\n`)).toBe(true)
  })

  it('puts the re-check box near the top', () => {
    const lines = body.split('\n')
    expect(lines.indexOf('- [ ] Re-check now <!-- item:recheck -->')).toBe(3)
  })

  it('returns the title and needsAction', () => {
    expect(title).toBe(renderTitle(incidentReports()))
    expect(needsAction).toBe(true)
  })

  it('orders the sections', () => {
    const order = [
      '## Act now (12)',
      '## Expiring soon (2)',
      '## Move to a System User token (14)',
      '<summary>How to move a client to a System User token</summary>',
      '## Expiry dates',
      '<summary>Healthy (2)</summary>',
      '## In the clients file but not passed (1)',
      'Last changed by [this run]',
    ]
    const positions = order.map((text) => body.indexOf(text))
    expect(positions.every((position) => position >= 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
  })

  it('lists act-now clients by priority', () => {
    const items = section(body, 'Act now').filter((l) => l.startsWith('- '))
    expect(items).toHaveLength(12)
    const priorities = items.map((line) => /· (\w+) priority/.exec(line)?.[1])
    expect(priorities.slice(0, 5)).toEqual(Array(5).fill('high'))
    expect(priorities.slice(-3)).toEqual(Array(3).fill('low'))
  })

  it('gives reason, fix and owner', () => {
    const lines = section(body, 'Act now')
    const at = lines.findIndex((line) => line.includes('Rowan Realty'))
    expect(lines[at]).toContain('(`META_TOKEN_ROWAN_REALTY`)')
    expect(lines[at]).toContain('Invalid')
    expect(lines[at]).toContain('@octocat')
    expect(lines[at + 1]).toContain('changed their Facebook password')
    expect(lines[at + 1]).toContain('**Fix:** Ask the user to log in again')
  })

  it('dates expiring tokens absolutely', () => {
    const lines = section(body, 'Expiring soon')
    expect(lines.join('\n')).toContain('within 14 days')
    const items = lines.filter((line) => line.startsWith('- '))
    expect(items[0]).toContain('Quince Quilts')
    expect(items[0]).toContain('expires 2026-12-04')
    expect(items[1]).toMatch(
      /expires 2026-12-14 \(\d+ days left as of \d{4}-\d{2}-\d{2}\) ·/,
    )
    const withoutCountdowns = body.replace(COUNTDOWN, '')
    expect(withoutCountdowns).not.toMatch(
      /\bin \d+ days?\b|\d+ days? (left|ago)/,
    )
  })

  it('checks off migrations by priority then expiry', () => {
    const items = section(body, 'Move to a System User token').filter((l) =>
      l.startsWith('- [ ] '),
    )
    expect(items).toHaveLength(14)
    for (const item of items) {
      expect(item).toMatch(
        /^- \[ \] \*\*.+\*\* \(`(META_TOKEN_\w+)`\) · (high|normal|low) priority.* · (expired|expires) \d{4}-\d{2}-\d{2} <!-- item:migrate:\1 -->$/,
      )
    }
    const rowan = items.findIndex((item) => item.includes('ROWAN_REALTY'))
    const oak = items.findIndex((item) => item.includes('OAK_OPTICS'))
    const quince = items.findIndex((item) => item.includes('QUINCE_QUILTS'))
    // Rowan is high priority; Oak (normal, 2027-01-23) follows the normal
    // clients that expired in 2026; Quince is low priority.
    expect(rowan).toBe(4)
    expect(oak).toBe(9)
    expect(quince).toBe(13)
  })

  it('sorts never-expiring migrations last', () => {
    const reports = [
      makeReport({
        secret: 'META_TOKEN_NEVER',
        tokenType: 'PAGE',
        needsMigration: true,
      }),
      makeReport({
        secret: 'META_TOKEN_SOON',
        tokenType: 'USER',
        needsMigration: true,
        expiresAt: '2027-01-01T00:00:00Z',
      }),
    ]
    const items = section(render(reports).body, 'Move to').filter((l) =>
      l.startsWith('- [ ]'),
    )
    expect(items[0]).toContain('META_TOKEN_SOON')
    expect(items[1]).toContain('META_TOKEN_NEVER')
    expect(items[1]).toContain('never expires')
  })

  it('explains the migration', () => {
    expect(body).toContain('System Users')
    expect(body).toContain(
      '`ads_read`, `ads_management` and `business_management`',
    )
    expect(body).toContain('60-day')
  })

  it('contains a valid chart', () => {
    const chart = mermaidBlock(body)
    expect(chart).not.toBeNull()
    expect(checkGantt(chart as string).problems).toEqual([])
  })

  it('folds healthy clients', () => {
    expect(body).toMatch(
      /<details><summary>Healthy \(2\)<\/summary>\n\n- Northwind Bikes[^\n]*never expires\n- Oak Optics[^\n]*\n\n<\/details>/,
    )
  })

  it('lists unmatched secrets', () => {
    expect(section(body, 'In the clients file').join('\n')).toContain(
      '`META_TOKEN_ZED_ZOO`: listed in the clients file',
    )
  })

  it('ends with the run link', () => {
    expect(body.trimEnd().split('\n').at(-1)).toContain(
      'Last changed by [this run](https://github.com/northwind-agency/meta-tokens/actions/runs/42).',
    )
  })

  it('omits the run link without runUrl', () => {
    expect(render(incidentReports(), { runUrl: null }).body).not.toContain(
      'Last changed',
    )
  })

  it('changes only countdowns with the clock', () => {
    const later = render(incidentReports(), {
      now: new Date('2026-12-10T00:00:00Z'),
    })
    const first = render(incidentReports())
    expect(later.body).not.toBe(first.body)
    expect(later.body.replace(COUNTDOWN, '')).toBe(
      first.body.replace(COUNTDOWN, ''),
    )
  })

  it('shows a refreshed token as healthy', () => {
    const refreshed = incidentReports().map((r) =>
      r.status === 'healthy' ? { ...r, status: 'refreshed' as const } : r,
    )
    expect(render(refreshed).body).toBe(render(incidentReports()).body)
  })

  it('ignores the input order', () => {
    const reversed = render(incidentReports().reverse())
    expect(reversed.body).toBe(render(incidentReports()).body)
  })

  it('changes only the run link between runs', () => {
    const next = render(incidentReports(), {
      runUrl: 'https://github.com/northwind-agency/meta-tokens/actions/runs/43',
    })
    const first = render(incidentReports())
    expect(next.body).not.toBe(first.body)
    const beforeLink = (text: string) =>
      text.slice(0, text.indexOf(RUN_LINK_MARKER))
    expect(next.body).toContain(RUN_LINK_MARKER)
    expect(beforeLink(next.body)).toBe(beforeLink(first.body))
  })

  it('keeps ticked boxes through the checklist sync', () => {
    const ticked = body.replace(
      '- [ ] **Rowan Realty**',
      '- [x] **Rowan Realty**',
    )
    const next = keepTickedBoxes(ticked, body)
    expect(next).toContain('- [x] **Rowan Realty**')
  })

  it('escapes Markdown in names and notes', () => {
    const reports = [
      makeReport({
        client: 'A|B *bold* <!-- item:recheck -->',
        status: 'expired',
        expiresAt: '2026-10-01T00:00:00Z',
        reason: 'Line one\nline two | pipe',
        note: '<script>x</script>',
      }),
    ]
    const text = render(reports).body
    expect(text).toContain('A\\|B \\*bold\\* &lt;!-- item:recheck --\\>')
    expect(text).toContain('Line one line two \\| pipe')
    expect(text).not.toContain('<script>')
    expect(text.match(/<!-- item:recheck -->/g)).toHaveLength(1)
  })

  it('says when no client needs a person', () => {
    const result = render([makeReport()])
    expect(result.needsAction).toBe(false)
    expect(result.title).toBe('Meta tokens: all healthy')
    expect(result.body).toContain('healthy and on System User tokens')
    expect(result.body).not.toContain('## Act now')
  })

  it.each([
    ['expired', { status: 'expired' }],
    ['invalid', { status: 'invalid' }],
    ['error', { status: 'error' }],
    ['expiring', { status: 'expiring' }],
    ['migration', { needsMigration: true }],
  ] as const)('needs action for %s', (_, overrides) => {
    expect(render([makeReport(overrides)]).needsAction).toBe(true)
  })
})

describe('renderIssue size limit', () => {
  const reports = largeReports(2000)
  const { body, title } = render(reports)

  it('stays under the limit with 2,000 clients', () => {
    expect(body.length).toBeLessThanOrEqual(65_000)
    expect(body.startsWith(ISSUE_MARKER)).toBe(true)
    expect(title).toBe(
      'Meta tokens: 668 to re-authorize, 333 not checked, 333 expiring soon, 1,000 to move to System User',
    )
  })

  it('keeps the totals in the headings', () => {
    expect(body).toContain('## Act now (1,001)')
    expect(body).toContain('## Expiring soon (333)')
    expect(body).toContain('## Move to a System User token (1,000)')
    expect(body).toContain('<summary>Healthy (666)</summary>')
  })

  it('counts what it left out', () => {
    for (const heading of ['Act now', 'Expiring soon', 'Move to']) {
      const lines = section(body, heading)
      const shown = lines.filter((line) => /^- (\[ \] )?\*\*/.test(line)).length
      const omitted = lines.find((line) => line.includes('not listed'))
      const total = Number(
        /\(([\d,]+)\)/
          .exec(
            body.split('\n').find((l) => l.startsWith(`## ${heading}`)) ?? '',
          )?.[1]
          ?.replace(/,/g, ''),
      )
      expect(shown).toBeGreaterThan(0)
      expect(omitted).toContain(
        `${(total - shown).toLocaleString('en-US')} more`,
      )
    }
  })

  it('folds healthy clients first', () => {
    expect(body).toMatch(/Healthy \(666\)<\/summary>\n\n- _666 more clients/)
  })

  it('keeps the most urgent items', () => {
    const first = section(body, 'Act now').find((line) => line.startsWith('- '))
    expect(first).toContain('high priority')
  })

  it('keeps a valid chart and HTML', () => {
    const chart = mermaidBlock(body)
    expect(chart).not.toBeNull()
    expect(checkGantt(chart as string).problems).toEqual([])
    const opened = body.match(/<details>/g)?.length ?? 0
    const closed = body.match(/<\/details>/g)?.length ?? 0
    expect(opened).toBe(closed)
    expect((body.match(/```/g)?.length ?? 0) % 2).toBe(0)
  })

  it('fits any limit and client count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 6_000, max: 65_000 }),
        (count, maxLength) => {
          const result = render(largeReports(count), { maxLength })
          expect(result.body.length).toBeLessThanOrEqual(maxLength)
          expect(result.body.startsWith(ISSUE_MARKER)).toBe(true)
          expect(result.body).toContain('<!-- item:recheck -->')
        },
      ),
      { numRuns: 25 },
    )
  })
})
