/**
 * Starts the Meta and GitHub simulators over HTTP on 127.0.0.1 with an
 * agency loaded, prints one JSON line for a child process to read, and
 * serves until it receives SIGINT or SIGTERM.
 *
 *   npx node scripts/sandbox.ts [--clients 16|N] [--due-fraction 0.1]
 *     [--latency-graph MS] [--latency-github MS] [--failure-rate 0..1]
 *     [--seed N] [--repository OWNER/REPO] [--clients-file PATH] [-h|--help]
 */
import { writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startSandbox, DEFAULT_REPOSITORY } from '../test/sim/index.ts'

const USAGE = `Usage: npx node scripts/sandbox.ts [options]

Starts the simulated Meta Graph API and GitHub REST API on 127.0.0.1, prints
one JSON line with their URLs, credentials, the \`tokens\` input and the path
of the clients file, and serves until SIGINT or SIGTERM (Ctrl+C).

Options:
  --clients N             clients of the agency: 16 loads the incident agency,
                          any other number a large agency (default: 16)
  --due-fraction SHARE    large agency only: share of clients due for a
                          refresh, 0 to 1 (default: 0.1)
  --latency-graph MS      delay of each Graph API response in milliseconds
                          (default: 0)
  --latency-github MS     delay of each GitHub response in milliseconds
                          (default: 0)
  --failure-rate SHARE    share of requests failed by a transient fault, 0 to
                          1 (default: 0)
  --seed N                seed of tokens, credentials and faults (default: 1)
  --repository OWNER/REPO repository the simulated GitHub serves
                          (default: ${DEFAULT_REPOSITORY})
  --clients-file PATH     where to write the agency's clients file (default:
                          a new temporary directory)
  -h, --help              print this help and exit`

const OPTIONS = {
  clients: { type: 'string', default: '16' },
  'due-fraction': { type: 'string', default: '0.1' },
  'latency-graph': { type: 'string', default: '0' },
  'latency-github': { type: 'string', default: '0' },
  'failure-rate': { type: 'string', default: '0' },
  seed: { type: 'string', default: '1' },
  repository: { type: 'string', default: DEFAULT_REPOSITORY },
  'clients-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

let parsed
try {
  parsed = parseArgs({ options: OPTIONS, strict: true })
} catch (error) {
  console.error(
    `error: ${describeArgsError(error)} Run with --help for the options.`,
  )
  process.exit(2)
}
const { values } = parsed
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}

/** Turns a `parseArgs` error into one sentence that names the option or argument. */
function describeArgsError(error: unknown): string {
  const code = (error as { code?: unknown }).code
  const message = error instanceof Error ? error.message : String(error)
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? ''
  const name = /--[\w-]+/.exec(quoted)?.[0] ?? quoted.split(' ')[0]
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${name}.`
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return `unexpected argument "${quoted}": options start with --.`
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return message.includes('does not take an argument')
      ? `option ${name} takes no value.`
      : `option ${name} needs a value.`
  }
  return `${message.split('\n')[0]}.`
}

/** Reads a numeric option or exits with a message naming it. */
function numberOption(name: string, min: number, max: number): number {
  const text = values[name as keyof typeof values] as string
  const value = Number(text)
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max
  ) {
    console.error(
      `--${name} must be a number from ${min} to ${max}, got "${text}".`,
    )
    process.exit(2)
  }
  return value
}

const sandbox = await startSandbox({
  clients: Math.floor(numberOption('clients', 1, 100_000)),
  dueFraction: numberOption('due-fraction', 0, 1),
  latencyGraphMs: numberOption('latency-graph', 0, 60_000),
  latencyGithubMs: numberOption('latency-github', 0, 60_000),
  failureRate: numberOption('failure-rate', 0, 1),
  seed: Math.floor(numberOption('seed', 0, 2 ** 31)),
  repository: values.repository,
})

const clientsFile = values['clients-file']
  ? resolve(values['clients-file'])
  : join(await mkdtemp(join(tmpdir(), 'mtk-sandbox-')), 'meta-clients.yml')
await writeFile(clientsFile, sandbox.scenario.clientsFileYaml)

console.log(
  JSON.stringify({
    graphUrl: sandbox.graphUrl,
    githubUrl: sandbox.githubUrl,
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    writerToken: sandbox.writerToken,
    issueToken: sandbox.issueToken,
    repository: sandbox.repository,
    tokensInput: sandbox.scenario.tokensInput,
    clientsFile,
  }),
)

const stop = () => {
  void sandbox.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
