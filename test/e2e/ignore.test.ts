/**
 * A client the clients file marks `ignore: true` is left out of the run
 * entirely: its token never reaches Meta, with or without the early start.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import {
  createWorkspace,
  runOnAgency,
  type AgencyWorkspace,
} from '../harness/agency-run.ts'
import type { ClientReport } from '../../src/types.ts'

let sandbox: Sandbox
let workspace: AgencyWorkspace
let ignoredSecret: string
let clientsFile: string
/** The clients file with one client marked `ignore: true`. */
let ignoringFile: string

beforeAll(async () => {
  sandbox = await startSandbox({ clients: 16 })
  workspace = await createWorkspace(sandbox)
  clientsFile = join(workspace.directory, '.github/meta-clients.yml')
  const file = parse(await readFile(clientsFile, 'utf8')) as {
    clients: Record<string, Record<string, unknown>>
  }
  ignoredSecret = sandbox.scenario.clients[0]?.secret ?? ''
  file.clients[ignoredSecret] = { ...file.clients[ignoredSecret], ignore: true }
  ignoringFile = stringify(file)
  await writeFile(clientsFile, ignoringFile)
})

afterAll(async () => {
  await sandbox?.close()
})

async function runAndCount(): Promise<{
  report: ClientReport[]
  inspected: number
}> {
  const before = sandbox.counters().debugTokens
  const run = await runOnAgency(sandbox, workspace, { 'dry-run': 'true' })
  return {
    report: JSON.parse(run.outputs.report ?? '[]') as ClientReport[],
    inspected: sandbox.counters().debugTokens - before,
  }
}

describe('ignore: true', () => {
  it('never sends the ignored token to Meta', async () => {
    const { report, inspected } = await runAndCount()

    expect(inspected).toBe(15)
    expect(report).toHaveLength(15)
    expect(report.map((client) => client.secret)).not.toContain(ignoredSecret)
  })

  it('holds in a file only the YAML parser reads', async () => {
    // A flow-style map is outside the common layout, so the inspection
    // waits for the full parse.
    const file = parse(await readFile(clientsFile, 'utf8')) as object
    await writeFile(clientsFile, stringify(file, { collectionStyle: 'flow' }))

    const { report, inspected } = await runAndCount()

    expect(inspected).toBe(15)
    expect(report.map((client) => client.secret)).not.toContain(ignoredSecret)
  })

  it('holds for an escaped key', async () => {
    // "ign\x6fre" is `ignore` to a YAML parser, though the text never
    // spells the word.
    const text = stringify(parse(await readFile(clientsFile, 'utf8')))
    const escaped = text.replace(/^(\s+)ignore:/m, '$1"ign\\x6fre":')
    expect(escaped).not.toContain('ignore')
    await writeFile(clientsFile, escaped)

    const { report, inspected } = await runAndCount()

    expect(inspected).toBe(15)
    expect(report.map((client) => client.secret)).not.toContain(ignoredSecret)
  })

  it('holds for a !!binary key', async () => {
    // The YAML parser decodes the base64 key `aWdub3Jl` to `ignore`, so the
    // text needs neither the word nor a backslash.
    const text = stringify(parse(await readFile(clientsFile, 'utf8')))
    const tagged = text.replace(
      /^(\s+)ignore: true$/m,
      '$1? !!binary aWdub3Jl\n$1: true',
    )
    expect(tagged).toContain('!!binary')
    expect(tagged).not.toContain('ignore')
    expect(tagged).not.toContain('\\')
    await writeFile(clientsFile, tagged)

    const { report, inspected } = await runAndCount()

    expect(inspected).toBe(15)
    expect(report.map((client) => client.secret)).not.toContain(ignoredSecret)
  })

  it.each([
    ['ignore: yes', 'yes'],
    ['a quoted "true"', '"true"'],
  ])('sends nothing when the file says %s', async (_name, value) => {
    const changed = ignoringFile.replace(
      /^(\s+)ignore: true$/m,
      `$1ignore: ${value}`,
    )
    expect(changed).toContain(`ignore: ${value}`)
    await writeFile(clientsFile, changed)
    const before = sandbox.counters().debugTokens

    const run = await runOnAgency(sandbox, workspace, { 'dry-run': 'true' })

    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('must be true or false')
    expect(sandbox.counters().debugTokens - before).toBe(0)
  })

  it('sends nothing when a named clients file is missing', async () => {
    const before = sandbox.counters().debugTokens

    const run = await runOnAgency(sandbox, workspace, {
      'dry-run': 'true',
      'clients-file': '.github/meta-client.yml',
    })

    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('does not exist')
    expect(sandbox.counters().debugTokens - before).toBe(0)
  })
})
