/**
 * Action inputs → one validated `Settings` object. The Action and the CLI
 * both call `readInputs` with their own way of reading a raw input.
 */
import { z } from 'zod'
import { looksLikeCredential, redact, registerSecret } from './redact.ts'
import type { FailOn, SecretScope, Settings } from './types.ts'

/**
 * A problem with the inputs or the clients list; the message is one line that
 * names the input and the fix. Registered secrets in it are hidden, in any
 * letter case, such as a token written as a secret name in the clients file.
 */
export class InputError extends Error {
  override name = 'InputError'

  constructor(message: string) {
    super(redact(message.replace(/\s*[\r\n]+\s*/g, ' ').trim()))
  }
}

/** Names of the inputs in action.yml. */
export const INPUT_NAMES = [
  'app-id',
  'app-secret',
  'tokens',
  'tokens-file',
  'secrets',
  'secret-prefix',
  'clients-file',
  'github-token',
  'issue-token',
  'github-api-url',
  'secret-scope',
  'refresh-before-days',
  'warn-before-days',
  'fail-on',
  'dry-run',
  'tracking-issue',
  'issue-labels',
  'revoke-replaced',
  'graph-api-version',
  'graph-api-url',
] as const

/** Name of one input in action.yml. */
export type InputName = (typeof INPUT_NAMES)[number]

export interface ParsedInputs {
  settings: Settings
  /** Raw `tokens` input, parsed by `parseTokensInput`. */
  tokensText: string
  /** Path of a file of `tokens` lines, or '' when none. */
  tokensFile: string
  /** Raw `secrets` input, parsed by `parseSecretsInput`. */
  secretsJson: string
  secretPrefix: string
  clientsFile: string
}

/** The clients file read when the input is empty; a run without it lists no extra settings. */
export const DEFAULT_CLIENTS_FILE = '.github/meta-clients.yml'

/** Values that stand for an empty input, as in action.yml. */
const DEFAULTS: Partial<Record<InputName, string>> = {
  'secret-prefix': 'META_TOKEN_',
  'clients-file': DEFAULT_CLIENTS_FILE,
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
}

const DEFAULT_GITHUB_API_URL = 'https://api.github.com'

/** Inputs whose value is a credential: registered for masking and never shown in a message. */
const CREDENTIALS = ['app-secret', 'github-token', 'issue-token'] as const

/** Inputs passed through untrimmed, because clients.ts reports their whitespace per line. */
const RAW_INPUTS: readonly InputName[] = ['tokens', 'secrets']

/** Expected value and fix of each checked input, for messages of the form "Input `NAME` must be EXPECTED, got VALUE. FIX". */
const RULES: Record<string, { expected: string; fix: string }> = {
  'app-id': {
    expected: 'the numeric Meta app ID',
    fix: 'Set it to the App ID shown in the App Dashboard, for example `app-id: ${{ vars.META_APP_ID }}`.',
  },
  'app-secret': {
    expected: 'the Meta app secret',
    fix: 'Pass it from a secret, for example `app-secret: ${{ secrets.META_APP_SECRET }}`, and check that the secret exists and its name is spelled right.',
  },
  'github-token': {
    expected: 'empty or a token that can write Actions secrets',
    fix: 'Check that the secret passed to it exists and its name is spelled right.',
  },
  'issue-token': {
    expected: 'empty or a token with `issues: write`',
    fix: 'Check that the secret passed to it exists and its name is spelled right, or leave the default `${{ github.token }}`.',
  },
  'secret-prefix': {
    expected:
      'the start of a secret name (letters, digits and `_`, not starting with a digit or `GITHUB_`)',
    fix: 'Set it to a prefix such as META_TOKEN_.',
  },
  'clients-file': {
    expected: 'a file path',
    fix: 'Set it to a path such as .github/meta-clients.yml.',
  },
  'github-api-url': {
    expected:
      'an https URL without query or credentials (http only for 127.0.0.1, localhost or [::1])',
    fix: 'Set it to https://api.github.com, or to https://HOST/api/v3 on GitHub Enterprise Server.',
  },
  'graph-api-url': {
    expected:
      'an https URL without path, query or credentials (http only for 127.0.0.1, localhost or [::1])',
    fix: 'Set it to https://graph.facebook.com or remove the input.',
  },
  'secret-scope': {
    expected: '`repository`, `environment:NAME` or `organization`',
    fix: 'Set it to one of these, for example `environment:production`.',
  },
  'refresh-before-days': {
    expected: 'a whole number of days (0 or more)',
    fix: 'Set it to a number such as 30.',
  },
  'warn-before-days': {
    expected: 'a whole number of days (0 or more)',
    fix: 'Set it to a number such as 14.',
  },
  'fail-on': {
    expected: '`expired`, `expiring` or `never`',
    fix: 'Set it to one of these three words.',
  },
  'dry-run': booleanRule(),
  'tracking-issue': booleanRule(),
  'revoke-replaced': booleanRule(),
  'issue-labels': {
    expected: 'a comma-separated list of label names, none of them empty',
    fix: 'Set it to labels such as `meta-tokens, maintenance`.',
  },
  'graph-api-version': {
    expected: 'a Graph API version such as v27.0',
    fix: 'Set it to `v` followed by the major and minor version, for example v27.0.',
  },
  repository: {
    expected: '`owner/repo`',
    fix: 'Run the action inside GitHub Actions, or pass the repository explicitly.',
  },
}

