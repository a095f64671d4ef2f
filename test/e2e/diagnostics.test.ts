/**
 * The bundled action's diagnostics before Meta is asked for a new token.
 * They cover a `github-token` that cannot read a scope's public key (the
 * workflow's GITHUB_TOKEN, a token without access, bad credentials, a GitHub
 * App without the organization permission), invalid secret names, and app
 * credentials Meta rejects. Each problem gets one message and stops only the
 * work it concerns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sandbox } from '../sim/index.ts'
import type { Credential } from '../sim/github.ts'
import type { SecretScope } from '../../src/types.ts'
import {
  leaksOf,
  occurrences,
  ORGANIZATION,
  placeClient,
  PRODUCTION,
  reportOf,
  REPOSITORY,
  runKeeper,
  startBareSandbox,
  storedValue,
  systemUserSpec,
  type KeeperRun,
  type PlacedClient,
} from './helpers.ts'

const REPO = 'northwind-agency/meta-tokens'
const REPOSITORY_PERMISSION =
  'the repository permission "Secrets: read and write" (GitHub App permission `secrets`; classic token: `repo` scope)'
const ORGANIZATION_PERMISSION =
  'the organization permission "Secrets: read and write" (GitHub App permission `organization_secrets`; classic token: `admin:org` scope)'

const CLIENTS_FILE = [
  'clients:',
  '  META_TOKEN_RIVERSIDE_YOGA:',
  '    scope: environment:production',
  '  META_TOKEN_CEDAR_FURNITURE:',
  '    scope: organization',
  '',
].join('\n')

/** One sandbox with a due System User token in each scope, and the run's view of it. */
interface ScopeSetup {
  sandbox: Sandbox
  clients: Record<'first' | 'second' | 'production' | 'org', PlacedClient>
  keeper: KeeperRun
}

/** Places two repository clients, one in environment production and one in the organization, then runs with `github-token`. */
async function runWithGitHubToken(
  githubToken: string | ((sandbox: Sandbox) => string),
  credential?: Credential,
): Promise<ScopeSetup> {
  const sandbox = await startBareSandbox()
  const place = (name: string, userId: string, scope: SecretScope) =>
    placeClient(
      sandbox,
      `META_TOKEN_${name}`,
      systemUserSpec(12, userId),
      scope,
    )
  const clients = {
    first: place('HARBOR_BAKERY', '4001', REPOSITORY),
    second: place('BLUEFIN_SWIM_SCHOOL', '4002', REPOSITORY),
    production: place('RIVERSIDE_YOGA', '4003', PRODUCTION),
    org: place('CEDAR_FURNITURE', '4004', ORGANIZATION),
  }
  const token =
    typeof githubToken === 'string' ? githubToken : githubToken(sandbox)
  if (credential) sandbox.github.addCredential(token, credential)
  const keeper = await runKeeper(sandbox, Object.values(clients), {
    clientsFile: CLIENTS_FILE,
    inputs: { 'github-token': token },
  })
  return { sandbox, clients, keeper }
}

function scopeErrors(keeper: KeeperRun): string[] {
  return keeper.log
    .split('\n')
    .filter((line) => line.startsWith('::error title=Cannot write the '))
}

function errorFor(keeper: KeeperRun, label: string): string {
  // The runner's command syntax escapes `:` in an annotation title as %3A.
  const title = `Cannot write the ${label} secrets`.replaceAll(':', '%3A')
  const lines = scopeErrors(keeper).filter((line) =>
    line.startsWith(`::error title=${title}::`),
  )
  expect(lines, label).toHaveLength(1)
  return lines[0] ?? ''
}

