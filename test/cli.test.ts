/**
 * The command-line tool: `main()` in this process against the Meta and
 * GitHub simulators over real HTTP, and the bundled dist/cli/index.js in a
 * child process. Covers option and variable errors, the .env file, the
 * table and JSON output, exit codes, the progress line and --write.
 */
import { execFile, spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main, type CliIo } from '../src/cli.ts'
import { startSandbox, type Sandbox } from './sim/index.ts'
import type { ClientKind } from './sim/scenarios.ts'
import { describeLeaks, findLeaks } from './harness/leaks.ts'
import { ROOT } from './harness/run-action.ts'
import type { ClientReport } from '../src/types.ts'

const CLI_BUNDLE = join(ROOT, 'dist/cli/index.js')
const run = promisify(execFile)

interface Captured {
  io: CliIo
  stdout(): string
  stderr(): string
}

/** Creates an io that keeps what the CLI writes; `tty` makes both streams look like a terminal. */
function captureIo(
  cwd: string,
  options: { tty?: boolean; columns?: number } = {},
): Captured {
  const out: string[] = []
  const err: string[] = []
  return {
    io: {
      stdout: {
        write: (text: string) => out.push(text),
        isTTY: options.tty ?? false,
        columns: options.columns,
      },
      stderr: {
        write: (text: string) => err.push(text),
        isTTY: options.tty ?? false,
      },
      cwd,
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  }
}

async function emptyDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mtk-cli-'))
}

/** Lines of `text` without the empty last one. */
function lines(text: string): string[] {
  return text.split('\n').filter((line, index, all) => {
    return line !== '' || index < all.length - 1
  })
}

let sandbox: Sandbox
let directory: string

beforeAll(async () => {
  sandbox = await startSandbox({ clients: 16 })
  directory = await emptyDirectory()
})

afterAll(async () => {
  await sandbox?.close()
})

/** Builds the app credentials and the token variables of the clients of `kinds` (all when absent). */
function agencyEnv(
  target: Sandbox,
  kinds?: ClientKind[],
): Record<string, string> {
  const env: Record<string, string> = {
    META_APP_ID: target.appId,
    META_APP_SECRET: target.appSecret,
  }
  for (const client of target.scenario.clients) {
    if (!kinds || kinds.includes(client.kind)) env[client.secret] = client.token
  }
  return env
}

/** Returns every secret the sandbox stores or handed out, for leak checks. */
function allSecrets(target: Sandbox): string[] {
  return [
    target.appSecret,
    target.writerToken,
    target.issueToken,
    ...target.meta.tokens().map((record) => record.token),
  ]
}

async function check(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; tty?: boolean; columns?: number } = {},
) {
  const captured = captureIo(options.cwd ?? directory, options)
  const code = await main(
    ['check', '--graph-api-url', sandbox.graphUrl, ...args],
    env,
    captured.io,
  )
  return { code, stdout: captured.stdout(), stderr: captured.stderr() }
}

describe('--help', () => {
  let help: string
  let code: number

  beforeAll(async () => {
    const captured = captureIo(directory)
    code = await main(['--help'], {}, captured.io)
    help = captured.stdout()
  })

  it('exits 0 and prints usage', () => {
    expect(code).toBe(0)
    expect(help).toMatch(/^Usage: meta-token-keeper check \[options\]/)
  })

  it('names the unit of each value', () => {
    const units: Array<[string, RegExp]> = [
      ['--refresh-before-days DAYS', /within DAYS days/],
      ['--warn-before-days DAYS', /expiring within DAYS days/],
      ['--graph-api-version VERSION', /vMAJOR\.MINOR/],
      ['--fail-on WHEN', /expired .*expiring .*never/s],
      ['--scope SCOPE', /repository, environment:NAME\s+or organization/],
      ['--repo OWNER/REPO', /repository for --write/],
      ['--dotenv PATH', /\.env-style file/],
      ['--clients-file PATH', /clients YAML file/],
    ]
    for (const [option, unit] of units) {
      const start = help.indexOf(option)
      expect(start, option).toBeGreaterThan(-1)
      const next = help.indexOf('\n  -', start + 1)
      expect(help.slice(start, next), option).toMatch(unit)
    }
  })

  it('states the default of each value', () => {
    for (const text of [
      '(default: META_TOKEN_)',
      '(default: 30)',
      '(default: 14)',
      '(default: expired)',
      '(default: repository)',
      '(default: v27.0)',
    ]) {
      expect(help).toContain(text)
    }
  })

  it('lists only accepted options', async () => {
    const options = [...help.matchAll(/^ {2}(?:-h, )?(--[a-z-]+)/gm)].map(
      (match) => match[1] as string,
    )
    expect(options.length).toBeGreaterThan(10)
    for (const option of options) {
      const captured = captureIo(directory)
      await main(['check', option, 'x'], {}, captured.io)
      expect(captured.stderr(), option).not.toMatch(/unknown option/)
    }
  })

  it('documents exit statuses', () => {
    expect(help).toMatch(/Exit status: 0 .*1 .*2 /s)
  })
})