function booleanRule(): { expected: string; fix: string } {
  return {
    expected: 'true or false',
    fix: 'Set it to true or false (also True, TRUE, False or FALSE).',
  }
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const BOOLEAN_WORDS = [
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
] as const
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Parses `repository`, `environment:NAME` or `organization`, and returns null for any other text. */
export function parseSecretScope(text: string): SecretScope | null {
  if (text === 'repository') return { kind: 'repository' }
  if (text === 'organization') return { kind: 'organization' }

  const environment = /^environment:(.+)$/.exec(text)?.[1]?.trim()
  // GitHub caps environment names at 255 characters.
  if (!environment || environment.length > 255) return null
  if ([...environment].some(isControlCharacter)) return null
  // The name is logged and shown in the summary, so a token is no name.
  if (looksLikeCredential(environment)) return null
  return { kind: 'environment', name: environment }
}

function isControlCharacter(char: string): boolean {
  return char.charCodeAt(0) < 0x20 || char === '\u007f'
}

/** True when `name` may be a GitHub secret name: letters, digits and `_`, not starting with a digit or `GITHUB_`. */
export function isValidSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !/^GITHUB_/i.test(name)
}

/** Returns a URL without its trailing slash when it passes the rule of `github-api-url` or `graph-api-url`, else null. */
export function normalizeApiUrl(
  text: string,
  options: { allowPath: boolean },
): string | null {
  if (!URL.canParse(text)) return null
  const url = new URL(text)

  const secure = url.protocol === 'https:'
  const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)
  if (!secure && !loopback) return null
  if (url.username || url.password || url.search || url.hash) return null
  if (text.includes('?') || text.includes('#')) return null
  if (!options.allowPath && url.pathname !== '/') return null

  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function daysSchema() {
  return z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .refine(Number.isSafeInteger)
}

function booleanSchema() {
  return z
    .enum(BOOLEAN_WORDS)
    .transform((word) => word.toLowerCase() === 'true')
}

/** Builds the schema of a credential: empty only when `optional`, and never the text `undefined` or `null`, which a misspelled secret or expression gives. */
function credentialSchema(optional: boolean) {
  return z
    .string()
    .refine((value) => optional || value !== '')
    .refine((value) => !isTypoLiteral(value))
}

function isTypoLiteral(value: string): boolean {
  return /^(undefined|null)$/i.test(value)
}

const inputsSchema = z
  .object({
    'app-id': z.string().regex(/^\d{1,32}$/),
    'app-secret': credentialSchema(false),
    'github-token': credentialSchema(true),
    'issue-token': credentialSchema(true),
    tokens: z.string(),
    'tokens-file': z.string(),
    secrets: z.string(),
    'secret-prefix': z
      .string()
      .refine(isValidSecretName)
      .transform((prefix) => prefix.toUpperCase()),
    'clients-file': z.string().min(1),
    'github-api-url': z
      .string()
      .transform((text) => normalizeApiUrl(text, { allowPath: true }))
      .pipe(z.string()),
    'graph-api-url': z
      .string()
      .transform((text) => normalizeApiUrl(text, { allowPath: false }))
      .pipe(z.string()),
    'secret-scope': z
      .string()
      .transform(parseSecretScope)
      .pipe(z.custom<SecretScope>((scope) => scope !== null)),
    'refresh-before-days': daysSchema(),
    'warn-before-days': daysSchema(),
    'fail-on': z.enum(['expired', 'expiring', 'never']),
    'dry-run': booleanSchema(),
    'tracking-issue': booleanSchema(),
    'revoke-replaced': booleanSchema(),
    'issue-labels': z
      .string()
      .transform((text) => text.split(',').map((label) => label.trim()))
      .refine((labels) => labels.every((label) => label.length > 0)),
    'graph-api-version': z.string().regex(/^v\d+\.\d+$/),
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/)
      .transform((text) => {
        const [owner, repo] = text.split('/') as [string, string]
        return { owner, repo }
      }),
  })
  .superRefine((inputs, context) => {
    const warn = inputs['warn-before-days']
    const refresh = inputs['refresh-before-days']
    // Zod runs this refinement even when a day count failed its own check,
    // and then the failed value is still the raw text.
    const bothValid =
      Number.isSafeInteger(warn) && Number.isSafeInteger(refresh)
    if (bothValid && warn > refresh) {
      context.addIssue({
        code: 'custom',
        path: ['warn-before-days'],
        message: `Input \`warn-before-days\` must not exceed \`refresh-before-days\` (${refresh}), got "${warn}". Lower \`warn-before-days\` or raise \`refresh-before-days\`.`,
        params: { complete: true },
      })
    }
  })

