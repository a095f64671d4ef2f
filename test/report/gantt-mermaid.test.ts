/**
 * Parses the rendered gantt chart with Mermaid's own parser. Mermaid's
 * sanitiser (DOMPurify) needs a DOM, so a jsdom window is installed before
 * Mermaid is imported.
 */
import fc from 'fast-check'
import { JSDOM } from 'jsdom'
import { beforeAll, describe, expect, it } from 'vitest'
import { renderGantt } from '../../src/report/gantt.ts'
import { incidentReports, largeReports, makeReport } from './fixtures.ts'

const NOW = new Date('2026-12-04T10:00:00Z')

let parse: (text: string) => Promise<unknown>

beforeAll(async () => {
  const { window } = new JSDOM('')
  Object.assign(globalThis, { window, document: window.document })
  const { default: mermaid } = await import('mermaid')
  parse = (text) => mermaid.parse(text)
})

/** Returns the diagram text inside the ```mermaid fence. */
function diagram(block: string | null): string {
  expect(block).not.toBeNull()
  const match = /^```mermaid\n([\s\S]*?)\n```/m.exec(block as string)
  expect(match).not.toBeNull()
  return (match as RegExpExecArray)[1] as string
}

describe('gantt chart in Mermaid', () => {
  it('parses the incident agency', async () => {
    await expect(
      parse(diagram(renderGantt(incidentReports(), null))),
    ).resolves.toMatchObject({ diagramType: 'gantt' })
  })

  it('parses bars drawn from today', async () => {
    await expect(
      parse(diagram(renderGantt(incidentReports(), NOW))),
    ).resolves.toMatchObject({ diagramType: 'gantt' })
  })

  it('parses 2,000 clients', async () => {
    await expect(
      parse(diagram(renderGantt(largeReports(2000), null))),
    ).resolves.toMatchObject({ diagramType: 'gantt' })
  })

  it('rejects a broken chart', async () => {
    await expect(
      parse('gantt\n  dateFormat YYYY-MM-DD\n  section\n'),
    ).rejects.toThrow(/Parse error/)
  })

  it('parses any client name', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (name) => {
        const reports = [
          makeReport({
            client: name,
            status: 'expiring',
            expiresAt: '2026-12-20T00:00:00.000Z',
          }),
        ]
        await parse(diagram(renderGantt(reports, null)))
      }),
      { numRuns: 100 },
    )
  })
})
