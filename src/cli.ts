/**
 * The terminal face of the same job: `meta-token-keeper check` inspects the
 * tokens found in the environment (or a .env-style file) and prints a table or
 * JSON. It exchanges and writes secrets only with `--write` and a token.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
// A namespace import, so that an older Node.js without `parseEnv` still loads
// this module and bin.ts can name the version the CLI needs.
import * as util from 'node:util'
import { InputError, isValidSecretName, quote, readInputs } from './inputs.ts'
import { buildClients, type ClientEntry, type PassedToken } from './clients.ts'
import { parseClientsFile } from './clients-file.ts'
import { GraphClient } from './meta/graph-client.ts'
import { createOctokit } from './github/octokit.ts'
import { SecretStore } from './github/secrets.ts'
import { runKeeper } from './keeper.ts'
import { failureReason } from './verdict.ts'
import { linesWithoutEquals } from './env-file-lines.ts'
import { renderTable } from './report/table.ts'
import { describeError, registerSecret } from './redact.ts'
import type { ClientReport, Logger } from './types.ts'

const HELP = `Usage: meta-token-keeper check [options]

Inspects each client's Meta access token with debug_token and prints a table
(or JSON) of what it found. Reads the variables below from the environment and
from a .env-style file; when both set one, the environment wins. Nothing is
exchanged or written unless --write is given.

Variables:
  META_APP_ID                  ID of the Meta app that issued the tokens (required)
  META_APP_SECRET              secret of that app (required)
  META_TOKEN_<CLIENT>          one access token per client, for example
                               META_TOKEN_NORTHWIND_BIKES
  GITHUB_TOKEN                 --write only: a token that can write Actions secrets
  GITHUB_REPOSITORY            --write only: OWNER/REPO whose secrets are written

Options:
  --dotenv PATH                .env-style file to read (default: .env in the
                               current directory, when it exists)
  --clients-file PATH          clients YAML file with display names, priorities
                               and owners (default: .github/meta-clients.yml,
                               when it exists)
  --prefix TEXT                name prefix of the client token variables
                               (default: META_TOKEN_)
  --refresh-before-days DAYS   refresh a token that expires within DAYS days
                               (default: 30)
  --warn-before-days DAYS      report a token that cannot be refreshed as
                               expiring within DAYS days (default: 14)
  --fail-on WHEN               exit 1 on: expired (expired, invalid or unchecked
                               tokens), expiring (those and expiring tokens) or
                               never (default: expired)
  --write                      exchange the tokens that are due and write the
                               verified new ones to GitHub secrets
  --scope SCOPE                where --write writes: repository, environment:NAME
                               or organization (default: repository)
  --repo OWNER/REPO            repository for --write (default: GITHUB_REPOSITORY)
  --graph-api-version VERSION  Graph API version as vMAJOR.MINOR (default: v27.0)
  --graph-api-url URL          Graph API base URL (default: https://graph.facebook.com)
  --github-api-url URL         GitHub REST API base URL (default: GITHUB_API_URL,
                               else https://api.github.com)
  --json                       print the report as a JSON array instead of a table
  --debug                      print the route and status of every request to
                               stderr (never a token)
  -h, --help                   print this help and exit

Exit status: 0 when nothing needs a person by --fail-on; 1 when tokens need
attention or the check failed; 2 for invalid options, variables or files.`

const OPTIONS = {
  dotenv: { type: 'string' },
  'clients-file': { type: 'string' },
  prefix: { type: 'string' },
  'refresh-before-days': { type: 'string' },
  'warn-before-days': { type: 'string' },
  'fail-on': { type: 'string' },
  write: { type: 'boolean' },
  scope: { type: 'string' },
  repo: { type: 'string' },
  'graph-api-version': { type: 'string' },
  'graph-api-url': { type: 'string' },
  'github-api-url': { type: 'string' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

export const EXIT_OK = 0
export const EXIT_ATTENTION = 1
export const EXIT_USAGE = 2

/** Where the CLI writes and which directory relative paths start from; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number }
  stderr: { write(text: string): unknown; isTTY?: boolean }
  /** Directory for the default .env, the clients file and relative paths. */
  cwd: string
}

const PROCESS_IO: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  get cwd() {
    return process.cwd()
  },
}

