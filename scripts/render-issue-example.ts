/**
 * Writes the example tracking issue into docs/tracking-issue.md, between the
 * `<!-- example:start -->` and `<!-- example:end -->` markers. The example is
 * the issue that the bundled action (dist/index.js) opens on its first run on
 * the incident agency of 16 clients in the local simulators. The simulators
 * and the action's clock both start at EXAMPLE_NOW, so the dates in the
 * example do not depend on the day the script runs.
 *
 * Usage: `npx node scripts/render-issue-example.ts` (after `npm run build`).
 * Exits 1 without writing when a marker is missing or the run opened no issue.
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startSandbox } from '../test/sim/index.ts'
import { createWorkspace, runOnAgency } from '../test/harness/agency-run.ts'
import { clockEnvironment } from '../test/harness/clock.ts'

/**
 * Time of the example run: after the release of Graph API v27.0 (the default
 * `graph-api-version`, which the simulator rejects before 2026-11-04), at
 * noon UTC so that the 11 expiries within one hour fall on one day.
 */
export const EXAMPLE_NOW = Date.parse('2026-11-20T12:00:00Z')

export const DOC_PATH = fileURLToPath(
  new URL('../docs/tracking-issue.md', import.meta.url),
)

const START = '<!-- example:start -->'
const END = '<!-- example:end -->'

export interface IssueExample {
  title: string
  body: string
}

/** Runs the bundle once on the incident agency and returns the issue it opened. */
export async function runIssueExample(): Promise<IssueExample> {
  const sandbox = await startSandbox({ clients: 16, now: () => EXAMPLE_NOW })
  const workspace = await createWorkspace(sandbox)
  try {
    await runOnAgency(
      sandbox,
      workspace,
      {},
      {
        env: clockEnvironment(EXAMPLE_NOW),
      },
    )
    const issue = sandbox.github.issues[0]
    if (!issue) throw new Error('The example run opened no tracking issue.')
    return { title: issue.title, body: issue.body }
  } finally {
    await sandbox.close()
    await rm(workspace.directory, { recursive: true, force: true })
  }
}

/**
 * Builds the text between the markers. Prettier leaves the body alone
 * (`prettier-ignore-start`/`-end`), so it stays as the action wrote it.
 */
export function renderExampleSection(example: IssueExample): string {
  return [
    START,
    '<!-- scripts/render-issue-example.ts writes this section. Edit the script, not the section. -->',
    '',
    `**Title:** ${example.title}`,
    '',
    '**Body:**',
    '',
    '<!-- prettier-ignore-start -->',
    example.body.trimEnd(),
    '<!-- prettier-ignore-end -->',
    END,
  ].join('\n')
}

/** Returns the text between the markers of `doc`, markers included, or null when one is missing. */
export function exampleSectionOf(doc: string): string | null {
  const start = doc.indexOf(START)
  const end = doc.indexOf(END)
  if (start === -1 || end === -1 || end < start) return null
  return doc.slice(start, end + END.length)
}

async function main(): Promise<void> {
  const doc = await readFile(DOC_PATH, 'utf8')
  const current = exampleSectionOf(doc)
  if (current === null) {
    console.error(
      `${DOC_PATH} lacks the ${START} and ${END} markers; add them where the example belongs.`,
    )
    process.exit(1)
  }
  const section = renderExampleSection(await runIssueExample())
  await writeFile(
    DOC_PATH,
    doc.replace(current, () => section),
  )
  console.log(
    `Wrote the example tracking issue to ${join('docs', 'tracking-issue.md')}.`,
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
