import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { GitHubSimulator } from './github.ts'
import { startSandbox } from './index.ts'
import { MetaSimulator } from './meta.ts'
import {
  agencyCredentials,
  buildAgency,
  buildLargeAgency,
} from './scenarios.ts'
import { APP_ID, APP_SECRET, DAY, NOW_MS, NOW_S } from './test-helpers.ts'

const ROOT = resolve(import.meta.dirname, '../..')

function simulators() {
  const meta = new MetaSimulator({
    appId: APP_ID,
    appSecret: APP_SECRET,
    now: () => NOW_MS,
  })
  const github = new GitHubSimulator({
    owner: 'northwind-agency',
    repo: 'meta-tokens',
    credentials: agencyCredentials().credentials,
    now: () => NOW_MS,
  })
  return { meta, github }
}

describe('buildAgency', () => {
  it('loads the incident agency of 16 clients', () => {
    const { meta, github } = simulators()
    const scenario = buildAgency(meta, github, { now: NOW_MS })
    const kinds = scenario.clients.map((client) => client.kind)
    const count = (kind: string) => kinds.filter((item) => item === kind).length
    expect(scenario.clients).toHaveLength(16)
    expect(count('expired-user')).toBe(11)
    expect(count('never-expiring-system-user')).toBe(1)
    expect(count('long-lived-user')).toBe(1)
    expect(count('expiring-system-user')).toBe(1)
    expect(count('short-lived-user')).toBe(1)
    expect(count('invalidated-user')).toBe(1)
    expect(new Set(scenario.clients.map((client) => client.token)).size).toBe(
      16,
    )
  })

  it('expires the user tokens together five weeks ago', () => {
    const { meta, github } = simulators()
    const scenario = buildAgency(meta, github, { now: NOW_MS })
    const expiries = scenario.clients
      .filter((client) => client.kind === 'expired-user')
      .map((client) => meta.inspect(client.token)?.expiresAt ?? 0)
    expect(Math.max(...expiries) - Math.min(...expiries)).toBeLessThan(3600)
    expect(NOW_S - Math.min(...expiries)).toBeGreaterThan(33 * DAY)
    expect(NOW_S - Math.max(...expiries)).toBeLessThan(37 * DAY)
  })

  it('gives each kind its token facts', () => {
    const { meta, github } = simulators()
    const scenario = buildAgency(meta, github, { now: NOW_MS })
    const record = (kind: string) =>
      meta.inspect(
        scenario.clients.find((client) => client.kind === kind)?.token ?? '',
      )
    expect(record('never-expiring-system-user')).toMatchObject({
      type: 'SYSTEM_USER',
      expiresAt: 0,
    })
    expect(record('long-lived-user')?.expiresAt).toBe(NOW_S + 50 * DAY)
    expect(record('expiring-system-user')?.expiresAt).toBe(NOW_S + 10 * DAY)
    const short = record('short-lived-user')
    expect(short?.shortLived).toBe(true)
    expect(short?.issuedAt).toBeNull()
    expect((short?.expiresAt ?? 0) - NOW_S).toBeGreaterThanOrEqual(3600)
    expect((short?.expiresAt ?? 0) - NOW_S).toBeLessThanOrEqual(7200)
    expect(record('invalidated-user')?.invalidated?.subcode).toBe(460)
  })

  it('seeds the secrets and the clients file', () => {
    const { meta, github } = simulators()
    const scenario = buildAgency(meta, github, { now: NOW_MS })
    const file = parse(scenario.clientsFileYaml) as {
      clients: Record<string, { name: string; priority: string; owner: string }>
    }
    for (const client of scenario.clients) {
      expect(client.secret).toMatch(/^META_TOKEN_[A-Z0-9_]+$/)
      expect(github.readSecret({ kind: 'repository' }, client.secret)).toBe(
        client.token,
      )
      expect(file.clients[client.secret]?.name).toBe(client.name)
      expect(['high', 'normal', 'low']).toContain(
        file.clients[client.secret]?.priority,
      )
      expect(scenario.tokensInput).toContain(`${client.secret}=${client.token}`)
    }
  })
})

