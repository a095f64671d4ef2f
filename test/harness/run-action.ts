/**
 * Runs the bundled action (dist/index.js) the way a GitHub runner does: a
 * Node 24 child process with `INPUT_*` variables (action.yml defaults filled
 * in, as the runner evaluates them), `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`
 * and the usual `GITHUB_*` context variables.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..')
export const BUNDLE = join(ROOT, 'dist/index.js')

export interface ActionRun {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  /** The `GITHUB_OUTPUT` file as the action wrote it, which `outputs` parses. */
  outputFile: string
  summary: string
  /** Milliseconds from spawn to exit. */
  durationMs: number
  /** `performance.now()` in this process just before the spawn, to time the child against other events here. */
  spawnedAt: number
  /** Contents of the file the `report-file` output names, read before the run's folder is removed; '' when there is none. */
  reportFileText: string
  /** Peak resident set size of the child in bytes, when the platform reports it. */
  maxRssBytes: number | null
}

export interface RunActionOptions {
  inputs: Record<string, string>
  githubApiUrl: string
  /** Value the runner gives `${{ github.token }}`. */
  githubToken?: string
  repository?: string
  workspace?: string
  env?: Record<string, string>
  /** Kills the child after this many milliseconds (SIGKILL). */
  killAfterMs?: number
  /** Kills the child when aborted, with `killSignal`. */
  signal?: AbortSignal
  /** Signal sent when `signal` aborts (SIGTERM by default, as in Node's spawn). */
  killSignal?: NodeJS.Signals
}

interface ActionInputSpec {
  default?: string
}

let cachedDefaults: Record<string, ActionInputSpec> | null = null

async function actionInputs(): Promise<Record<string, ActionInputSpec>> {
  if (!cachedDefaults) {
    const metadata = parse(await readFile(join(ROOT, 'action.yml'), 'utf8'))
    cachedDefaults = metadata.inputs as Record<string, ActionInputSpec>
  }
  return cachedDefaults
}

/** Evaluates the only expressions action.yml defaults use. */
function evaluateDefault(
  value: string,
  context: { token: string; apiUrl: string },
): string {
  return value
    .replaceAll('${{ github.token }}', context.token)
    .replaceAll('${{ github.api_url }}', context.apiUrl)
}

/** Builds the environment a runner hands a JavaScript action. */
export async function runnerEnvironment(
  options: RunActionOptions,
  files: { output: string; summary: string },
): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_API_URL: options.githubApiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: options.repository ?? 'northwind-agency/meta-tokens',
    GITHUB_RUN_ID: '1234567890',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'Meta tokens',
    GITHUB_EVENT_NAME: 'schedule',
    GITHUB_WORKSPACE: options.workspace ?? ROOT,
    RUNNER_TEMP: dirname(files.output),
  }

  const specs = await actionInputs()
  const context = {
    token: options.githubToken ?? '',
    apiUrl: options.githubApiUrl,
  }
  for (const [name, spec] of Object.entries(specs)) {
    const given = options.inputs[name]
    const value = given ?? evaluateDefault(spec.default ?? '', context)
    env[`INPUT_${name.toUpperCase()}`] = value
  }
  for (const name of Object.keys(options.inputs)) {
    if (!(name in specs)) throw new Error(`action.yml has no input ${name}`)
  }
  return { ...env, ...options.env }
}

/** Parses the `GITHUB_OUTPUT` file format (`name<<DELIMITER` blocks and `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string]
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) {
        value.push(lines[i] as string)
      }
      outputs[name] = value.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      outputs[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return outputs
}

/** Runs dist/index.js once and collects everything a runner would see. */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const directory = await mkdtemp(join(tmpdir(), 'mtk-run-'))
  const files = {
    output: join(directory, 'output'),
    summary: join(directory, 'summary'),
  }
  await writeFile(files.output, '')
  await writeFile(files.summary, '')
  const env = await runnerEnvironment(options, files)

  const started = performance.now()
  const child = spawn(process.execPath, [BUNDLE], {
    cwd: options.workspace ?? ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: options.signal,
    killSignal: options.killSignal ?? 'SIGTERM',
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
  const timer = options.killAfterMs
    ? setTimeout(() => child.kill('SIGKILL'), options.killAfterMs)
    : null

  const exitCode = await new Promise<number>((resolveExit) => {
    child.on('error', () => undefined)
    child.on('close', (code, signal) => resolveExit(code ?? (signal ? 137 : 1)))
  })
  if (timer) clearTimeout(timer)
  const durationMs = performance.now() - started

  const outputFile = await readFile(files.output, 'utf8')
  const outputs = parseOutputFile(outputFile)
  const reportFile = outputs['report-file']
  const run: ActionRun = {
    exitCode,
    stdout,
    stderr,
    outputs,
    outputFile,
    reportFileText: reportFile
      ? await readFile(reportFile, 'utf8').catch(() => '')
      : '',
    summary: await readFile(files.summary, 'utf8'),
    durationMs,
    spawnedAt: started,
    maxRssBytes: null,
  }
  await rm(directory, { recursive: true, force: true })
  return run
}
