/**
 * The first moments of a run, before the rest of the Action loads: read the
 * inputs from the runner's environment and, when they are valid, send every
 * token that the clients file does not ignore to Meta's `debug_token` at
 * once. Loading @actions/core, Octokit and the YAML parser, and validating
 * the clients file, then overlap with Meta's response instead of delaying the
 * first request.
 *
 * Nothing here prints. A problem with the inputs only means no early start:
 * main.ts reads the same inputs again through @actions/core and reports it.
 */
import { readFileSync } from 'node:fs'
import { readClientsFileLines, type LineEntry } from './clients-file-lines.ts'
import { DEFAULT_CLIENTS_FILE, readInputs } from './inputs.ts'
import { readPassedTokens, type PassedTokens } from './clients.ts'
import { GraphClient } from './meta/graph-client.ts'
import type { Logger } from './types.ts'

export interface EarlyStart {
  /** The Graph client whose inspection of every passed token is under way. */
  graph: GraphClient
  /** Holds what the Graph client logs until main.ts attaches the Actions log. */
  log: DeferredLog
  /** The tokens read from the inputs, so that main.ts does not read them again. */
  passed: PassedTokens
}

/**
 * Reads the inputs as @actions/core does (`INPUT_` and the name in upper
 * case, spaces as `_`) and starts the inspection. Returns null when the
 * inputs do not parse or pass no token.
 */
export function startEarly(env: NodeJS.ProcessEnv): EarlyStart | null {
  const getInput = (name: string) =>
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? ''
  try {
    const inputs = readInputs(getInput, env)
    const passed = readPassedTokens(inputs)
    const ignored = ignoredSecrets(inputs.clientsFile)
    if (ignored === null) return null
    const all = [...passed.tokens, ...passed.secrets].filter(
      (item) => !ignored.has(item.secret),
    )
    if (all.length === 0) return null

    const { settings } = inputs
    const log = new DeferredLog()
    const graph = new GraphClient({
      appId: settings.appId,
      appSecret: settings.appSecret,
      apiUrl: settings.graphApiUrl,
      version: settings.graphApiVersion,
      log,
    })
    graph.prefetch(all.map((item) => item.token))
    return { graph, log, passed }
  } catch {
    return null
  }
}

/**
 * Returns the secrets the clients file marks `ignore: true`, so that their
 * tokens never reach Meta: none when the default file does not exist. It
 * returns null, and the inspection waits for the full check of the file,
 * when the file needs the YAML parser or may be invalid: another missing
 * file, or an entry that seems to mean `ignore` but does not say `true` or
 * `false` (such as `ignore: yes` or `Ignore: true`).
 *
 * NOTE: main.ts reads and validates the file again. The line reader takes
 * about 12 ms for 5,000 clients, so the early result is not passed on.
 */
function ignoredSecrets(path: string): Set<string> | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    return missing && path === DEFAULT_CLIENTS_FILE ? new Set() : null
  }
  // A YAML key can be `ignore` without these letters only through an escape
  // (a backslash) or a tag such as `!!binary` (an exclamation mark). Most
  // files ignore no client, so they need no reading here.
  if (!/ignore/i.test(text) && !/[\\!]/.test(text)) return new Set()
  const entries = readClientsFileLines(text)
  if (entries === null || entries.some(hasUnclearIgnore)) return null
  return new Set(
    entries
      .filter((entry) => entry.fields?.ignore === true)
      .map((entry) => entry.key.toUpperCase()),
  )
}

/** True when an entry has a field that looks like `ignore` but is not `ignore: true` or `ignore: false`. */
function hasUnclearIgnore(entry: LineEntry): boolean {
  return Object.entries(entry.fields ?? {}).some(
    ([name, value]) =>
      /ignore/i.test(name) &&
      !(name === 'ignore' && (typeof value === 'boolean' || value === null)),
  )
}

type Line = [level: keyof Logger, message: string, title?: string]

/** A Logger that keeps every line until `attach` gives it the real one, then forwards. */
export class DeferredLog implements Logger {
  private target: Logger | null = null
  private readonly held: Line[] = []

  attach(target: Logger): void {
    this.target = target
    for (const [level, message, title] of this.held.splice(0)) {
      target[level](message, title)
    }
  }

  info(message: string): void {
    this.write(['info', message])
  }

  warning(message: string, title?: string): void {
    this.write(['warning', message, title])
  }

  error(message: string, title?: string): void {
    this.write(['error', message, title])
  }

  debug(message: string): void {
    this.write(['debug', message])
  }

  private write(line: Line): void {
    if (this.target) this.target[line[0]](line[1], line[2])
    else this.held.push(line)
  }
}