describe('buildLargeAgency', () => {
  it('makes the due share refreshable', () => {
    const { meta, github } = simulators()
    const scenario = buildLargeAgency(meta, github, {
      count: 5000,
      dueFraction: 0.1,
      seed: 3,
      now: NOW_MS,
    })
    expect(scenario.clients).toHaveLength(5000)
    const due = scenario.clients.filter((client) => {
      const record = meta.inspect(client.token)
      return (
        record && record.expiresAt !== 0 && record.expiresAt - NOW_S < 30 * DAY
      )
    })
    expect(due).toHaveLength(500)
    const never = scenario.clients.filter(
      (client) => client.kind === 'never-expiring-system-user',
    )
    expect(never.length).toBeGreaterThan(1500)
    expect(never.length).toBeLessThan(3000)
    expect(github.secretNames({ kind: 'repository' })).toHaveLength(5000)
  })

  it('repeats for a seed', () => {
    const first = simulators()
    const second = simulators()
    const a = buildLargeAgency(first.meta, first.github, {
      count: 50,
      dueFraction: 0.2,
      seed: 9,
      now: NOW_MS,
    })
    const b = buildLargeAgency(second.meta, second.github, {
      count: 50,
      dueFraction: 0.2,
      seed: 9,
      now: NOW_MS,
    })
    expect(b.tokensInput).toBe(a.tokensInput)
  })
})

describe('startSandbox', () => {
  it('serves the agency over loopback', async () => {
    const sandbox = await startSandbox({
      clients: 16,
      repository: 'acme/tokens',
    })
    try {
      expect(sandbox.graphUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(sandbox.repository).toBe('acme/tokens')
      expect(sandbox.scenario.clients).toHaveLength(16)
      const response = await fetch(
        `${sandbox.githubUrl}/repos/acme/tokens/actions/secrets/public-key`,
        { headers: { authorization: `token ${sandbox.writerToken}` } },
      )
      expect(response.status).toBe(200)
      const inspect = await fetch(
        `${sandbox.graphUrl}/v27.0/debug_token?input_token=x&access_token=${sandbox.appId}|${sandbox.appSecret}`,
      )
      expect(inspect.status).toBe(200)
      expect(sandbox.counters()).toMatchObject({
        graphRequests: 1,
        githubRequests: 1,
        exchanges: 0,
      })
    } finally {
      await sandbox.close()
    }
  })
})

describe('scripts/sandbox.ts', () => {
  it('prints one JSON line and stops on SIGTERM', async () => {
    const clientsFile = join(
      await mkdtemp(join(tmpdir(), 'mtk-sim-')),
      'clients.yml',
    )
    const child = spawn(
      join(ROOT, 'node_modules/.bin/node'),
      [
        'scripts/sandbox.ts',
        '--clients',
        '16',
        '--repository',
        'acme/tokens',
        '--clients-file',
        clientsFile,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const exited = new Promise<number | null>((done) =>
      child.on('exit', (code) => done(code)),
    )
    const lines = createInterface({ input: child.stdout })
    const first = await new Promise<string>((done) => lines.once('line', done))
    const printed = JSON.parse(first) as Record<string, string>

    expect(Object.keys(printed)).toEqual(
      expect.arrayContaining([
        'graphUrl',
        'githubUrl',
        'appId',
        'appSecret',
        'writerToken',
        'issueToken',
        'tokensInput',
        'clientsFile',
      ]),
    )
    expect(printed.clientsFile).toBe(clientsFile)
    expect(await readFile(clientsFile, 'utf8')).toContain(
      'META_TOKEN_NORTHWIND_BIKES',
    )
    expect(printed.tokensInput?.split('\n')).toHaveLength(16)
    const response = await fetch(
      `${printed.githubUrl}/repos/acme/tokens/issues`,
      {
        headers: { authorization: `token ${printed.issueToken}` },
      },
    )
    expect(response.status).toBe(200)

    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('prints usage with --help', () => {
    const result = runSandboxScript(['--help'])

    expect(result.status).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^Usage: npx node scripts\/sandbox\.ts/)
    for (const option of [
      '--clients N',
      '--due-fraction SHARE',
      '--latency-graph MS',
      '--latency-github MS',
      '--failure-rate SHARE',
      '--seed N',
      '--repository OWNER/REPO',
      '--clients-file PATH',
      '-h, --help',
    ]) {
      expect(result.stdout, option).toContain(option)
    }
  })

  it('rejects an unknown option', () => {
    const result = runSandboxScript(['--bogus'])

    expect(result.status).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      'error: unknown option --bogus. Run with --help for the options.\n',
    )
  })

  it('names an option without its value', () => {
    const result = runSandboxScript(['--seed'])

    expect(result.status).toBe(2)
    expect(result.stderr).toBe(
      'error: option --seed needs a value. Run with --help for the options.\n',
    )
  })
})

/** Runs scripts/sandbox.ts with `args` on Node.js 24 and waits for it to exit. */
function runSandboxScript(args: string[]) {
  return spawnSync(
    join(ROOT, 'node_modules/.bin/node'),
    ['scripts/sandbox.ts', ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 20_000 },
  )
}