/** Asserts that the client was stopped before any exchange and its secret kept. */
function expectStoppedBeforeExchange(setup: ScopeSetup, client: PlacedClient) {
  const report = reportOf(setup.keeper, client)
  const record = setup.sandbox.meta.inspect(client.token)
  expect(report.status, client.secret).toBe('error')
  expect(report.tokenType, client.secret).toBe('SYSTEM_USER')
  expect(report.written, client.secret).toBe(false)
  expect(report.needsMigration, client.secret).toBe(false)
  expect(report.expiresAt, client.secret).toBe(
    new Date((record?.expiresAt ?? 0) * 1000).toISOString(),
  )
  expect(report.reason, client.secret).toContain(
    `could not read the public key of the ${report.scope} secrets, so nothing was exchanged`,
  )
  expect(storedValue(setup.sandbox, client), client.secret).toBe(client.token)
  const minted = setup.sandbox.meta
    .tokens()
    .filter(
      (item) => item.origin === 'exchange' && item.userId === record?.userId,
    )
  expect(minted, client.secret).toEqual([])
}

describe('github-token without access to secrets', () => {
  let workflowToken: ScopeSetup
  let noAccess: ScopeSetup
  let badCredentials: ScopeSetup

  beforeAll(async () => {
    ;[workflowToken, noAccess, badCredentials] = await Promise.all([
      runWithGitHubToken((sandbox) => sandbox.issueToken),
      runWithGitHubToken('github_pat_11NOACCESS0000_seenNoRepositories', {
        kind: 'pat',
        secrets: 'none',
        orgSecrets: 'none',
        issues: 'none',
        login: 'intern',
      }),
      runWithGitHubToken('github_pat_11REVOKED00000_deletedLastWeek000'),
    ])
  })

  afterAll(async () => {
    await Promise.all(
      [workflowToken, noAccess, badCredentials].map((setup) =>
        setup?.sandbox.close(),
      ),
    )
  })

  it('explains GITHUB_TOKEN per scope', () => {
    const keeper = workflowToken.keeper
    expect(scopeErrors(keeper)).toHaveLength(3)
    const repository = errorFor(keeper, 'repository')
    expect(repository).toContain(
      `Input \`github-token\` could not read the public key of the repository secrets of ${REPO} (403 Resource not accessible by integration).`,
    )
    expect(repository).toContain("The workflow's GITHUB_TOKEN never has it")
    expect(repository).toContain(REPOSITORY_PERMISSION)

    const environment = errorFor(keeper, 'environment:production')
    expect(environment).toContain(
      `the secrets of environment "production" in ${REPO} (403 Resource not accessible by integration)`,
    )
    expect(environment).toContain(REPOSITORY_PERMISSION)

    const organization = errorFor(keeper, 'organization')
    expect(organization).toContain(
      'the organization secrets of northwind-agency (403 Resource not accessible by integration)',
    )
    expect(organization).toContain(ORGANIZATION_PERMISSION)
  })

  it('explains a token without access per scope', () => {
    const keeper = noAccess.keeper
    expect(scopeErrors(keeper)).toHaveLength(3)
    expect(errorFor(keeper, 'repository')).toContain(
      `(404 Not Found). The token cannot see the secrets of ${REPO}. Give it access to this repository with ${REPOSITORY_PERMISSION}.`,
    )
    expect(errorFor(keeper, 'environment:production')).toContain(
      `(404 Not Found). The environment "production" does not exist in ${REPO}, or the token cannot see its secrets.`,
    )
    expect(errorFor(keeper, 'organization')).toContain(
      `(404 Not Found). northwind-agency is not an organization, or the token cannot see its organization secrets.`,
    )
    expect(errorFor(keeper, 'organization')).toContain(ORGANIZATION_PERMISSION)
  })

  it('explains bad credentials per scope', () => {
    const keeper = badCredentials.keeper
    expect(scopeErrors(keeper)).toHaveLength(3)
    for (const label of ['repository', 'environment:production']) {
      const line = errorFor(keeper, label)
      expect(line, label).toContain('Input `github-token`')
      expect(line, label).toContain(
        `(401 Bad credentials). The token is expired or revoked. Replace it with a token that has ${REPOSITORY_PERMISSION}.`,
      )
    }
    expect(errorFor(keeper, 'organization')).toContain(
      `(401 Bad credentials). The token is expired or revoked. Replace it with a token that has ${ORGANIZATION_PERMISSION}.`,
    )
  })

  it('writes each message once', () => {
    for (const setup of [workflowToken, noAccess, badCredentials]) {
      const { log, run } = setup.keeper
      expect(occurrences(log, 'Input `github-token`')).toBe(3)
      expect(occurrences(run.summary, 'Input `github-token`')).toBe(3)
      for (const line of scopeErrors(setup.keeper)) {
        const message = line.slice(line.indexOf('::', 2) + 2)
        expect(occurrences(log, message)).toBe(1)
        expect(occurrences(run.summary, message)).toBe(1)
      }
    }
  })

  it('exchanges and writes nothing', () => {
    for (const setup of [workflowToken, noAccess, badCredentials]) {
      expect(setup.keeper.counts.exchanges).toBe(0)
      expect(setup.keeper.counts.tokensMinted).toBe(0)
      expect(setup.keeper.counts.secretWrites).toBe(0)
      for (const client of Object.values(setup.clients)) {
        expectStoppedBeforeExchange(setup, client)
      }
    }
  })

  it('fails the run after reporting', () => {
    for (const setup of [workflowToken, noAccess, badCredentials]) {
      expect(setup.keeper.run.exitCode).toBe(1)
      expect(setup.keeper.reports).toHaveLength(4)
      expect(setup.keeper.run.outputs.refreshed).toBe('0')
    }
  })
})