/**
 * Reads and validates every input and returns the settings of one run.
 * Credentials are registered for masking before any message is built.
 * Throws InputError with one line per problem, joined into one line.
 */
export function readInputs(
  getInput: (name: string) => string,
  env: NodeJS.ProcessEnv,
  overrides: { repository?: string } = {},
): ParsedInputs {
  for (const name of CREDENTIALS) {
    const raw = getInput(name)
    registerSecret(raw)
    registerSecret(raw.trim())
  }

  const raw = collectRawInputs(getInput, env)
  raw.repository = overrides.repository ?? env.GITHUB_REPOSITORY ?? ''
  const parsed = inputsSchema.safeParse(raw)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => describeIssue(issue, raw))
    throw new InputError(unique(lines).join(' '))
  }

  const inputs = parsed.data
  const settings: Settings = {
    appId: inputs['app-id'],
    appSecret: inputs['app-secret'],
    githubToken: inputs['github-token'],
    issueToken: inputs['issue-token'],
    githubApiUrl: inputs['github-api-url'],
    repository: inputs.repository,
    secretScope: inputs['secret-scope'],
    refreshBeforeDays: inputs['refresh-before-days'],
    warnBeforeDays: inputs['warn-before-days'],
    failOn: inputs['fail-on'] satisfies FailOn,
    dryRun: inputs['dry-run'],
    trackingIssue: inputs['tracking-issue'],
    issueLabels: inputs['issue-labels'],
    revokeReplaced: inputs['revoke-replaced'],
    graphApiVersion: inputs['graph-api-version'],
    graphApiUrl: inputs['graph-api-url'],
    runUrl: runUrlFrom(env),
  }
  return {
    settings,
    tokensText: inputs.tokens,
    tokensFile: inputs['tokens-file'],
    secretsJson: inputs.secrets,
    secretPrefix: inputs['secret-prefix'],
    clientsFile: inputs['clients-file'],
  }
}

function collectRawInputs(
  getInput: (name: string) => string,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const raw: Record<string, string> = {}
  for (const name of INPUT_NAMES) {
    const value = getInput(name)
    raw[name] = RAW_INPUTS.includes(name)
      ? value
      : value.trim() || DEFAULTS[name] || ''
  }
  // The runner fills `${{ github.api_url }}`; the CLI falls back to the
  // variable the runner sets, then to github.com.
  raw['github-api-url'] ||= env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL
  return raw
}

/** Link to the workflow run, when the runner's variables are all present. */
function runUrlFrom(env: NodeJS.ProcessEnv): string | null {
  const server = env.GITHUB_SERVER_URL?.replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY
  const runId = env.GITHUB_RUN_ID
  if (!server || !repository || !runId) return null
  return `${server}/${repository}/actions/runs/${runId}`
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: Record<string, string>,
): string {
  if (issue.code === 'custom' && issue.params?.complete) return issue.message

  const name = String(issue.path[0] ?? '')
  const rule = RULES[name] ?? { expected: 'valid', fix: 'Check the value.' }
  const subject =
    name === 'repository'
      ? 'Environment variable `GITHUB_REPOSITORY`'
      : `Input \`${name}\``
  const got = describeValue(name, raw[name] ?? '')
  return `${subject} must be ${rule.expected}, got ${got}. ${rule.fix}`
}

/** Shows a rejected value: credentials only as empty or a typo literal, URLs without user info, everything redacted and cut short. */
function describeValue(name: string, value: string): string {
  if (value === '') return 'an empty value'
  if ((CREDENTIALS as readonly string[]).includes(name)) {
    return isTypoLiteral(value)
      ? `the text "${value.toLowerCase()}", which a missing or misspelled secret gives`
      : 'a value that is not shown'
  }
  return quote(withoutUserInfo(value))
}

function withoutUserInfo(value: string): string {
  return value.replace(/(\/\/)[^/@\s]*@/, '$1***@')
}

/** Quotes a value for a message: redacted, on one line and at most 60 characters long. */
export function quote(value: string): string {
  const safe = redact(value)
  const short = safe.length > 60 ? `${safe.slice(0, 57)}...` : safe
  return JSON.stringify(short)
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)]
}
