/**
 * Writes the inputs and outputs tables of README.md from action.yml, between
 * the `<!-- inputs:start -->`/`<!-- inputs:end -->` and
 * `<!-- outputs:start -->`/`<!-- outputs:end -->` markers. Leaves README.md
 * untouched and exits 1 when a marker is missing.
 *
 * Usage: `npm run docs` (from the repository root).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { z } from 'zod'

export interface Tables {
  inputs: string
  outputs: string
}

const MARKERS = {
  inputs: ['<!-- inputs:start -->', '<!-- inputs:end -->'],
  outputs: ['<!-- outputs:start -->', '<!-- outputs:end -->'],
} as const

const actionMetadata = z.object({
  inputs: z
    .record(
      z.string(),
      z.object({
        description: z.string(),
        required: z.boolean().optional(),
        default: z.string().optional(),
      }),
    )
    .default({}),
  outputs: z
    .record(z.string(), z.object({ description: z.string() }))
    .default({}),
})

/**
 * Renders the Markdown inputs table (Input, Description, Default, Required)
 * and outputs table (Output, Description) of an action.yml text, in the
 * order action.yml lists them.
 */
export function renderTables(actionYmlText: string): Tables {
  const metadata = actionMetadata.parse(parse(actionYmlText))

  const inputRows = Object.entries(metadata.inputs).map(([name, input]) => [
    code(name),
    text(input.description),
    input.default ? code(input.default) : '',
    input.required ? 'yes' : 'no',
  ])
  const outputRows = Object.entries(metadata.outputs).map(([name, output]) => [
    code(name),
    text(output.description),
  ])

  return {
    inputs: table(['Input', 'Description', 'Default', 'Required'], inputRows),
    outputs: table(['Output', 'Description'], outputRows),
  }
}

/**
 * Replaces the text between each pair of markers with its table and returns
 * the new README. A section whose markers are missing stays as it is, and
 * `missingMarkers` names them.
 */
export function applyTables(readme: string, tables: Tables): string {
  let result = readme
  for (const key of ['inputs', 'outputs'] as const) {
    const [startMarker, endMarker] = MARKERS[key]
    const start = result.indexOf(startMarker)
    const end = result.indexOf(endMarker, start + startMarker.length)
    if (start === -1 || end === -1) continue

    result =
      result.slice(0, start + startMarker.length) +
      `\n\n${tables[key]}\n\n` +
      result.slice(end)
  }
  return result
}

/** Lists the markers that README text lacks, each end marker looked for after its start marker. */
export function missingMarkers(readme: string): string[] {
  const missing: string[] = []
  for (const [startMarker, endMarker] of Object.values(MARKERS)) {
    const start = readme.indexOf(startMarker)
    if (start === -1) missing.push(startMarker)
    if (readme.indexOf(endMarker, Math.max(start, 0)) === -1) {
      missing.push(endMarker)
    }
  }
  return missing
}

/** Inline code span; the backtick count grows past any backtick run inside. */
function code(value: string): string {
  const longestRun = Math.max(
    0,
    ...(value.match(/`+/g) ?? []).map((run) => run.length),
  )
  const fence = '`'.repeat(longestRun + 1)
  const padding = value.startsWith('`') || value.endsWith('`') ? ' ' : ''
  return escapePipes(`${fence}${padding}${value}${padding}${fence}`)
}

/** Formats prose for one table cell, turning YAML line breaks into spaces. */
function text(value: string): string {
  return escapePipes(value.trim().replace(/\s+/g, ' '))
}

/** GitHub-flavoured Markdown ends a cell at `|`, even inside a code span, unless it is escaped. */
function escapePipes(value: string): string {
  return value.replaceAll('|', '\\|')
}

/**
 * Pads every column to its widest cell, the layout Prettier gives a Markdown
 * table, so `prettier --check` accepts the generated README.
 */
function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows]
  const widths = header.map((_, column) =>
    Math.max(3, ...all.map((row) => width(row[column] ?? ''))),
  )
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, column) => pad(cell, widths[column]!)).join(' | ')} |`
  const delimiter = widths.map((columnWidth) => '-'.repeat(columnWidth))

  return [line(header), line(delimiter), ...rows.map(line)].join('\n')
}

/**
 * Counts code points. NOTE: Prettier counts East Asian wide characters and
 * emoji as two columns, so such a character in action.yml would misalign the
 * table. The Prettier test in test/readme-tables.test.ts then fails.
 */
function width(value: string): number {
  return [...value].length
}

function pad(value: string, columnWidth: number): string {
  return value + ' '.repeat(columnWidth - width(value))
}

async function main(): Promise<void> {
  const tables = renderTables(await readFile('action.yml', 'utf8'))

  const readme = await readFile('README.md', 'utf8').catch(() => null)
  if (readme === null) {
    console.error(
      'README.md not found: run `npm run docs` from the repository root.',
    )
    process.exitCode = 1
    return
  }

  const missing = missingMarkers(readme)
  if (missing.length > 0) {
    console.error(
      `README.md left unchanged: it lacks ${missing.join(', ')}. Add each pair of markers where its table belongs, then run \`npm run docs\` again.`,
    )
    process.exitCode = 1
    return
  }

  const updated = applyTables(readme, tables)
  if (updated === readme) {
    console.log('README.md tables already match action.yml.')
    return
  }
  await writeFile('README.md', updated)
  console.log('README.md tables updated from action.yml.')
}

if (import.meta.main) await main()
