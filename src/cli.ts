/**
 * The terminal face of the same job: `meta-token-keeper check` inspects the
 * tokens found in the environment (or a .env-style file) and prints a table or
 * JSON. It exchanges and writes secrets only with `--write` and a token.
 */
import { readFileSync } from 'node:fs'
import { parseArgs, parseEnv } from 'node:util'
import { InputError, readInputs } from './inputs.ts'
import {
  buildClients,
  parseClientsFile,
  parseSecretsInput,
  parseTokensInput,
} from './clients.ts'
import { GraphClient } from './meta/graph-client.ts'
import { createOctokit } from './github/octokit.ts'
import { SecretStore } from './github/secrets.ts'
import { runKeeper } from './keeper.ts'
import { failureReason } from './verdict.ts'
import { renderTable } from './report/table.ts'
import { describeError } from './redact.ts'
import type { Logger } from './types.ts'

const HELP = `Usage: meta-token-keeper check [options]

Inspects every Meta access token named META_TOKEN_* in the environment (or in
--env-file) with debug_token and prints what it found. Nothing is exchanged or
written unless --write is given with a GitHub token.

Environment:
  META_APP_ID, META_APP_SECRET   the Meta app the tokens belong to (required)
  META_TOKEN_<CLIENT>            one access token per client
  GITHUB_TOKEN                   token that may write Actions secrets (--write only)
  GITHUB_REPOSITORY              owner/repo whose secrets --write updates

Options:
  --env-file FILE                read variables from a .env-style file first
                                 (default: .env when it exists)
  --clients-file FILE            clients YAML file (default .github/meta-clients.yml)
  --prefix TEXT                  name prefix of client tokens (default META_TOKEN_)
  --refresh-before-days DAYS     refresh tokens expiring within DAYS days (default 30)
  --warn-before-days DAYS        report tokens expiring within DAYS days (default 14)
  --fail-on WHEN                 expired | expiring | never (default expired)
  --write                        exchange due tokens and write them back to GitHub
  --scope SCOPE                  repository | environment:NAME | organization
  --repo OWNER/REPO              repository for --write (default GITHUB_REPOSITORY)
  --graph-api-version VERSION    Graph API version (default v27.0)
  --graph-api-url URL            Graph API base URL (default https://graph.facebook.com)
  --github-api-url URL           GitHub REST API base URL (default https://api.github.com)
  --json                         print the report as JSON instead of a table
  -h, --help                     show this help

Exit codes: 0 nothing to act on per --fail-on, 1 tokens need attention,
2 invalid options or input.`

const OPTIONS = {
  'env-file': { type: 'string' },
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
  help: { type: 'boolean', short: 'h' },
} as const

const EXIT_ATTENTION = 1
const EXIT_USAGE = 2

/** Progress goes to stderr so that `--json` output on stdout stays clean. */
const terminalLog: Logger = {
  info: (message) => process.stderr.write(`${message}\n`),
  warning: (message) => process.stderr.write(`warning: ${message}\n`),
  error: (message) => process.stderr.write(`error: ${message}\n`),
  debug: (message) => {
    if (process.env.META_TOKEN_KEEPER_DEBUG) {
      process.stderr.write(`debug: ${message}\n`)
    }
  },
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true })
  } catch (error) {
    terminalLog.error(`${describeError(error)}. Run with --help.`)
    return EXIT_USAGE
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(`${HELP}\n`)
    return 0
  }
  if (positionals.length !== 1 || positionals[0] !== 'check') {
    terminalLog.error(
      `unknown command ${JSON.stringify(positionals.join(' '))}: the only command is \`check\`. Run with --help.`,
    )
    return EXIT_USAGE
  }

  try {
    return await check(values, { ...loadEnvFile(values['env-file']), ...env })
  } catch (error) {
    terminalLog.error(describeError(error))
    return error instanceof InputError ? EXIT_USAGE : EXIT_ATTENTION
  }
}

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS }>
>['values']

function loadEnvFile(path: string | undefined): NodeJS.ProcessEnv {
  const file = path ?? '.env'
  try {
    return parseEnv(readFileSync(file, 'utf8'))
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    if (missing && path === undefined) return {}
    throw new InputError(
      missing
        ? `--env-file ${file} does not exist. Fix the path or leave the option out.`
        : `--env-file ${file} could not be read (${describeError(error)}).`,
    )
  }
}