/** Runs above this many tokens get a progress line on a terminal. */
const PROGRESS_FROM_TOKENS = 200

/** Names of unmatched clients-file entries shown before the rest are counted. */
const UNMATCHED_SHOWN = 5

type Values = ReturnType<
  typeof util.parseArgs<{ options: typeof OPTIONS }>
>['values']

/**
 * Runs the CLI with `argv` (without node and the script) and the variables
 * in `env`, and returns the exit status: 0, 1 (attention) or 2 (usage).
 */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo = PROCESS_IO,
): Promise<number> {
  let parsed
  try {
    parsed = util.parseArgs({
      args: joinNegativeValues(argv),
      options: OPTIONS,
      allowPositionals: true,
    })
  } catch (error) {
    io.stderr.write(`error: ${describeArgsError(error)}\n`)
    return EXIT_USAGE
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.stdout.write(`${HELP}\n`)
    return EXIT_OK
  }
  const commandError = checkCommand(positionals)
  if (commandError) {
    io.stderr.write(`error: ${commandError} Run with --help for usage.\n`)
    return EXIT_USAGE
  }

  const log = terminalLogger(io.stderr, values.debug ?? false)
  try {
    const fileEnv = loadEnvFile(values.dotenv, io.cwd, log)
    return await check(values, { ...fileEnv, ...env }, io, log)
  } catch (error) {
    log.error(describeError(error))
    return error instanceof InputError ? EXIT_USAGE : EXIT_ATTENTION
  }
}

function checkCommand(positionals: string[]): string | null {
  if (positionals.length === 0)
    return 'missing command: the command is `check`.'
  if (positionals[0] !== 'check') {
    return `unknown command ${quote(positionals[0] ?? '')}: the only command is \`check\`.`
  }
  if (positionals.length > 1) {
    return `unexpected argument ${quote(positionals[1] ?? '')} after \`check\`; options start with --.`
  }
  return null
}

/**
 * Joins `--option -3` into `--option=-3` for options that take a value,
 * because `parseArgs` reads `-3` as an option, and the value's own check
 * then names what the option accepts.
 */
function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = []
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string
    const next = argv[index + 1]
    const name = arg.startsWith('--') ? arg.slice(2) : ''
    const takesValue =
      Object.hasOwn(OPTIONS, name) &&
      OPTIONS[name as keyof typeof OPTIONS].type === 'string'
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`)
      index++
    } else {
      joined.push(arg)
    }
  }
  return joined
}

/** Turns a `parseArgs` error into one line that names the option. */
function describeArgsError(error: unknown): string {
  const code = (error as { code?: unknown }).code
  const message = describeError(error)
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? ''
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `unknown option ${option}. Run with --help for the options.`
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (message.includes('argument is ambiguous')) {
      return `option ${option} needs a value, and the argument after it starts with -. Write a value that starts with - as ${option}=VALUE.`
    }
    return message.includes('does not take an argument')
      ? `option ${option} takes no value. Run with --help for the options.`
      : `option ${option} needs a value. Run with --help for the options.`
  }
  return `${message}. Run with --help for the options.`
}

function terminalLogger(stderr: CliIo['stderr'], debug: boolean): Logger {
  const line = (prefix: string, message: string) => {
    stderr.write(`${prefix}${cliWording(message)}\n`)
  }
  return {
    info: (message) => line('', message),
    warning: (message) => line('warning: ', message),
    error: (message) => line('error: ', message),
    debug: (message) => {
      if (debug) line('debug: ', message)
    },
  }
}

function loadEnvFile(
  path: string | undefined,
  cwd: string,
  log: Logger,
): NodeJS.ProcessEnv {
  const file = resolve(cwd, path ?? '.env')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && path === undefined) return {}
    throw new InputError(
      code === 'ENOENT'
        ? `--dotenv ${path} does not exist. Fix the path or leave the option out.`
        : code === 'EISDIR'
          ? `--dotenv ${path ?? '.env'} is a directory. Pass the .env file itself.`
          : `--dotenv ${path ?? '.env'} could not be read (${describeError(error)}). Check the path and the file's permissions.`,
    )
  }
  warnLinesWithoutEquals(text, path ?? '.env', log)
  return util.parseEnv(text)
}

