import { describe, expect, it } from 'vitest'
import { renderSummary } from '../../src/report/summary.ts'
import type { ClientReport, RunTotals } from '../../src/types.ts'
import { incidentReports, largeReports, makeReport } from './fixtures.ts'

const TOTALS: RunTotals = {
  checked: 16,
  refreshed: 1,
  attention: 15,
  unfinished: 0,
}

function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) =>
      line
        .slice(2, -2)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    )
}

describe('renderSummary', () => {
  const markdown = renderSummary(incidentReports(), TOTALS, {
    dryRun: false,
    notes: [],
  })

  it('starts with a heading and counts', () => {
    const lines = markdown.split('\n')
    expect(lines[0]).toBe('## Meta Token Keeper')
    expect(lines[2]).toBe(
      '**16** checked · **1** refreshed · **15** need a person · **0** not checked or not refreshed',
    )
  })

  it('has six columns', () => {
    expect(markdown).toContain(
      '| Client | Status | Type | Expires | Written | Reason |',
    )
    for (const row of tableRows(markdown)) expect(row).toHaveLength(6)
  })

  it('lists clients who need a person first', () => {
    const statuses = tableRows(markdown).map((row) => row[1] as string)
    expect(
      statuses.slice(0, 12).every((s) => /^(Expired|Invalid)/.test(s)),
    ).toBe(true)
    expect(statuses.slice(12, 14).every((s) => s.startsWith('Expiring'))).toBe(
      true,
    )
    expect(statuses[14]).toBe('Healthy · move to System User')
    expect(statuses[15]).toBe('Healthy')
  })

  it('shows type, expiry and written', () => {
    const rows = tableRows(markdown)
    const northwind = rows.find((row) => row[0]?.startsWith('Northwind'))
    expect(northwind?.[0]).toBe(
      'Northwind Bikes (`META_TOKEN_NORTHWIND_BIKES`) · @hubot',
    )
    expect(northwind?.slice(2, 5)).toEqual(['System User', 'never', 'no'])
    const rowan = rows.find((row) => row[0]?.startsWith('Rowan'))
    expect(rowan?.[3]).toBe('2027-01-10')
    expect(rowan?.[5]).toContain('**Fix:** Ask the user to log in again')
  })

  it('reports a written token', () => {
    const text = renderSummary(
      [
        makeReport({
          status: 'refreshed',
          written: true,
          revoked: true,
          expiresAt: '2027-02-01T00:00:00Z',
        }),
      ],
      { checked: 1, refreshed: 1, attention: 0, unfinished: 0 },
      { dryRun: false, notes: [] },
    )
    expect(tableRows(text)[0]?.slice(1, 5)).toEqual([
      'Refreshed',
      'System User',
      '2027-02-01',
      'yes, old token revoked',
    ])
  })

  it('escapes pipes and line breaks in cells', () => {
    const text = renderSummary(
      [
        makeReport({
          client: 'Pipe | Name',
          reason: 'first line\nsecond | line',
          status: 'error',
          tokenType: 'UNKNOWN',
        }),
      ],
      { checked: 1, refreshed: 0, attention: 1, unfinished: 1 },
      { dryRun: false, notes: [] },
    )
    const row = tableRows(text)[0] as string[]
    expect(row).toHaveLength(6)
    expect(row[0]).toContain('Pipe \\| Name')
    expect(row[3]).toBe('unknown')
    expect(row[5]).toBe('first line second \\| line')
  })

  it('says when it was a dry run', () => {
    const text = renderSummary(incidentReports(), TOTALS, {
      dryRun: true,
      notes: [],
    })
    expect(text).toContain(
      '**Dry run:** nothing was exchanged, written or changed.',
    )
    expect(markdown).not.toContain('Dry run')
  })

  it('lists notes', () => {
    const text = renderSummary(incidentReports(), TOTALS, {
      dryRun: false,
      notes: ['Meta rejected the app secret.', 'Two\nlines'],
    })
    expect(text).toMatch(
      /### Notes\n\n- Meta rejected the app secret\.\n- Two lines\n$/,
    )
  })

  it('renders no table without reports', () => {
    const text = renderSummary(
      [],
      { checked: 0, refreshed: 0, attention: 0, unfinished: 0 },
      { dryRun: false, notes: [] },
    )
    expect(text).toContain('No client token was checked.')
    expect(text).not.toContain('| Client |')
  })

  it('stays under the byte limit', () => {
    const reports: ClientReport[] = largeReports(2000)
    const text = renderSummary(reports, TOTALS, {
      dryRun: false,
      notes: ['A note.'],
      maxBytes: 50_000,
    })
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(50_000)
    const shown = tableRows(text).length
    expect(shown).toBeGreaterThan(0)
    expect(text).toContain(
      `_${(2000 - shown).toLocaleString('en-US')} more clients are not shown`,
    )
    expect(text).toContain('### Notes')
  })

  it('shows every row under the default limit', () => {
    const text = renderSummary(largeReports(2000), TOTALS, {
      dryRun: false,
      notes: [],
    })
    expect(tableRows(text)).toHaveLength(2000)
  })
})