describe('usage errors', () => {
  const cases: Array<[string, string[], RegExp]> = [
    [
      'unknown option',
      ['check', '--bogus'],
      /^error: unknown option --bogus\. Run with --help/,
    ],
    [
      'unknown command',
      ['inspect'],
      /^error: unknown command "inspect": the only command is `check`\./,
    ],
    ['missing command', [], /^error: missing command: the command is `check`/],
    [
      'extra argument',
      ['check', 'now'],
      /^error: unexpected argument "now" after `check`/,
    ],
    [
      'option without value',
      ['check', '--prefix'],
      /^error: option --prefix needs a value\./,
    ],
    [
      'flag with a value',
      ['check', '--json=yes'],
      /^error: option --json takes no value\./,
    ],
    [
      'option before another option',
      ['check', '--prefix', '--json'],
      /^error: option --prefix needs a value, and the argument after it starts with -\. Write a value that starts with - as --prefix=VALUE\.$/m,
    ],
  ]

  for (const [name, argv, message] of cases) {
    it(`${name} exits 2 with one line`, async () => {
      const captured = captureIo(directory)
      const code = await main(argv, agencyEnv(sandbox), captured.io)

      expect(code).toBe(2)
      expect(lines(captured.stderr())).toHaveLength(1)
      expect(captured.stderr()).toMatch(message)
      expect(captured.stdout()).toBe('')
    })
  }
})