/**
 * Warns once about the lines of a .env file that `parseEnv` skips because
 * they have no `=`. Only line numbers are shown, because a line may hold a
 * token.
 */
function warnLinesWithoutEquals(text: string, file: string, log: Logger) {
  const skipped = linesWithoutEquals(text)
  if (skipped.length === 0) return
  log.warning(
    skipped.length === 1
      ? `${file} line ${skipped[0]} has no \`=\`, so it was ignored. ${ENV_LINE_FIX}`
      : `${file} lines ${lineList(skipped)} have no \`=\`, so they were ignored. ${ENV_LINE_FIX}`,
  )
}

const ENV_LINE_FIX =
  'Write each variable as NAME=value, or start a comment with #.'

/** Line numbers shown in one warning before the rest are counted. */
const LINES_SHOWN = 10

/** Lists line numbers as "2, 5 and 9", with at most LINES_SHOWN of them. */
function lineList(numbers: number[]): string {
  if (numbers.length > LINES_SHOWN) {
    const shown = numbers.slice(0, LINES_SHOWN).join(', ')
    return `${shown} and ${numbers.length - LINES_SHOWN} more`
  }
  return `${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`
}

async function check(
  values: Values,
  env: NodeJS.ProcessEnv,
  io: CliIo,
  log: Logger,
): Promise<number> {
  checkCredentialsSet(env)
  checkWriteSetup(values, env, log)
  // Without --write no repository is used, so a placeholder passes validation.
  const repository = values.write
    ? (values.repo ?? env.GITHUB_REPOSITORY ?? '')
    : '-/-'
  const inputs = readInputs((name) => rawInput(name, values, env), env, {
    repository,
  })
  const { settings } = inputs

  const tokens = readTokenVariables(env, inputs.secretPrefix)
  const entries = readClientsFile(
    inputs.clientsFile,
    values['clients-file'] !== undefined,
    io.cwd,
  )
  const { clients, unmatched } = buildClients({
    tokens,
    secrets: [],
    entries,
    secretPrefix: inputs.secretPrefix,
    defaultScope: settings.secretScope,
    log,
  })
  warnUnmatched(unmatched, inputs.clientsFile, log)

  const graph = new GraphClient({
    appId: settings.appId,
    appSecret: settings.appSecret,
    apiUrl: settings.graphApiUrl,
    version: settings.graphApiVersion,
    log,
    onProgress: progressLine(io.stderr, clients.length),
  })
  const secretStore = settings.githubToken
    ? new SecretStore(
        createOctokit({
          token: settings.githubToken,
          baseUrl: settings.githubApiUrl,
          log,
        }),
        settings.repository,
        log,
      )
    : null

  log.info(`Checking ${clients.length} client token(s)...`)
  const result = await runKeeper(settings, clients, {
    graph,
    secretStore,
    log,
    now: new Date(),
  })

  const reports = result.reports.map(withCliWording)
  io.stdout.write(
    values.json
      ? `${JSON.stringify(reports, null, 2)}\n`
      : renderTable(reports, tableWidth(io.stdout)),
  )
  const { checked, refreshed, attention } = result.totals
  log.info(
    `${checked} checked, ${refreshed} refreshed and written, ${attention} need a person.`,
  )
  if (refreshed > 0) {
    log.info(
      'The new tokens went to the GitHub secrets only, and this tool never prints them. The environment and the .env file keep the old tokens, which stay valid until they expire, so a later check lists them as due again; check the secrets themselves with the action.',
    )
  }
  const reason = failureReason(
    settings.failOn,
    result,
    values.json ? 'the JSON report on stdout' : 'the table on stdout',
  )
  if (reason) log.error(reason)
  return reason ? EXIT_ATTENTION : EXIT_OK
}

/** Fails early with the variable's name, before the inputs' messages (which name Action inputs) could. */
function checkCredentialsSet(env: NodeJS.ProcessEnv): void {
  const where = 'in the environment or in the .env file (--dotenv)'
  const appId = env.META_APP_ID?.trim() ?? ''
  if (appId === '') {
    throw new InputError(
      `META_APP_ID is not set. Set it ${where} to the ID of the Meta app that issued the tokens (App Dashboard, App settings, Basic).`,
    )
  }
  if (!/^\d+$/.test(appId)) {
    throw new InputError(
      `META_APP_ID must be the numeric Meta app ID, got ${quote(appId)}. Copy the App ID from the App Dashboard (App settings, Basic).`,
    )
  }
  if ((env.META_APP_SECRET?.trim() ?? '') === '') {
    throw new InputError(
      `META_APP_SECRET is not set. Set it ${where} to the app secret (App Dashboard, App settings, Basic).`,
    )
  }
}

