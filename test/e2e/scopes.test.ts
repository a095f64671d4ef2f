/**
 * The bundled action writing refreshed tokens to each secret scope over real
 * HTTP: an environment with its own public key, organization secrets whose
 * visibility and selected repositories stay as they were, per-client scopes
 * from the clients file, and a missing environment that fails only its own
 * clients. Every written secret is opened and checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sandbox } from '../sim/index.ts'
import type { SecretScope } from '../../src/types.ts'
import {
  expectNewTokenWritten,
  leaksOf,
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

const STAGING: SecretScope = { kind: 'environment', name: 'staging' }

/** 130 repositories, so a secret selected for 120 of them needs two pages of 100. */
const ORG_REPOSITORIES = Array.from({ length: 130 }, (_, index) => ({
  id: 70_000 + index,
  name: `client-site-${index + 1}`,
}))
const SELECTED_IDS = ORG_REPOSITORIES.slice(0, 120).map((repo) => repo.id)

/** A GitHub App installation token with the `secrets` and `organization_secrets` permissions. */
const APP_TOKEN = 'ghs_KeeperAppInstallationToken00000000000'

describe('environment scope from secret-scope', () => {
  let sandbox: Sandbox
  let client: PlacedClient
  let repositoryValue: string
  let keeper: KeeperRun

  beforeAll(async () => {
    sandbox = await startBareSandbox()
    client = placeClient(
      sandbox,
      'META_TOKEN_HARBOR_BAKERY',
      systemUserSpec(10, '2001'),
      PRODUCTION,
    )
    // A repository secret of the same name, which the run must leave alone.
    repositoryValue = sandbox.meta.addToken(systemUserSpec(45, '2002'))
    sandbox.github.seedSecret(REPOSITORY, client.secret, repositoryValue)

    keeper = await runKeeper(sandbox, [client], {
      inputs: { 'secret-scope': 'environment:production' },
    })
  })

  afterAll(async () => {
    await sandbox?.close()
  })

  it('reports the refresh in that scope', () => {
    const report = reportOf(keeper, client)
    expect(keeper.run.exitCode).toBe(0)
    expect(report.scope).toBe('environment:production')
    expect(report.status).toBe('refreshed')
    expect(report.tokenType).toBe('SYSTEM_USER')
    expect(report.written).toBe(true)
    expect(report.needsMigration).toBe(false)
    expect(report.reason).toMatch(/^Refreshed: the new token expires on/)
  })

  it('writes the verified new token to the environment', () => {
    expectNewTokenWritten(sandbox, client, reportOf(keeper, client))
    expect(keeper.counts.exchanges).toBe(1)
    expect(keeper.counts.secretWrites).toBe(1)
  })

  it('seals with the environment key', () => {
    const environmentKey = sandbox.github.secretInfo(PRODUCTION, client.secret)
    const repositoryKey = sandbox.github.secretInfo(REPOSITORY, client.secret)
    expect(environmentKey?.keyId).toBeDefined()
    expect(environmentKey?.keyId).not.toBe(repositoryKey?.keyId)
    const routes = sandbox.github.log.map((entry) => entry.route)
    expect(routes).toContain(
      'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets/public-key',
    )
    expect(routes).toContain(
      'PUT /repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}',
    )
  })

  it('leaves the repository secret unchanged', () => {
    expect(sandbox.github.readSecret(REPOSITORY, client.secret)).toBe(
      repositoryValue,
    )
    const routes = sandbox.github.log.map((entry) => entry.route)
    expect(routes).not.toContain(
      'PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}',
    )
  })
})