describe('github-token without organization access', () => {
  let appToken: ScopeSetup
  let repositoryPat: ScopeSetup

  beforeAll(async () => {
    ;[appToken, repositoryPat] = await Promise.all([
      runWithGitHubToken('ghs_RepositoryOnlyInstallation00000000000', {
        kind: 'app',
        secrets: 'write',
        orgSecrets: 'none',
        issues: 'write',
        login: 'token-keeper[bot]',
      }),
      runWithGitHubToken('github_pat_11REPOONLY0000_secretsWriteNoOrg0', {
        kind: 'pat',
        secrets: 'write',
        orgSecrets: 'none',
        issues: 'write',
        login: 'keeper-bot',
      }),
    ])
  })

  afterAll(async () => {
    await Promise.all(
      [appToken, repositoryPat].map((setup) => setup?.sandbox.close()),
    )
  })

  it('names the missing organization permission', () => {
    expect(scopeErrors(appToken.keeper)).toHaveLength(1)
    const app = errorFor(appToken.keeper, 'organization')
    expect(app).toContain('(403 Resource not accessible by integration)')
    expect(app).toContain(ORGANIZATION_PERMISSION)

    expect(scopeErrors(repositoryPat.keeper)).toHaveLength(1)
    const pat = errorFor(repositoryPat.keeper, 'organization')
    expect(pat).toContain('(404 Not Found)')
    expect(pat).toContain(ORGANIZATION_PERMISSION)
  })

  it('stops only the organization client', () => {
    for (const setup of [appToken, repositoryPat]) {
      expectStoppedBeforeExchange(setup, setup.clients.org)
      expect(setup.keeper.counts.exchanges).toBe(3)
      expect(setup.keeper.counts.secretWrites).toBe(3)
      for (const client of [
        setup.clients.first,
        setup.clients.second,
        setup.clients.production,
      ]) {
        const report = reportOf(setup.keeper, client)
        expect(report.status, client.secret).toBe('refreshed')
        expect(report.written, client.secret).toBe(true)
        const stored = storedValue(setup.sandbox, client) ?? ''
        expect(setup.sandbox.meta.inspect(stored)?.origin).toBe('exchange')
      }
    }
  })
})