function checkWriteSetup(
  values: Values,
  env: NodeJS.ProcessEnv,
  log: Logger,
): void {
  if (!values.write) {
    if (values.scope !== undefined || values.repo !== undefined) {
      log.warning('--scope and --repo apply only with --write; ignored.')
    }
    return
  }
  if ((env.GITHUB_TOKEN?.trim() ?? '') === '') {
    throw new InputError(
      '--write needs GITHUB_TOKEN set to a token that can write Actions secrets (fine-grained token: Secrets read and write on the repository).',
    )
  }
  const repository = values.repo ?? env.GITHUB_REPOSITORY ?? ''
  if (repository === '') {
    throw new InputError(
      '--write needs the repository whose secrets it writes: pass --repo OWNER/REPO or set GITHUB_REPOSITORY.',
    )
  }
  if (!REPOSITORY.test(repository)) {
    const source = values.repo !== undefined ? '--repo' : 'GITHUB_REPOSITORY'
    throw new InputError(
      `${source} must be OWNER/REPO, got ${quote(repository)}. Pass the repository as it appears in its URL, for example --repo northwind-agency/meta-tokens.`,
    )
  }
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/

/** Maps the options and variables to the Action's inputs, so that both faces validate alike. */
function rawInput(
  name: string,
  values: Values,
  env: NodeJS.ProcessEnv,
): string {
  const raw: Record<string, string | undefined> = {
    'app-id': env.META_APP_ID?.trim(),
    'app-secret': env.META_APP_SECRET?.trim(),
    'secret-prefix': values.prefix,
    'clients-file': values['clients-file'],
    'github-token': values.write ? env.GITHUB_TOKEN?.trim() : '',
    'secret-scope': values.scope,
    'refresh-before-days': values['refresh-before-days'],
    'warn-before-days': values['warn-before-days'],
    'fail-on': values['fail-on'],
    'tracking-issue': 'false',
    'graph-api-version': values['graph-api-version'],
    'graph-api-url': values['graph-api-url'],
    'github-api-url': values['github-api-url'],
  }
  return raw[name] ?? ''
}

/** Variables that hold the app credentials, never a client token, whatever `--prefix` is. */
const CREDENTIAL_VARIABLES = new Set(['META_APP_ID', 'META_APP_SECRET'])

/**
 * Reads every variable whose name starts with `prefix` (in any case), except
 * META_APP_ID and META_APP_SECRET, as one client's token. Each value is
 * registered for masking before any message is built. Throws InputError for
 * an empty value, a name GitHub would reject, or two names that differ only
 * in case.
 */
function readTokenVariables(
  env: NodeJS.ProcessEnv,
  prefix: string,
): PassedToken[] {
  const variables = Object.entries(env).filter(
    (entry): entry is [string, string] =>
      entry[0].toUpperCase().startsWith(prefix) &&
      !CREDENTIAL_VARIABLES.has(entry[0].toUpperCase()) &&
      entry[1] !== undefined,
  )
  for (const [, value] of variables) {
    registerSecret(value)
    registerSecret(value.trim())
  }

  const seen = new Map<string, string>()
  const tokens: PassedToken[] = []
  for (const [name, value] of variables) {
    if (!isValidSecretName(name)) {
      throw new InputError(
        `Variable ${quote(name)} is not a valid GitHub secret name: use letters, digits and _ only. Rename it.`,
      )
    }
    const token = value.trim()
    if (token === '') {
      throw new InputError(
        `${name} is empty. Set it to the client's access token, or remove the variable.`,
      )
    }
    const secret = name.toUpperCase()
    const earlier = seen.get(secret)
    if (earlier !== undefined) {
      throw new InputError(
        `${earlier} and ${name} name the same GitHub secret (secret names ignore case). Keep one of them.`,
      )
    }
    seen.set(secret, name)
    tokens.push({ secret, token, trimmed: token !== value })
  }

  if (tokens.length === 0) {
    throw new InputError(
      `No client token found: set one ${prefix}<CLIENT> variable per client, in the environment or in the .env file (--dotenv).`,
    )
  }
  return tokens
}

function readClientsFile(
  path: string,
  given: boolean,
  cwd: string,
): ClientEntry[] {
  let text: string
  try {
    text = readFileSync(resolve(cwd, path), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && !given) return []
    throw new InputError(
      code === 'ENOENT'
        ? `--clients-file ${path} does not exist. Fix the path or leave the option out.`
        : code === 'EISDIR'
          ? `--clients-file ${path} is a directory. Pass the clients YAML file, such as .github/meta-clients.yml.`
          : `--clients-file ${path} could not be read (${describeError(error)}). Check the path and the file's permissions.`,
    )
  }
  return parseClientsFile(text, path)
}

function warnUnmatched(
  unmatched: ClientEntry[],
  path: string,
  log: Logger,
): void {
  if (unmatched.length === 0) return
  const names = unmatched.map((entry) => entry.secret)
  const shown = names.slice(0, UNMATCHED_SHOWN).join(', ')
  const more =
    names.length > UNMATCHED_SHOWN
      ? ` and ${names.length - UNMATCHED_SHOWN} more`
      : ''
  log.warning(
    `${path} lists ${names.length} client(s) with no token variable, not checked: ${shown}${more}.`,
  )
}

/** Returns a callback that rewrites one stderr line as batches finish, or nothing when stderr is no terminal or the run is short. */
function progressLine(stderr: CliIo['stderr'], total: number) {
  if (!stderr.isTTY || total < PROGRESS_FROM_TOKENS) return undefined
  return (inspected: number) => {
    const end = inspected === total ? '\n' : ''
    stderr.write(`\rInspected ${inspected} of ${total} tokens${end}`)
  }
}

/** A terminal's width in characters; output to a file or a pipe is never cut. */
function tableWidth(stdout: CliIo['stdout']): number {
  if (!stdout.isTTY) return Number.POSITIVE_INFINITY
  return stdout.columns ?? 80
}

/**
 * Input names of the Action as the CLI spells them: an option, or the
 * variable that sets the value.
 */
const CLI_NAMES: Record<string, string> = {
  'app-id': 'META_APP_ID',
  'app-secret': 'META_APP_SECRET',
  'github-token': 'GITHUB_TOKEN',
  'secret-prefix': '--prefix',
  'clients-file': '--clients-file',
  'secret-scope': '--scope',
  'refresh-before-days': '--refresh-before-days',
  'warn-before-days': '--warn-before-days',
  'fail-on': '--fail-on',
  'graph-api-version': '--graph-api-version',
  'graph-api-url': '--graph-api-url',
  'github-api-url': '--github-api-url',
}

/**
 * Rewrites of messages that the shared job words for the Action (its
 * inputs) into the CLI's terms. Applied in this order.
 */
const CLI_REWRITES: Array<[RegExp, string]> = [
  [
    /no `github-token`, so the run only inspects and reports/g,
    'not refreshed without --write',
  ],
  [
    /Not refreshed: set `github-token` to a token that can write secrets\./g,
    'Not refreshed: run with --write to refresh it.',
  ],
  [
    /Check the `app-id` and `app-secret` inputs:/g,
    'Check META_APP_ID and META_APP_SECRET:',
  ],
  [/`secret-scope: repository`/g, '`--scope repository`'],
  [/Input `([a-z-]+)`/g, '`$1`'],
]

/** Puts a message in the CLI's terms: options and variables in place of Action inputs. */
export function cliWording(message: string): string {
  let text = message
  for (const [pattern, replacement] of CLI_REWRITES) {
    text = text.replace(pattern, replacement)
  }
  return text.replace(/`([a-z]+(?:-[a-z]+)+)`/g, (whole, name: string) =>
    CLI_NAMES[name] ? `\`${CLI_NAMES[name]}\`` : whole,
  )
}

function withCliWording(report: ClientReport): ClientReport {
  return {
    ...report,
    reason: cliWording(report.reason),
    fix: report.fix === null ? null : cliWording(report.fix),
  }
}