describe('missing or invalid variables', () => {
  const cases: Array<[string, (env: Record<string, string>) => void, RegExp]> =
    [
      [
        'no app ID',
        (env) => delete env.META_APP_ID,
        /^error: META_APP_ID is not set\. Set it in the environment or in the \.env file/,
      ],
      [
        'text app ID',
        (env) => (env.META_APP_ID = 'my-app'),
        /^error: META_APP_ID must be the numeric Meta app ID, got "my-app"\./,
      ],
      [
        'no app secret',
        (env) => (env.META_APP_SECRET = '  '),
        /^error: META_APP_SECRET is not set\./,
      ],
      [
        'no token variable',
        (env) => {
          for (const name of Object.keys(env)) {
            if (name.startsWith('META_TOKEN_'))
              Reflect.deleteProperty(env, name)
          }
        },
        /^error: No client token found: set one META_TOKEN_<CLIENT> variable per client/,
      ],
      [
        'empty token',
        (env) => (env.META_TOKEN_EMPTY = ' '),
        /^error: META_TOKEN_EMPTY is empty\./,
      ],
      [
        'invalid token name',
        (env) => (env['META_TOKEN_A-B'] = 'EAAxxxxxxxxxxxxxxxxxxxxxxx'),
        /^error: Variable "META_TOKEN_A-B" is not a valid GitHub secret name/,
      ],
      [
        'one token under two names',
        (env) =>
          (env.META_TOKEN_COPY = env.META_TOKEN_NORTHWIND_BIKES as string),
        /^error: META_TOKEN_NORTHWIND_BIKES and META_TOKEN_COPY contain the same token, so a refresh would exchange it twice\. Pass the token under one secret name, or give each client its own token\.$/m,
      ],
      [
        'names differing in case',
        (env) => (env.meta_token_northwind_bikes = 'EAAyyyyyyyyyyyyyyyyyyyyyy'),
        /name the same GitHub secret \(secret names ignore case\)/,
      ],
    ]

  for (const [name, change, message] of cases) {
    it(`${name} exits 2 with one line`, async () => {
      const env = agencyEnv(sandbox)
      change(env)
      const before = sandbox.counters().graphRequests
      const result = await check([], env)

      expect(result.code).toBe(2)
      expect(lines(result.stderr)).toHaveLength(1)
      expect(result.stderr).toMatch(message)
      expect(result.stdout).toBe('')
      expect(sandbox.counters().graphRequests).toBe(before)
    })
  }

  it('invalid option value names the option', async () => {
    const result = await check(
      ['--refresh-before-days', 'soon'],
      agencyEnv(sandbox),
    )

    expect(result.code).toBe(2)
    expect(lines(result.stderr)).toHaveLength(1)
    expect(result.stderr).toContain(
      'error: `--refresh-before-days` must be a whole number of days (0 or more), got "soon".',
    )
  })

  for (const argv of [
    ['--refresh-before-days', '-3'],
    ['--refresh-before-days=-3'],
  ]) {
    it(`negative days exit 2: ${argv.join(' ')}`, async () => {
      const result = await check(argv, agencyEnv(sandbox))

      expect(result.code).toBe(2)
      expect(lines(result.stderr)).toEqual([
        'error: `--refresh-before-days` must be a whole number of days (0 or more), got "-3". Set it to a number such as 30.',
      ])
    })
  }

  it('--fail-on rejects an unknown word', async () => {
    const result = await check(['--fail-on', 'sometimes'], agencyEnv(sandbox))

    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/`--fail-on` must be `expired`, `expiring`/)
  })

  it('credentials are not token variables', async () => {
    const env = agencyEnv(sandbox, ['never-expiring-system-user'])
    const result = await check(['--prefix', 'META_', '--json'], env)
    const reports = JSON.parse(result.stdout) as ClientReport[]

    expect(result.code).toBe(0)
    expect(reports.map((report) => report.secret)).toEqual([
      'META_TOKEN_GRANITE_WORKS_ROOFING',
    ])
  })

  it('wrong app secret exits 1 naming the variables', async () => {
    const env = { ...agencyEnv(sandbox), META_APP_SECRET: '0'.repeat(32) }
    const result = await check(['--json'], env)
    const reports = JSON.parse(result.stdout) as ClientReport[]

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Meta rejected the app credentials')
    expect(result.stderr).toContain('Check META_APP_ID and META_APP_SECRET:')
    expect(reports.every((report) => report.status === 'error')).toBe(true)
  })
})