describe('invalid secret names', () => {
  /** A run on its own sandbox, whose valid client would be due for a refresh. */
  interface NameRun {
    sandbox: Sandbox
    valid: PlacedClient
    keeper: KeeperRun
  }
  const inputRuns: Record<string, NameRun> = {}
  let fileRun: NameRun
  const fileName = 'META_TOKEN_NORTH.WIND'

  /** Secret name → the inputs that pass it next to the valid client. */
  const inputCases: Record<string, (token: string) => Record<string, string>> =
    {
      '1ST_CLIENT': (token) => ({ tokens: `1ST_CLIENT=${token}` }),
      GITHUB_CLIENT: (token) => ({ tokens: `GITHUB_CLIENT=${token}` }),
      'META-TOKEN-NORTHWIND': (token) => ({
        tokens: `META-TOKEN-NORTHWIND=${token}`,
      }),
      'META_TOKEN_SPRING SALE': (token) => ({
        secrets: JSON.stringify({ 'META_TOKEN_SPRING SALE': token }),
      }),
    }

  async function runWithName(
    build: (token: string) => Record<string, string>,
    clientsFile?: string,
  ): Promise<NameRun> {
    const sandbox = await startBareSandbox()
    const valid = placeClient(
      sandbox,
      'META_TOKEN_HARBOR_BAKERY',
      systemUserSpec(5, '5001'),
    )
    const inputs = build(sandbox.meta.addToken(systemUserSpec(5, '5002')))
    const tokens = [`${valid.secret}=${valid.token}`, inputs.tokens]
    const keeper = await runKeeper(sandbox, [valid], {
      clientsFile,
      inputs: { ...inputs, tokens: tokens.filter(Boolean).join('\n') },
    })
    return { sandbox, valid, keeper }
  }

  beforeAll(async () => {
    const runs = await Promise.all([
      ...Object.values(inputCases).map((build) => runWithName(build)),
      runWithName(() => ({}), `clients:\n  ${fileName}:\n    priority: high\n`),
    ])
    Object.keys(inputCases).forEach((name, index) => {
      inputRuns[name] = runs[index] as NameRun
    })
    fileRun = runs[runs.length - 1] as NameRun
  })

  afterAll(async () => {
    await Promise.all(
      [...Object.values(inputRuns), fileRun].map((run) => run?.sandbox.close()),
    )
  })

  it('names the bad secret in one error', () => {
    const all = { ...inputRuns, [fileName]: fileRun }
    for (const [name, { keeper }] of Object.entries(all)) {
      const errors = keeper.log
        .split('\n')
        .filter((line) => line.startsWith('::error'))
      expect(errors, name).toHaveLength(1)
      expect(errors[0], name).toContain(
        `secret name ${JSON.stringify(name)} is invalid`,
      )
      expect(errors[0], name).toContain(
        'letters, digits and `_`, not starting with a digit or `GITHUB_`',
      )
      expect(keeper.run.exitCode, name).toBe(1)
      expect(keeper.run.outputs.report, name).toBeUndefined()
    }
  })

  it('makes no request for a bad input name', () => {
    for (const [name, { sandbox, valid, keeper }] of Object.entries(
      inputRuns,
    )) {
      expect(keeper.counts.graphRequests, name).toBe(0)
      expect(keeper.counts.githubRequests, name).toBe(0)
      expect(storedValue(sandbox, valid), name).toBe(valid.token)
    }
  })

  it('exchanges nothing for a bad clients file name', () => {
    // NOTE: the bundle sends every passed token to debug_token before it
    // reads the clients file, so a bad name there is found after that one
    // read-only request. No exchange and no GitHub request follow it.
    const { sandbox, valid, keeper } = fileRun
    expect(keeper.counts.graphRequests).toBeLessThanOrEqual(1)
    expect(keeper.counts.exchanges).toBe(0)
    expect(keeper.counts.githubRequests).toBe(0)
    expect(storedValue(sandbox, valid)).toBe(valid.token)
  })
})

