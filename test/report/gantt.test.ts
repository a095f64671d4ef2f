import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { renderGantt, sanitizeTaskName } from '../../src/report/gantt.ts'
import type { Status } from '../../src/types.ts'
import { incidentReports, largeReports, makeReport } from './fixtures.ts'
import { checkGantt } from './gantt-rules.ts'

const NOW = new Date('2026-12-04T10:00:00Z')

function validTasks(block: string | null) {
  expect(block).not.toBeNull()
  const { problems, tasks } = checkGantt(block as string)
  expect(problems).toEqual([])
  return tasks
}

describe('renderGantt', () => {
  it('returns null when nothing expires', () => {
    expect(renderGantt([makeReport(), makeReport()], NOW)).toBeNull()
  })

  it('follows the gantt grammar', () => {
    validTasks(renderGantt(incidentReports(), NOW))
    validTasks(renderGantt(incidentReports(), null))
  })

  it('draws one task per expiring client', () => {
    const tasks = validTasks(renderGantt(incidentReports(), null))
    const clientTasks = tasks.filter((t) => t.section !== 'Same-day expiries')
    // 16 clients, one of which never expires.
    expect(clientTasks).toHaveLength(15)
  })

  it('orders sections by status', () => {
    const tasks = validTasks(renderGantt(incidentReports(), null))
    const sections = [...new Set(tasks.map((task) => task.section))]
    expect(sections).toEqual([
      'Expired',
      'Invalid',
      'Expiring',
      'Healthy',
      'Same-day expiries',
    ])
  })

  it('marks the same-day cluster', () => {
    const tasks = validTasks(renderGantt(incidentReports(), null))
    const clusters = tasks.filter((t) => t.section === 'Same-day expiries')
    expect(clusters).toHaveLength(1)
    expect(clusters[0]?.name).toBe('11 tokens expire on 2026-10-30')
    expect(clusters[0]?.start).toBe('2026-10-30')
    const expired = tasks.filter((t) => t.section === 'Expired')
    expect(new Set(expired.map((t) => t.start))).toEqual(
      new Set(['2026-10-30']),
    )
  })

  it('draws bars from now to future expiries', () => {
    const tasks = validTasks(renderGantt(incidentReports(), NOW))
    const oak = tasks.find((task) => task.name === 'Oak Optics')
    expect(oak).toMatchObject({ start: '2026-12-04', end: '2027-01-23' })
    expect(oak?.tags).toEqual([])
    const alder = tasks.find((task) => task.name === 'Alder Outdoor')
    expect(alder).toMatchObject({ start: '2026-10-30', end: '0d' })
    expect(alder?.tags).toEqual(['crit', 'milestone'])
  })

  it('uses only milestones without now', () => {
    const tasks = validTasks(renderGantt(incidentReports(), null))
    expect(tasks.every((task) => task.tags.includes('milestone'))).toBe(true)
  })

  it('marks urgent statuses crit', () => {
    const tasks = validTasks(renderGantt(incidentReports(), null))
    const pine = tasks.find((task) => task.name === 'Pine Pharmacy')
    const oak = tasks.find((task) => task.name === 'Oak Optics')
    expect(pine?.tags).toContain('crit')
    expect(oak?.tags).not.toContain('crit')
  })

  it('groups by day past maxTasks', () => {
    const tasks = validTasks(
      renderGantt(incidentReports(), null, { maxTasks: 5 }),
    )
    expect(tasks.map((task) => task.name)).toEqual([
      '11 clients',
      '1 client',
      '1 client',
      '1 client',
      '1 client',
    ])
  })

  it('groups by month for large agencies', () => {
    const tasks = validTasks(renderGantt(largeReports(2000), null))
    expect(tasks.length).toBeLessThanOrEqual(6 * 12)
    const counted = tasks.reduce(
      (sum, task) => sum + Number(task.name.split(' ')[0]),
      0,
    )
    const expiring = largeReports(2000).filter((r) => r.expiresAt !== null)
    expect(counted).toBe(expiring.length)
  })

  it('is the same for the same reports', () => {
    expect(renderGantt(incidentReports(), null)).toBe(
      renderGantt(incidentReports().reverse(), null),
    )
  })

  it('keeps any client name valid', () => {
    const statuses: Status[] = ['expired', 'healthy', 'expiring', 'error']
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.string({ maxLength: 80 }),
            fc.constantFrom(...statuses),
            fc.date({
              min: new Date('2020-01-01'),
              max: new Date('2035-12-31'),
              noInvalidDate: true,
            }),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        (clients) => {
          const reports = clients.map(([client, status, date], index) =>
            makeReport({
              client,
              secret: `META_TOKEN_C${index}`,
              status,
              expiresAt: date.toISOString(),
            }),
          )
          validTasks(renderGantt(reports, NOW))
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('sanitizeTaskName', () => {
  it.each([
    ['Northwind Bikes', 'Northwind Bikes'],
    ['Acme: Ads; #1', 'Acme Ads 1'],
    ['Two\nLines', 'Two Lines'],
    ['Section Eight', 'Client Section Eight'],
    ['title case', 'Client title case'],
    ['100%% sure', '100% sure'],
    ['```js', 'js'],
    ['<b>bold</b>', 'b bold /b'],
    [':::', 'Client'],
    ['x'.repeat(80), 'x'.repeat(60)],
  ])('%s', (name, expected) => {
    expect(sanitizeTaskName(name)).toBe(expected)
  })
})