describe('.env file', () => {
  it('is read from the working directory', async () => {
    const cwd = await emptyDirectory()
    const env = agencyEnv(sandbox, ['never-expiring-system-user'])
    await writeFile(join(cwd, '.env'), envFileText(env))

    const result = await check(['--json'], {}, { cwd })
    const reports = JSON.parse(result.stdout) as ClientReport[]

    expect(result.code).toBe(0)
    expect(reports).toHaveLength(1)
    expect(reports[0]?.status).toBe('healthy')
  })

  it('warns once about lines without =', async () => {
    const cwd = await emptyDirectory()
    const env = agencyEnv(sandbox, ['never-expiring-system-user'])
    const pasted = clientOf('never-expiring-system-user').token
    await writeFile(
      join(cwd, '.env'),
      `this is not env\n${envFileText(env)}${pasted}\n`,
    )

    const result = await check(['--json'], {}, { cwd })
    const warnings = lines(result.stderr).filter((line) =>
      line.startsWith('warning: '),
    )

    expect(result.code).toBe(0)
    expect(warnings).toEqual([
      'warning: .env lines 1 and 6 have no `=`, so they were ignored. Write each variable as NAME=value, or start a comment with #.',
    ])
    expect(result.stderr).not.toContain('this is not env')
    expect(describeLeaks(findLeaks({ stderr: result.stderr }, [pasted]))).toBe(
      '',
    )
  })

  it('--dotenv reads another file', async () => {
    const cwd = await emptyDirectory()
    const env = agencyEnv(sandbox, ['never-expiring-system-user'])
    await mkdir(join(cwd, 'config'))
    await writeFile(join(cwd, 'config/meta.env'), envFileText(env))

    const result = await check(
      ['--dotenv', 'config/meta.env', '--json'],
      {},
      { cwd },
    )

    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toHaveLength(1)
  })

  it('environment wins over the file', async () => {
    const cwd = await emptyDirectory()
    const healthy = clientOf('never-expiring-system-user')
    const expired = clientOf('expired-user')
    await writeFile(
      join(cwd, '.env'),
      envFileText({
        ...agencyEnv(sandbox, []),
        META_APP_SECRET: '0'.repeat(32),
        [healthy.secret]: expired.token,
      }),
    )

    const result = await check(
      ['--json'],
      { META_APP_SECRET: sandbox.appSecret, [healthy.secret]: healthy.token },
      { cwd },
    )
    const reports = JSON.parse(result.stdout) as ClientReport[]

    expect(result.code).toBe(0)
    expect(reports).toHaveLength(1)
    expect(reports[0]?.status).toBe('healthy')
    expect(reports[0]?.tokenType).toBe('SYSTEM_USER')
  })

  it('missing --dotenv exits 2', async () => {
    const result = await check(['--dotenv', 'nowhere.env'], agencyEnv(sandbox))

    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      'error: --dotenv nowhere.env does not exist. Fix the path or leave the option out.\n',
    )
  })

  it('.env directory exits 2 with a fix', async () => {
    const cwd = await emptyDirectory()
    await mkdir(join(cwd, '.env'))

    const result = await check([], agencyEnv(sandbox), { cwd })

    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      'error: --dotenv .env is a directory. Pass the .env file itself.\n',
    )
  })
})

function clientOf(kind: ClientKind) {
  const client = sandbox.scenario.clients.find((item) => item.kind === kind)
  if (!client) throw new Error(`The agency has no ${kind} client.`)
  return client
}

function envFileText(env: Record<string, string>): string {
  return `# Meta app\n${Object.entries(env)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n')}\n`
}

describe('clients file', () => {
  it('gives display names', async () => {
    const cwd = await emptyDirectory()
    await mkdir(join(cwd, '.github'))
    await writeFile(
      join(cwd, '.github/meta-clients.yml'),
      'clients:\n  META_TOKEN_GRANITE_WORKS_ROOFING:\n    name: Granite Roofing Ltd\n',
    )
    const env = agencyEnv(sandbox, ['never-expiring-system-user'])

    const result = await check(['--json'], env, { cwd })
    const reports = JSON.parse(result.stdout) as ClientReport[]

    expect(reports[0]?.client).toBe('Granite Roofing Ltd')
  })

  it('warns about entries without a token', async () => {
    const cwd = await emptyDirectory()
    await writeFile(
      join(cwd, 'clients.yml'),
      'clients:\n  META_TOKEN_GONE:\n    name: Gone Ltd\n',
    )
    const env = agencyEnv(sandbox, ['never-expiring-system-user'])

    const result = await check(['--clients-file', 'clients.yml'], env, {
      cwd,
    })

    expect(result.code).toBe(0)
    expect(result.stderr).toContain(
      'warning: clients.yml lists 1 client(s) with no token variable, not checked: META_TOKEN_GONE.',
    )
  })

  it('missing --clients-file exits 2', async () => {
    const result = await check(
      ['--clients-file', 'none.yml'],
      agencyEnv(sandbox),
    )

    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      'error: --clients-file none.yml does not exist. Fix the path or leave the option out.\n',
    )
  })

  it('--clients-file directory exits 2 with a fix', async () => {
    const result = await check(['--clients-file', '.'], agencyEnv(sandbox))

    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      'error: --clients-file . is a directory. Pass the clients YAML file, such as .github/meta-clients.yml.\n',
    )
  })
})