/** Maps options and variables to the Action's inputs, so both faces validate alike. */
function inputsFrom(values: Values, env: NodeJS.ProcessEnv) {
  const prefix = values.prefix ?? 'META_TOKEN_'
  const tokens = Object.entries(env)
    .filter(([name]) => name.startsWith(prefix))
    .map(([name, value]) => `${name}=${value ?? ''}`)
    .join('\n')
  const write = values.write ?? false

  const raw: Record<string, string> = {
    'app-id': env.META_APP_ID ?? '',
    'app-secret': env.META_APP_SECRET ?? '',
    tokens,
    'secret-prefix': prefix,
    'clients-file': values['clients-file'] ?? '',
    'github-token': write ? (env.GITHUB_TOKEN ?? '') : '',
    'secret-scope': values.scope ?? '',
    'refresh-before-days': values['refresh-before-days'] ?? '',
    'warn-before-days': values['warn-before-days'] ?? '',
    'fail-on': values['fail-on'] ?? '',
    'tracking-issue': 'false',
    'graph-api-version': values['graph-api-version'] ?? '',
    'graph-api-url': values['graph-api-url'] ?? '',
    'github-api-url': values['github-api-url'] ?? '',
  }
  return readInputs((name) => raw[name] ?? '', env, {
    repository: values.repo ?? env.GITHUB_REPOSITORY ?? (write ? '' : '-/-'),
  })
}

async function check(values: Values, env: NodeJS.ProcessEnv): Promise<number> {
  const inputs = inputsFrom(values, env)
  const { settings } = inputs
  if (values.write && !settings.githubToken) {
    throw new InputError(
      '--write needs GITHUB_TOKEN set to a token that may write Actions secrets.',
    )
  }

  const tokens = parseTokensInput(inputs.tokensText)
  const secrets = parseSecretsInput(inputs.secretsJson, inputs.secretPrefix)
  const entries = readClientsFile(inputs.clientsFile, values['clients-file'])
  const { clients } = buildClients({
    tokens,
    secrets,
    entries,
    secretPrefix: inputs.secretPrefix,
    defaultScope: settings.secretScope,
    log: terminalLog,
  })

  const graph = new GraphClient({
    appId: settings.appId,
    appSecret: settings.appSecret,
    apiUrl: settings.graphApiUrl,
    version: settings.graphApiVersion,
    log: terminalLog,
    onProgress: progressLine(clients.length),
  })
  const secretStore = settings.githubToken
    ? new SecretStore(
        createOctokit({
          token: settings.githubToken,
          baseUrl: settings.githubApiUrl,
          log: terminalLog,
        }),
        settings.repository,
        terminalLog,
      )
    : null

  terminalLog.info(`Checking ${clients.length} client token(s)...`)
  const result = await runKeeper(settings, clients, {
    graph,
    secretStore,
    log: terminalLog,
    now: new Date(),
  })

  process.stdout.write(
    values.json
      ? `${JSON.stringify(result.reports, null, 2)}\n`
      : renderTable(result.reports, process.stdout.columns ?? 120),
  )
  const reason = failureReason(settings.failOn, result)
  if (reason) terminalLog.error(reason)
  return reason ? EXIT_ATTENTION : 0
}

/** Runs longer than this many tokens get a progress line on a terminal. */
const PROGRESS_FROM_TOKENS = 200

/** Returns a progress callback that rewrites one stderr line, or nothing when stderr is no terminal or the run is short. */
function progressLine(total: number) {
  if (!process.stderr.isTTY || total < PROGRESS_FROM_TOKENS) return undefined
  return (inspected: number) => {
    const end = inspected === total ? '\n' : ''
    process.stderr.write(`\rInspected ${inspected} of ${total} tokens${end}`)
  }
}

function readClientsFile(path: string, given: string | undefined) {
  try {
    return parseClientsFile(readFileSync(path, 'utf8'), path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    if (given === undefined) return []
    throw new InputError(
      `--clients-file ${path} does not exist. Fix the path or leave the option out.`,
    )
  }
}
