import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  INPUT_NAMES,
  InputError,
  normalizeApiUrl,
  parseSecretScope,
  readInputs,
} from '../src/inputs.ts'
import { clearSecretsForTesting, redact } from '../src/redact.ts'

const APP_SECRET = '0123456789abcdef0123456789abcdef'
const WRITER_TOKEN = 'ghp_Writer0123456789abcdefABCDEF0123'
const ISSUE_TOKEN = 'ghs_Issue0123456789abcdefABCDEF012345'

const ENV = {
  GITHUB_REPOSITORY: 'northwind-agency/meta-tokens',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '1234567890',
}

/** Inputs as the runner passes them: action.yml defaults filled in. */
function actionInputs(overrides: Record<string, string> = {}) {
  const values: Record<string, string> = {
    'app-id': '1234567890',
    'app-secret': APP_SECRET,
    tokens: 'META_TOKEN_ACME=EAAtoken',
    secrets: '',
    'secret-prefix': 'META_TOKEN_',
    'clients-file': '.github/meta-clients.yml',
    'github-token': WRITER_TOKEN,
    'issue-token': ISSUE_TOKEN,
    'github-api-url': 'https://api.github.com',
    'secret-scope': 'repository',
    'refresh-before-days': '30',
    'warn-before-days': '14',
    'fail-on': 'expired',
    'dry-run': 'false',
    'tracking-issue': 'true',
    'issue-labels': 'meta-tokens',
    'revoke-replaced': 'false',
    'graph-api-version': 'v27.0',
    'graph-api-url': 'https://graph.facebook.com',
    ...overrides,
  }
  return (name: string) => values[name] ?? ''
}

function readWith(
  overrides: Record<string, string>,
  env: NodeJS.ProcessEnv = ENV,
) {
  return readInputs(actionInputs(overrides), env)
}