describe('app credentials Meta rejects', () => {
  let wrongSecret: ScopeSetup
  let wrongAppId: ScopeSetup
  const otherSecret = '0123456789abcdef0123456789abcdef'

  beforeAll(async () => {
    const run = async (
      inputs: (sandbox: Sandbox) => Record<string, string>,
    ) => {
      const sandbox = await startBareSandbox()
      const place = (name: string, userId: string) =>
        placeClient(sandbox, `META_TOKEN_${name}`, systemUserSpec(8, userId))
      const clients = {
        first: place('HARBOR_BAKERY', '6001'),
        second: place('BLUEFIN_SWIM_SCHOOL', '6002'),
        production: place('RIVERSIDE_YOGA', '6003'),
        org: place('CEDAR_FURNITURE', '6004'),
      }
      const keeper = await runKeeper(sandbox, Object.values(clients), {
        inputs: inputs(sandbox),
      })
      return { sandbox, clients, keeper }
    }
    ;[wrongSecret, wrongAppId] = await Promise.all([
      run(() => ({ 'app-secret': otherSecret })),
      run((sandbox) => ({ 'app-id': `9${sandbox.appId.slice(1)}` })),
    ])
  })

  afterAll(async () => {
    await Promise.all(
      [wrongSecret, wrongAppId].map((setup) => setup?.sandbox.close()),
    )
  })

  it('words each rejection', () => {
    const line = (setup: ScopeSetup) =>
      setup.keeper.log
        .split('\n')
        .find((text) =>
          text.startsWith(
            '::error title=Meta rejected the app credentials::Meta rejected the app credentials',
          ),
        ) ?? ''
    expect(line(wrongSecret)).toContain(
      '(error 190: Invalid OAuth access token signature.)',
    )
    expect(line(wrongAppId)).toContain(
      '(error 101: Error validating application. Invalid application ID.)',
    )
    for (const setup of [wrongSecret, wrongAppId]) {
      expect(line(setup)).toContain(
        'Check the `app-id` and `app-secret` inputs',
      )
    }
  })

  it('reports the rejection once', () => {
    for (const setup of [wrongSecret, wrongAppId]) {
      const { log, run } = setup.keeper
      expect(occurrences(log, 'Check the `app-id` and `app-secret`')).toBe(1)
      expect(occurrences(run.summary, 'app-secret')).toBe(1)
      const titled = log
        .split('\n')
        .filter((text) => text.startsWith('::error title='))
      expect(titled).toHaveLength(1)
    }
  })

  it('marks every client as not checked', () => {
    for (const setup of [wrongSecret, wrongAppId]) {
      expect(setup.keeper.reports).toHaveLength(4)
      for (const client of Object.values(setup.clients)) {
        const report = reportOf(setup.keeper, client)
        expect(report.status, client.secret).toBe('error')
        expect(report.tokenType, client.secret).toBe('UNKNOWN')
        expect(report.written, client.secret).toBe(false)
        expect(report.needsMigration, client.secret).toBe(false)
        expect(report.expiresAt, client.secret).toBeNull()
        expect(report.reason, client.secret).toBe(
          'Not checked: Meta rejected the app credentials.',
        )
        expect(storedValue(setup.sandbox, client)).toBe(client.token)
      }
    }
  })

  it('stops after the first request', () => {
    for (const setup of [wrongSecret, wrongAppId]) {
      expect(setup.keeper.run.exitCode).toBe(1)
      expect(setup.keeper.counts.graphRequests).toBe(1)
      expect(setup.keeper.counts.exchanges).toBe(0)
      expect(setup.keeper.counts.githubRequests).toBe(0)
    }
  })

  it('leaks no secret', () => {
    const secrets = [
      otherSecret,
      wrongSecret.sandbox.appSecret,
      ...Object.values(wrongSecret.clients).map((client) => client.token),
      ...Object.values(wrongAppId.clients).map((client) => client.token),
    ]
    expect(
      leaksOf({ secret: wrongSecret.keeper, id: wrongAppId.keeper }, secrets),
    ).toBe('')
  })
})
