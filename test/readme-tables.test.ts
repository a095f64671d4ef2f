import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  applyTables,
  missingMarkers,
  renderTables,
} from '../scripts/readme-tables.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const actionYml = await readFile(join(ROOT, 'action.yml'), 'utf8')
const metadata = parse(actionYml) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
}

const SAMPLE_README = [
  '# Sample',
  '',
  '<!-- inputs:start -->',
  'stale text',
  '<!-- inputs:end -->',
  '',
  '## Outputs',
  '',
  '<!-- outputs:start -->',
  '<!-- outputs:end -->',
  '',
].join('\n')

const PIPE_ACTION = `
name: Pipes
description: Pipes in cells.
inputs:
  mode:
    description: Either a | b.
    required: true
    default: 'a|b'
outputs:
  result:
    description: One | two.
`

/** Splits a table row at the cell borders, leaving escaped pipes inside cells. */
function cells(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim())
}

describe('renderTables', () => {
  it('lists every input', () => {
    const rows = renderTables(actionYml).inputs.split('\n').slice(2)
    const names = rows.map((row) => cells(row)[0])

    expect(names).toEqual(
      Object.keys(metadata.inputs).map((name) => `\`${name}\``),
    )
  })

  it('lists every output', () => {
    const rows = renderTables(actionYml).outputs.split('\n').slice(2)
    const names = rows.map((row) => cells(row)[0])

    expect(names).toEqual(
      Object.keys(metadata.outputs).map((name) => `\`${name}\``),
    )
  })

  it('marks required inputs', () => {
    const row = renderTables(actionYml)
      .inputs.split('\n')
      .find((line) => line.startsWith('| `app-id` '))

    expect(row).toBeDefined()
    expect(cells(row!)[3]).toBe('yes')
  })

  it('escapes pipes in cells', () => {
    const tables = renderTables(PIPE_ACTION)
    const inputRow = cells(tables.inputs.split('\n')[2]!)
    const outputRow = cells(tables.outputs.split('\n')[2]!)

    expect(inputRow).toHaveLength(4)
    expect(inputRow[1]).toBe('Either a \\| b.')
    expect(inputRow[2]).toBe('`a\\|b`')
    expect(outputRow).toHaveLength(2)
    expect(outputRow[1]).toBe('One \\| two.')
  })
})

describe('applyTables', () => {
  it('replaces text between markers', () => {
    const updated = applyTables(SAMPLE_README, renderTables(actionYml))

    expect(updated).not.toContain('stale text')
    expect(updated).toContain('| `app-id` ')
    expect(updated).toContain('| `issue-number` ')
    expect(updated.startsWith('# Sample\n')).toBe(true)
  })

  it('is idempotent', () => {
    const tables = renderTables(actionYml)
    const once = applyTables(SAMPLE_README, tables)

    expect(applyTables(once, tables)).toBe(once)
  })

  it('leaves README without markers', () => {
    const readme = '# No markers\n'

    expect(applyTables(readme, renderTables(actionYml))).toBe(readme)
    expect(missingMarkers(readme)).toEqual([
      '<!-- inputs:start -->',
      '<!-- inputs:end -->',
      '<!-- outputs:start -->',
      '<!-- outputs:end -->',
    ])
  })

  it('output passes Prettier unchanged', async () => {
    const readmePath = join(ROOT, 'README.md')
    const options = (await resolveConfig(readmePath)) ?? {}
    const updated = applyTables(SAMPLE_README, renderTables(actionYml))

    const formatted = await format(updated, {
      ...options,
      filepath: readmePath,
    })

    expect(formatted).toBe(updated)
  })
})

describe('README.md', () => {
  it('tables match action.yml', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8').catch(
      () => '',
    )

    expect(
      missingMarkers(readme),
      'README.md needs the markers <!-- inputs:start -->, <!-- inputs:end -->, <!-- outputs:start --> and <!-- outputs:end -->; add them, then run `npm run docs`',
    ).toEqual([])
    expect(
      readme,
      'README.md tables differ from action.yml: run `npm run docs`',
    ).toBe(applyTables(readme, renderTables(actionYml)))
  })
})