function errorOf(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

function pieces(secret: string, size = 16): string[] {
  const result: string[] = []
  for (let i = 0; i + size <= secret.length; i++) {
    result.push(secret.slice(i, i + size))
  }
  return result
}

afterEach(() => clearSecretsForTesting())

describe('readInputs', () => {
  it('reads the action.yml defaults', () => {
    const { settings, ...rest } = readWith({})
    expect(settings).toEqual({
      appId: '1234567890',
      appSecret: APP_SECRET,
      githubToken: WRITER_TOKEN,
      issueToken: ISSUE_TOKEN,
      githubApiUrl: 'https://api.github.com',
      repository: { owner: 'northwind-agency', repo: 'meta-tokens' },
      secretScope: { kind: 'repository' },
      refreshBeforeDays: 30,
      warnBeforeDays: 14,
      failOn: 'expired',
      dryRun: false,
      trackingIssue: true,
      issueLabels: ['meta-tokens'],
      revokeReplaced: false,
      graphApiVersion: 'v27.0',
      graphApiUrl: 'https://graph.facebook.com',
      runUrl:
        'https://github.com/northwind-agency/meta-tokens/actions/runs/1234567890',
    })
    expect(rest).toEqual({
      tokensText: 'META_TOKEN_ACME=EAAtoken',
      tokensFile: '',
      secretsJson: '',
      secretPrefix: 'META_TOKEN_',
      clientsFile: '.github/meta-clients.yml',
    })
  })

  it('fills defaults for empty inputs', () => {
    const values: Record<string, string> = {
      'app-id': '42',
      'app-secret': APP_SECRET,
    }
    const { settings, secretPrefix, clientsFile } = readInputs(
      (name) => values[name] ?? '',
      { GITHUB_REPOSITORY: 'o/r' },
    )
    expect(settings.refreshBeforeDays).toBe(30)
    expect(settings.warnBeforeDays).toBe(14)
    expect(settings.failOn).toBe('expired')
    expect(settings.trackingIssue).toBe(true)
    expect(settings.githubApiUrl).toBe('https://api.github.com')
    expect(settings.graphApiUrl).toBe('https://graph.facebook.com')
    expect(settings.issueToken).toBe('')
    expect(settings.githubToken).toBe('')
    expect(settings.runUrl).toBeNull()
    expect(secretPrefix).toBe('META_TOKEN_')
    expect(clientsFile).toBe('.github/meta-clients.yml')
  })

  it('takes the API URL from GITHUB_API_URL when the input is empty', () => {
    const { settings } = readWith(
      { 'github-api-url': '' },
      { ...ENV, GITHUB_API_URL: 'https://ghe.example.com/api/v3' },
    )
    expect(settings.githubApiUrl).toBe('https://ghe.example.com/api/v3')
  })

  it('parses scopes, labels and booleans', () => {
    const { settings } = readWith({
      'secret-scope': 'environment:production',
      'issue-labels': ' meta-tokens , maintenance ',
      'dry-run': 'TRUE',
      'tracking-issue': 'False',
      'revoke-replaced': 'True',
      'fail-on': 'expiring',
      'refresh-before-days': '0',
      'warn-before-days': '0',
    })
    expect(settings.secretScope).toEqual({
      kind: 'environment',
      name: 'production',
    })
    expect(settings.issueLabels).toEqual(['meta-tokens', 'maintenance'])
    expect(settings.dryRun).toBe(true)
    expect(settings.trackingIssue).toBe(false)
    expect(settings.revokeReplaced).toBe(true)
    expect(settings.failOn).toBe('expiring')
    expect(settings.refreshBeforeDays).toBe(0)
  })

  it('accepts loopback http and trims URL slashes', () => {
    const { settings } = readWith({
      'graph-api-url': 'http://127.0.0.1:4010/',
      'github-api-url': 'http://localhost:4020',
    })
    expect(settings.graphApiUrl).toBe('http://127.0.0.1:4010')
    expect(settings.githubApiUrl).toBe('http://localhost:4020')
  })

  it('trims whitespace around scalar inputs', () => {
    const { settings } = readWith({
      'app-id': ' 42\n',
      'refresh-before-days': '30 ',
    })
    expect(settings.appId).toBe('42')
    expect(settings.refreshBeforeDays).toBe(30)
  })

  it('upper-cases the secret prefix', () => {
    expect(readWith({ 'secret-prefix': 'meta_' }).secretPrefix).toBe('META_')
  })

  it('takes the repository override', () => {
    const { settings } = readInputs(
      actionInputs(),
      {},
      {
        repository: 'acme/ads',
      },
    )
    expect(settings.repository).toEqual({ owner: 'acme', repo: 'ads' })
    expect(settings.runUrl).toBeNull()
  })

  it('allows an empty issue-token', () => {
    expect(readWith({ 'issue-token': '' }).settings.issueToken).toBe('')
  })

  it('registers credentials before validating', () => {
    errorOf(() => readWith({ 'app-id': 'abc' }))
    const masked = redact(`${APP_SECRET} ${WRITER_TOKEN} ${ISSUE_TOKEN}`)
    expect(masked).toBe('*** *** ***')
  })
})

/** [case, inputs, the input name the message must contain, a word of the fix] */
const BAD_INPUTS: Array<[string, Record<string, string>, string, string]> = [
  ['app-id empty', { 'app-id': '' }, '`app-id`', 'Set it'],
  ['app-id letters', { 'app-id': 'my-app' }, '`app-id`', 'App ID'],
  ['app-secret empty', { 'app-secret': '' }, '`app-secret`', 'secrets.'],
  [
    'app-secret undefined',
    { 'app-secret': 'undefined' },
    '`app-secret`',
    'misspelled',
  ],
  [
    'app-secret null',
    { 'app-secret': 'null' },
    '`app-secret`',
    'spelled right',
  ],
  [
    'github-token undefined',
    { 'github-token': 'undefined' },
    '`github-token`',
    'spelled right',
  ],
  [
    'issue-token null',
    { 'issue-token': 'NULL' },
    '`issue-token`',
    'github.token',
  ],
  [
    'scope unknown',
    { 'secret-scope': 'repo' },
    '`secret-scope`',
    'environment:production',
  ],
  [
    'scope without name',
    { 'secret-scope': 'environment:' },
    '`secret-scope`',
    'Set it',
  ],
  [
    'refresh letters',
    { 'refresh-before-days': 'abc' },
    '`refresh-before-days`',
    'such as 30',
  ],
  [
    'refresh negative',
    { 'refresh-before-days': '-1' },
    '`refresh-before-days`',
    'such as 30',
  ],
  [
    'refresh fraction',
    { 'refresh-before-days': '7.5' },
    '`refresh-before-days`',
    'such as 30',
  ],
  [
    'warn letters',
    { 'warn-before-days': 'two weeks' },
    '`warn-before-days`',
    'such as 14',
  ],
  [
    'warn above refresh',
    { 'warn-before-days': '40' },
    '`warn-before-days`',
    'Lower',
  ],
  ['fail-on unknown', { 'fail-on': 'always' }, '`fail-on`', 'three words'],
  ['dry-run yes', { 'dry-run': 'yes' }, '`dry-run`', 'true or false'],
  [
    'tracking-issue 1',
    { 'tracking-issue': '1' },
    '`tracking-issue`',
    'true or false',
  ],
  [
    'revoke-replaced tRUE',
    { 'revoke-replaced': 'tRUE' },
    '`revoke-replaced`',
    'true or false',
  ],
  [
    'version without v',
    { 'graph-api-version': '27.0' },
    '`graph-api-version`',
    'v27.0',
  ],
  [
    'version major only',
    { 'graph-api-version': 'v27' },
    '`graph-api-version`',
    'v27.0',
  ],
  [
    'graph http remote',
    { 'graph-api-url': 'http://graph.facebook.com' },
    '`graph-api-url`',
    'https://graph.facebook.com',
  ],
  [
    'graph with path',
    { 'graph-api-url': 'https://graph.facebook.com/v27.0' },
    '`graph-api-url`',
    'remove the input',
  ],
  [
    'graph with query',
    { 'graph-api-url': 'https://graph.facebook.com/?x=1' },
    '`graph-api-url`',
    'remove the input',
  ],
  [
    'graph not a URL',
    { 'graph-api-url': 'graph.facebook.com' },
    '`graph-api-url`',
    'remove the input',
  ],
  [
    'github with credentials',
    { 'github-api-url': 'https://user:pw@api.github.com' },
    '`github-api-url`',
    'api/v3',
  ],
  [
    'github ftp',
    { 'github-api-url': 'ftp://api.github.com' },
    '`github-api-url`',
    'api/v3',
  ],
  [
    'labels with empty item',
    { 'issue-labels': 'meta-tokens,,ops' },
    '`issue-labels`',
    'maintenance',
  ],
  [
    'labels only commas',
    { 'issue-labels': ' , ' },
    '`issue-labels`',
    'maintenance',
  ],
  [
    'prefix with dash',
    { 'secret-prefix': 'META-TOKEN' },
    '`secret-prefix`',
    'META_TOKEN_',
  ],
  [
    'prefix GITHUB_',
    { 'secret-prefix': 'GITHUB_META' },
    '`secret-prefix`',
    'META_TOKEN_',
  ],
]

describe('readInputs bad inputs', () => {
  it.each(BAD_INPUTS)('%s', (_, overrides, name, fix) => {
    const error = errorOf(() => readWith(overrides))
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toContain(name)
    expect(error.message).toContain(fix)
    expect(error.message).toContain('got ')
    expect(error.message).not.toContain('\n')
    for (const secret of [APP_SECRET, WRITER_TOKEN, ISSUE_TOKEN]) {
      for (const piece of pieces(secret)) {
        expect(error.message).not.toContain(piece)
      }
    }
  })

  it('shows the rejected value', () => {
    const error = errorOf(() => readWith({ 'refresh-before-days': 'abc' }))
    expect(error.message).toBe(
      'Input `refresh-before-days` must be a whole number of days (0 or more), got "abc". Set it to a number such as 30.',
    )
  })

  it('masks a credential pasted into another input', () => {
    const error = errorOf(() => readWith({ 'graph-api-url': APP_SECRET }))
    expect(error.message).toContain('`graph-api-url`')
    expect(error.message).toContain('got "***"')
    expect(error.message).not.toContain(APP_SECRET)
  })

  it('hides URL user info', () => {
    const error = errorOf(() =>
      readWith({
        'graph-api-url': 'https://me:hunter2secret@graph.facebook.com',
      }),
    )
    expect(error.message).not.toContain('hunter2secret')
  })

  it('reports every problem on one line', () => {
    const error = errorOf(() =>
      readWith({ 'app-id': 'x', 'fail-on': 'sometimes', 'dry-run': 'maybe' }),
    )
    expect(error.message).toContain('`app-id`')
    expect(error.message).toContain('`fail-on`')
    expect(error.message).toContain('`dry-run`')
    expect(error.message).not.toContain('\n')
  })

  it('requires GITHUB_REPOSITORY', () => {
    const error = errorOf(() => readWith({}, {}))
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toContain('`GITHUB_REPOSITORY`')
    expect(error.message).toContain('owner/repo')
  })

  it('rejects a malformed repository override', () => {
    const error = errorOf(() =>
      readInputs(actionInputs(), {}, { repository: 'no-slash' }),
    )
    expect(error.message).toContain('got "no-slash"')
  })
})

describe('INPUT_NAMES', () => {
  it('matches action.yml', () => {
    const metadata = parse(
      readFileSync(new URL('../action.yml', import.meta.url), 'utf8'),
    ) as { inputs: Record<string, unknown> }
    expect([...INPUT_NAMES].sort()).toEqual(Object.keys(metadata.inputs).sort())
  })
})

describe('parseSecretScope', () => {
  it.each([
    ['repository', { kind: 'repository' }],
    ['organization', { kind: 'organization' }],
    ['environment:production', { kind: 'environment', name: 'production' }],
    ['environment: staging eu ', { kind: 'environment', name: 'staging eu' }],
    ['environment:', null],
    ['Repository', null],
    ['org', null],
    [`environment:${'x'.repeat(256)}`, null],
  ])('%s', (text, expected) => {
    expect(parseSecretScope(text)).toEqual(expected)
  })
})

describe('normalizeApiUrl', () => {
  it.each([
    ['https://graph.facebook.com', false, 'https://graph.facebook.com'],
    ['http://[::1]:8080/', false, 'http://[::1]:8080'],
    ['http://127.0.0.2', false, null],
    ['https://ghe.example.com/api/v3/', true, 'https://ghe.example.com/api/v3'],
    ['https://ghe.example.com/api/v3', false, null],
    ['https://api.github.com#frag', true, null],
    ['https://api.github.com?', true, null],
  ])('%s', (text, allowPath, expected) => {
    expect(normalizeApiUrl(text, { allowPath })).toBe(expected)
  })
})
