/**
 * Starts the Meta and GitHub simulators over HTTP on 127.0.0.1 with an
 * agency loaded, prints one JSON line for a child process to read, and
 * serves until it receives SIGINT or SIGTERM.
 *
 *   npx node scripts/sandbox.ts [--clients 16|N] [--due-fraction 0.1]
 *     [--latency-graph MS] [--latency-github MS] [--failure-rate 0..1]
 *     [--seed N] [--repository OWNER/REPO] [--clients-file PATH]
 */
import { writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startSandbox, DEFAULT_REPOSITORY } from '../test/sim/index.ts'

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '16' },
    'due-fraction': { type: 'string', default: '0.1' },
    'latency-graph': { type: 'string', default: '0' },
    'latency-github': { type: 'string', default: '0' },
    'failure-rate': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    repository: { type: 'string', default: DEFAULT_REPOSITORY },
    'clients-file': { type: 'string' },
  },
  strict: true,
})

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