describe('organization scope with per-client overrides', () => {
  let sandbox: Sandbox
  let selected: PlacedClient
  let everyRepository: PlacedClient
  let privateOnly: PlacedClient
  let created: PlacedClient
  let production: PlacedClient
  let repository: PlacedClient
  let staging: PlacedClient
  let written: PlacedClient[]
  let keeper: KeeperRun

  beforeAll(async () => {
    sandbox = await startBareSandbox({ orgRepositories: ORG_REPOSITORIES })
    sandbox.github.addCredential(APP_TOKEN, {
      kind: 'app',
      secrets: 'write',
      orgSecrets: 'write',
      issues: 'write',
      login: 'token-keeper[bot]',
    })

    const place = (
      name: string,
      userId: string,
      scope: SecretScope,
      store = true,
    ) =>
      placeClient(
        sandbox,
        `META_TOKEN_${name}`,
        systemUserSpec(10, userId),
        scope,
        store,
      )
    selected = place('ALPINE_DENTAL', '3001', ORGANIZATION, false)
    sandbox.github.seedSecret(ORGANIZATION, selected.secret, selected.token, {
      visibility: 'selected',
      selectedRepositoryIds: SELECTED_IDS,
    })
    everyRepository = place('CEDAR_FURNITURE', '3002', ORGANIZATION, false)
    sandbox.github.seedSecret(
      ORGANIZATION,
      everyRepository.secret,
      everyRepository.token,
      { visibility: 'all' },
    )
    privateOnly = place('LAKESHORE_FLORIST', '3003', ORGANIZATION)
    created = place('COPPERLINE_COFFEE', '3004', ORGANIZATION, false)
    production = place('RIVERSIDE_YOGA', '3005', PRODUCTION)
    repository = place('MAPLE_STREET_BOOKS', '3006', REPOSITORY)
    staging = place('SUMMIT_CLIMBING', '3007', STAGING, false)
    written = [
      selected,
      everyRepository,
      privateOnly,
      created,
      production,
      repository,
    ]

    const clientsFile = [
      'clients:',
      `  ${production.secret}:`,
      '    scope: environment:production',
      `  ${repository.secret}:`,
      '    scope: repository',
      `  ${staging.secret}:`,
      '    scope: environment:staging',
      '',
    ].join('\n')
    keeper = await runKeeper(sandbox, [...written, staging], {
      clientsFile,
      inputs: { 'secret-scope': 'organization', 'github-token': APP_TOKEN },
    })
  })

  afterAll(async () => {
    await sandbox?.close()
  })

  it('reports each client in its own scope', () => {
    const scopes = Object.fromEntries(
      keeper.reports.map((report) => [report.secret, report.scope]),
    )
    expect(scopes).toEqual({
      [selected.secret]: 'organization',
      [everyRepository.secret]: 'organization',
      [privateOnly.secret]: 'organization',
      [created.secret]: 'organization',
      [production.secret]: 'environment:production',
      [repository.secret]: 'repository',
      [staging.secret]: 'environment:staging',
    })
  })

  it('refreshes and writes every reachable client', () => {
    for (const client of written) {
      const report = reportOf(keeper, client)
      expect(report.status, client.secret).toBe('refreshed')
      expect(report.tokenType, client.secret).toBe('SYSTEM_USER')
      expect(report.written, client.secret).toBe(true)
      expect(report.needsMigration, client.secret).toBe(false)
      expectNewTokenWritten(sandbox, client, report)
    }
    expect(keeper.counts.secretWrites).toBe(written.length)
    expect(keeper.run.outputs.refreshed).toBe(String(written.length))
  })

  it('keeps the selected repositories', () => {
    const info = sandbox.github.secretInfo(ORGANIZATION, selected.secret)
    expect(info?.visibility).toBe('selected')
    expect([...(info?.selectedRepositoryIds ?? [])].sort()).toEqual(
      [...SELECTED_IDS].sort(),
    )
  })

  it('keeps the visibility all', () => {
    const info = sandbox.github.secretInfo(ORGANIZATION, everyRepository.secret)
    expect(info?.visibility).toBe('all')
  })

  it('keeps a private secret private', () => {
    const info = sandbox.github.secretInfo(ORGANIZATION, privateOnly.secret)
    expect(info?.visibility).toBe('private')
  })

  it('creates a missing secret as private', () => {
    const info = sandbox.github.secretInfo(ORGANIZATION, created.secret)
    expect(info?.visibility).toBe('private')
  })

  it('fails only the missing environment', () => {
    const report = reportOf(keeper, staging)
    expect(report.status).toBe('error')
    expect(report.tokenType).toBe('SYSTEM_USER')
    expect(report.written).toBe(false)
    expect(report.needsMigration).toBe(false)
    expect(report.expiresAt).toBe(
      new Date(
        (sandbox.meta.inspect(staging.token)?.expiresAt ?? 0) * 1000,
      ).toISOString(),
    )
    expect(report.reason).toMatch(
      /could not read the public key of the environment:staging secrets/,
    )
  })

  it('explains the missing environment once', () => {
    const errors = keeper.log
      .split('\n')
      .filter((line) => line.includes('environment "staging"'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^::error title=Cannot write the environment/)
    expect(errors[0]).toContain('Input `github-token`')
    expect(errors[0]).toContain(
      'The environment "staging" does not exist in northwind-agency/meta-tokens',
    )
    expect(errors[0]).toContain('"Secrets: read and write"')
  })

  it('exchanges nothing for the missing environment', () => {
    const stagingUser = sandbox.meta.inspect(staging.token)?.userId
    const minted = sandbox.meta
      .tokens()
      .filter((record) => record.origin === 'exchange')
    expect(minted.map((record) => record.userId)).not.toContain(stagingUser)
    expect(keeper.counts.exchanges).toBe(written.length)
    expect(sandbox.github.secretNames(STAGING)).toEqual([])
    expect(storedValue(sandbox, staging)).toBeUndefined()
  })

  it('finishes the run with the failure line', () => {
    expect(keeper.run.exitCode).toBe(1)
    expect(keeper.run.outputs.checked).toBe('7')
    expect(keeper.log).toMatch(
      /::error::Meta tokens need attention \(fail-on: expired\): 1 could not be checked or refreshed\./,
    )
  })

  it('leaks no token', () => {
    const secrets = [
      sandbox.appSecret,
      APP_TOKEN,
      ...[...written, staging].flatMap((client) => [
        client.token,
        storedValue(sandbox, client) ?? '',
      ]),
    ]
    expect(leaksOf({ keeper }, secrets)).toBe('')
  })
})