describe('incident agency, no --write', () => {
  let json: Awaited<ReturnType<typeof check>>
  let table: Awaited<ReturnType<typeof check>>
  let reports: ClientReport[]
  let before: ReturnType<Sandbox['counters']>
  let after: ReturnType<Sandbox['counters']>

  beforeAll(async () => {
    before = sandbox.counters()
    json = await check(['--json'], agencyEnv(sandbox))
    table = await check([], agencyEnv(sandbox))
    after = sandbox.counters()
    reports = JSON.parse(json.stdout) as ClientReport[]
  })

  it('prints one JSON object per client', () => {
    expect(reports).toHaveLength(16)
    const keys = Object.keys(reports[0] ?? {}).sort()
    expect(keys).toEqual(
      [
        'client',
        'secret',
        'tokenType',
        'status',
        'expiresAt',
        'dataAccessExpiresAt',
        'needsMigration',
        'written',
        'reason',
        'fix',
        'priority',
        'owner',
        'note',
        'scope',
        'previousExpiresAt',
        'revoked',
      ].sort(),
    )
    for (const report of reports) {
      expect(Object.keys(report).sort()).toEqual(keys)
    }
  })

  it('reports the statuses', () => {
    const count = (status: string) =>
      reports.filter((report) => report.status === status).length
    expect(count('expired')).toBe(11)
    expect(count('invalid')).toBe(1)
    expect(count('expiring')).toBe(2)
    expect(count('healthy')).toBe(2)
    expect(reports.some((report) => report.written)).toBe(false)
  })

  it('words reasons for the terminal', () => {
    const due = reports.filter((report) => report.status === 'expiring')
    for (const report of due) {
      expect(report.reason).toContain(
        'Not refreshed: run with --write to refresh it.',
      )
    }
    expect(json.stderr).toContain('listed in the JSON report on stdout.')
    expect(json.stderr).not.toMatch(/job summary|`github-token`|Input `/)
  })

  it('exchanges and writes nothing', () => {
    expect(after.exchanges - before.exchanges).toBe(0)
    expect(after.secretWrites - before.secretWrites).toBe(0)
    expect(after.githubRequests - before.githubRequests).toBe(0)
    for (const client of sandbox.scenario.clients) {
      expect(
        sandbox.github.readSecret({ kind: 'repository' }, client.secret),
      ).toBe(client.token)
    }
  })

  it('exits 1 with one reason line', () => {
    expect(json.code).toBe(1)
    expect(table.code).toBe(1)
    expect(json.stderr).toMatch(
      /^error: Meta tokens need attention \(fail-on: expired\): 12 expired or invalid\. 15 client\(s\) listed in the JSON report on stdout\.$/m,
    )
    expect(table.stderr).toMatch(
      /^error: Meta tokens need attention \(fail-on: expired\): 12 expired or invalid\. 15 client\(s\) listed in the table on stdout\.$/m,
    )
  })

  it('prints the table on stdout', () => {
    const [header, ...rows] = lines(table.stdout)
    expect(header).toMatch(/^Client\s+Status\s+Type\s+Expires\s+Reason$/)
    for (const client of sandbox.scenario.clients) {
      expect(table.stdout).toContain(client.name)
    }
    expect(rows[0]).toMatch(/\bexpired\*\s+USER\s+\d{4}-\d{2}-\d{2}\s/)
    expect(table.stdout).toContain('What to do:')
  })

  it('keeps logs off stdout', () => {
    expect(json.stdout.trimStart().startsWith('[')).toBe(true)
    expect(json.stderr).toMatch(/^Checking 16 client token\(s\)\.\.\.$/m)
    expect(json.stderr).toMatch(
      /^16 checked, 0 refreshed and written, 15 need a person\.$/m,
    )
  })

  it('prints no secret', () => {
    const leaks = findLeaks(
      {
        jsonStdout: json.stdout,
        jsonStderr: json.stderr,
        tableStdout: table.stdout,
        tableStderr: table.stderr,
      },
      allSecrets(sandbox),
    )
    expect(leaks, describeLeaks(leaks)).toEqual([])
  })

  it('--debug prints routes, no secret', async () => {
    const result = await check(['--debug', '--json'], agencyEnv(sandbox))

    expect(result.stderr).toMatch(/^debug: POST \/v27\.0\/: HTTP 200$/m)
    const leaks = findLeaks({ stderr: result.stderr }, allSecrets(sandbox))
    expect(leaks, describeLeaks(leaks)).toEqual([])
  })

  it('fits a terminal width', async () => {
    const narrow = await check([], agencyEnv(sandbox), {
      tty: true,
      columns: 100,
    })
    for (const line of lines(narrow.stdout)) {
      expect(line.length, line).toBeLessThanOrEqual(100)
    }
    expect(narrow.stdout).toContain('…')
  })
})

describe('--fail-on', () => {
  const cases: Array<[string, ClientKind[], number]> = [
    ['expired', ['expired-user'], 1],
    ['expired', ['invalidated-user'], 1],
    ['expired', ['expiring-system-user'], 0],
    ['expiring', ['expiring-system-user'], 1],
    ['expiring', ['long-lived-user'], 0],
    ['never', ['expired-user', 'invalidated-user'], 0],
  ]

  for (const [failOn, kinds, expected] of cases) {
    it(`${failOn} exits ${expected} on ${kinds.join(', ')}`, async () => {
      const result = await check(
        ['--fail-on', failOn, '--json'],
        agencyEnv(sandbox, kinds),
      )

      expect(result.code).toBe(expected)
      const reasonLine = /^error: Meta tokens need attention/m
      if (expected === 1) expect(result.stderr).toMatch(reasonLine)
      else expect(result.stderr).not.toMatch(reasonLine)
    })
  }

  it('defaults to expired', async () => {
    const expiring = await check(
      ['--json'],
      agencyEnv(sandbox, ['expiring-system-user']),
    )
    const expired = await check(
      ['--json'],
      agencyEnv(sandbox, ['expired-user']),
    )

    expect(expiring.code).toBe(0)
    expect(expired.code).toBe(1)
  })
})

describe('progress line', () => {
  let large: Sandbox

  beforeAll(async () => {
    large = await startSandbox({ clients: 200, dueFraction: 0 })
  })

  afterAll(async () => {
    await large?.close()
  })

  async function checkLarge(tty: boolean) {
    const captured = captureIo(directory, { tty, columns: 120 })
    const code = await main(
      ['check', '--graph-api-url', large.graphUrl, '--json'],
      agencyEnv(large),
      captured.io,
    )
    return { code, stdout: captured.stdout(), stderr: captured.stderr() }
  }

  it('counts batches on a terminal', async () => {
    const result = await checkLarge(true)
    const counts = [...result.stderr.matchAll(/\rInspected (\d+) of 200/g)].map(
      (match) => Number(match[1]),
    )

    expect(result.code).toBe(0)
    expect(counts).toEqual([50, 100, 150, 200])
    expect(result.stderr).toContain('\rInspected 200 of 200 tokens\n')
    expect(JSON.parse(result.stdout)).toHaveLength(200)
  })

  it('is left out of a pipe', async () => {
    const result = await checkLarge(false)

    expect(result.code).toBe(0)
    expect(result.stderr).not.toContain('Inspected')
    expect(result.stderr).not.toContain('\r')
  })

  it('is left out of a short run', async () => {
    const result = await check(
      ['--json'],
      agencyEnv(sandbox, ['long-lived-user']),
      { tty: true },
    )

    expect(result.stderr).not.toContain('Inspected')
  })
})

describe('--write', () => {
  let target: Sandbox
  let result: Awaited<ReturnType<typeof check>>
  let reports: ClientReport[]
  let before: ReturnType<Sandbox['counters']>

  beforeAll(async () => {
    target = await startSandbox({ clients: 16, seed: 7 })
    before = target.counters()
    const captured = captureIo(directory)
    const code = await main(
      [
        'check',
        '--write',
        '--json',
        '--graph-api-url',
        target.graphUrl,
        '--github-api-url',
        target.githubUrl,
      ],
      {
        ...agencyEnv(target),
        GITHUB_TOKEN: target.writerToken,
        GITHUB_REPOSITORY: target.repository,
      },
      captured.io,
    )
    result = { code, stdout: captured.stdout(), stderr: captured.stderr() }
    reports = JSON.parse(result.stdout) as ClientReport[]
  })

  afterAll(async () => {
    await target?.close()
  })

  it('writes the verified new tokens', () => {
    const written = reports.filter((report) => report.written)
    expect(written.map((report) => report.secret).sort()).toEqual(
      ['META_TOKEN_PINECONE_TOYS', 'META_TOKEN_REDWOOD_REALTY'].sort(),
    )

    for (const report of written) {
      const original = target.scenario.clients.find(
        (client) => client.secret === report.secret,
      )
      const stored = target.github.readSecret(
        { kind: 'repository' },
        report.secret,
      )
      expect(stored).toBeDefined()
      expect(stored).not.toBe(original?.token)

      const record = target.meta.inspect(stored ?? '')
      const previous = target.meta.inspect(original?.token ?? '')
      expect(record?.origin).toBe('exchange')
      expect(record?.revoked).toBe(false)
      expect(record?.expiresAt).toBeGreaterThan(previous?.expiresAt ?? 0)
      expect(report.status).toBe('refreshed')
      expect(Date.parse(report.expiresAt ?? '')).toBe(
        (record?.expiresAt ?? 0) * 1000,
      )
    }
    expect(target.counters().secretWrites - before.secretWrites).toBe(2)
  })

  it('leaves the other secrets alone', () => {
    for (const client of target.scenario.clients) {
      if (reports.find((report) => report.secret === client.secret)?.written)
        continue
      expect(
        target.github.readSecret({ kind: 'repository' }, client.secret),
      ).toBe(client.token)
    }
  })

  it('still exits 1 for the expired tokens', () => {
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^16 checked, 2 refreshed and written/m)
  })

  it('prints no secret', () => {
    const leaks = findLeaks(
      { stdout: result.stdout, stderr: result.stderr },
      allSecrets(target),
    )
    expect(leaks, describeLeaks(leaks)).toEqual([])
  })
})

describe('--write setup', () => {
  const base = ['--write', '--github-api-url', 'http://127.0.0.1:9']

  it('needs GITHUB_TOKEN', async () => {
    const result = await check(base, {
      ...agencyEnv(sandbox),
      GITHUB_REPOSITORY: 'northwind-agency/meta-tokens',
    })

    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^error: --write needs GITHUB_TOKEN set/)
  })

  it('needs a repository', async () => {
    const result = await check(base, {
      ...agencyEnv(sandbox),
      GITHUB_TOKEN: sandbox.writerToken,
    })

    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^error: --write needs the repository whose secrets it writes/,
    )
  })

  it('rejects a malformed --repo', async () => {
    const result = await check([...base, '--repo', 'northwind'], {
      ...agencyEnv(sandbox),
      GITHUB_TOKEN: sandbox.writerToken,
    })

    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^error: --repo must be OWNER\/REPO, got "northwind"\./,
    )
  })

  it('warns that --scope needs --write', async () => {
    const result = await check(
      ['--scope', 'organization', '--json'],
      agencyEnv(sandbox, ['long-lived-user']),
    )

    expect(result.code).toBe(0)
    expect(result.stderr).toContain(
      'warning: --scope and --repo apply only with --write; ignored.',
    )
  })

  it('reports a token that cannot write', async () => {
    const result = await check(
      ['--write', '--json', '--github-api-url', sandbox.githubUrl],
      {
        ...agencyEnv(sandbox, ['expiring-system-user']),
        GITHUB_TOKEN: sandbox.issueToken,
        GITHUB_REPOSITORY: sandbox.repository,
      },
    )
    const [report] = JSON.parse(result.stdout) as ClientReport[]

    expect(result.code).toBe(1)
    expect(report?.status).toBe('error')
    expect(report?.written).toBe(false)
    expect(report?.reason).toMatch(
      /^Not refreshed: `GITHUB_TOKEN` could not read the public key of the repository secrets/,
    )
  })
})

describe('bundled CLI', () => {
  function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...agencyEnv(sandbox, ['never-expiring-system-user', 'expired-user']),
      ...extra,
    }
  }

  it('prints JSON and exits 1', async () => {
    const child = await run(
      process.execPath,
      [CLI_BUNDLE, 'check', '--graph-api-url', sandbox.graphUrl, '--json'],
      { cwd: directory, env: env() },
    ).catch((error: { code: number; stdout: string; stderr: string }) => error)
    const code = 'code' in child ? child.code : 0
    const reports = JSON.parse(child.stdout) as ClientReport[]

    expect(code).toBe(1)
    expect(reports).toHaveLength(12)
    expect(child.stderr).toMatch(/^error: Meta tokens need attention/m)
    const leaks = findLeaks(
      { stdout: child.stdout, stderr: child.stderr },
      allSecrets(sandbox),
    )
    expect(leaks, describeLeaks(leaks)).toEqual([])
  })

  it('exits 0 on a healthy agency', async () => {
    const child = await run(
      process.execPath,
      [CLI_BUNDLE, 'check', '--graph-api-url', sandbox.graphUrl],
      {
        cwd: directory,
        env: {
          PATH: process.env.PATH ?? '',
          ...agencyEnv(sandbox, ['never-expiring-system-user']),
        },
      },
    )

    expect(child.stdout).toMatch(/^Client\s+Status/)
    expect(child.stdout).toContain('Granite Works Roofing')
  })

  it('exits 2 on a usage error', () => {
    const child = spawnSync(process.execPath, [CLI_BUNDLE, 'check', '-x'], {
      cwd: directory,
      env: env(),
      encoding: 'utf8',
    })

    expect(child.status).toBe(2)
    expect(child.stderr).toBe(
      'error: unknown option -x. Run with --help for the options.\n',
    )
  })

  it('names a missing --dotenv file', () => {
    // Node.js itself reads `--env-file` even after the script name, which is
    // why the option has another name.
    const child = spawnSync(
      process.execPath,
      [CLI_BUNDLE, 'check', '--dotenv', 'nowhere.env'],
      { cwd: directory, env: env(), encoding: 'utf8' },
    )

    expect(child.status).toBe(2)
    expect(child.stderr).toBe(
      'error: --dotenv nowhere.env does not exist. Fix the path or leave the option out.\n',
    )
  })

  it('runs as the package bin', async () => {
    const child = await run(
      'npx',
      ['--no', '--', 'meta-token-keeper', 'check', '--help'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      },
    )

    expect(child.stdout).toMatch(/^Usage: meta-token-keeper check/)
  })

  it('rejects an older Node.js', () => {
    // Reports Node.js 20 to the bundle, so the guard runs on any machine.
    const fakeVersion =
      "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.11.1'})"
    const child = spawnSync(
      process.execPath,
      ['--import', fakeVersion, CLI_BUNDLE, 'check'],
      { cwd: directory, env: env(), encoding: 'utf8' },
    )

    expect(child.status).toBe(2)
    expect(child.stdout).toBe('')
    expect(child.stderr).toBe(
      'error: meta-token-keeper needs Node.js 24 or later, but this is Node.js 20.11.1. Install Node.js 24; in a clone of the repository, `npx node dist/cli/index.js check` uses the Node.js 24 that `npm ci` installs.\n',
    )
  })

  it('loads on each older Node.js installed', () => {
    // NOTE: asserts nothing on a machine whose PATH has no Node.js older
    // than 24; the test above covers the guard there.
    for (const node of olderNodes()) {
      const child = spawnSync(node.path, [CLI_BUNDLE, 'check'], {
        cwd: directory,
        env: env(),
        encoding: 'utf8',
      })
      expect(child.status, node.path).toBe(2)
      expect(child.stderr, node.path).toContain(
        `needs Node.js 24 or later, but this is Node.js ${node.version}.`,
      )
    }
  })
})

/** Node.js binaries on PATH older than 24, with their versions. */
function olderNodes(): Array<{ path: string; version: string }> {
  const search = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' })
  const paths = new Set(lines(search.stdout ?? '').filter(Boolean))
  const found: Array<{ path: string; version: string }> = []
  for (const path of paths) {
    const probe = spawnSync(path, ['-p', 'process.versions.node'], {
      encoding: 'utf8',
    })
    const version = (probe.stdout ?? '').trim()
    if (probe.status === 0 && Number(version.split('.')[0]) < 24) {
      found.push({ path, version })
    }
  }
  return found
}
