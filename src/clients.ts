/**
 * The client list: tokens from the `tokens`, `tokens-file` and `secrets`
 * inputs, joined with the clients file's settings for each secret (display
 * name, priority, owner, note, scope, ignore; parsed in clients-file.ts).
 * Every token is registered for masking as soon as it is read, and no error
 * message quotes a token.
 */
import { readFileSync } from 'node:fs'
import { InputError, isValidSecretName, quote } from './inputs.ts'
import { looksLikeCredential, redact, registerSecret } from './redact.ts'
import type { Client, Logger, Priority, SecretScope } from './types.ts'

/** Settings of one secret from the clients file. */
export interface ClientEntry {
  /** Secret name, upper case. */
  secret: string
  name?: string
  priority: Priority
  /** GitHub login without the `@`. */
  owner?: string
  note?: string
  /** True for a client being offboarded: its token is not checked. */
  ignore: boolean
  scope?: SecretScope
  /** Line of the secret name in the clients file, from 1. */
  line: number
}

/** One token read from an input; `trimmed` is true when trailing whitespace was removed from it. */
export interface PassedToken {
  secret: string
  token: string
  trimmed?: boolean
}

const DEFAULT_PREFIX = 'META_TOKEN_'
export const NAME_RULE =
  'letters, digits and `_`, not starting with a digit or `GITHUB_`'

/**
 * Parses the `tokens` input: one `SECRET_NAME=token` per line; blank lines
 * and lines starting with `#` are skipped. Names are upper-cased, as GitHub
 * stores them. Throws InputError on a malformed line, an empty or typo
 * value, an invalid name or a name listed twice.
 */
export function parseTokensInput(
  text: string,
  source = 'Input `tokens`',
): Array<{ secret: string; token: string; line: number; trimmed: boolean }> {
  const parsed: Array<{
    secret: string
    token: string
    line: number
    trimmed: boolean
  }> = []
  const firstLine = new Map<string, number>()
  const lines = text.split(/\r?\n|\r/)

  // Register every value first, so that no message built below can show one.
  const credentialNames = lines.map(registerValue)

  lines.forEach((content, index) => {
    const line = index + 1
    const trimmedLine = content.trim()
    if (trimmedLine === '' || trimmedLine.startsWith('#')) return

    const at = content.indexOf('=')
    const where = `${source} line ${line}`
    if (at === -1) {
      throw new InputError(
        `${where} has no \`=\`. Write each line as SECRET_NAME=\${{ secrets.SECRET_NAME }}.`,
      )
    }

    const name = content.slice(0, at).trim()
    if (credentialNames[index]) {
      throw new InputError(
        `${where}: the text before \`=\` looks like an access token, not a secret name, so it is not shown. Write each line as SECRET_NAME=\${{ secrets.SECRET_NAME }}.`,
      )
    }
    const secret = checkedName(name, where)
    const value = content.slice(at + 1).trimStart()
    const token = value.trimEnd()
    checkValue(token, secret, where)

    const first = firstLine.get(secret)
    if (first !== undefined) {
      throw new InputError(
        `${where}: ${secret} is listed twice (first on line ${first}; GitHub secret names ignore case). Remove one of the two lines.`,
      )
    }
    firstLine.set(secret, line)
    parsed.push({ secret, token, line, trimmed: token !== value })
  })
  return parsed
}

/** Where the client tokens come from: the inputs that pass them. */
export interface TokenSources {
  tokensText: string
  /** Path of a file in the `tokens` format, '' for none. */
  tokensFile: string
  secretsJson: string
  secretPrefix: string
}

/** The tokens passed to a run, by the input that passed them. */
export interface PassedTokens {
  /** From `tokens` and `tokens-file`. */
  tokens: PassedToken[]
  /** From `secrets`. */
  secrets: PassedToken[]
}

/**
 * Reads the tokens of the `tokens` and `tokens-file` inputs (together in
 * `tokens`) and of `secrets`. Throws InputError when the file cannot be
 * read or contains no token, or when a name appears both in `tokens` and in
 * the file.
 */
export function readPassedTokens(sources: TokenSources): PassedTokens {
  const tokens = parseTokensInput(sources.tokensText)
  if (sources.tokensFile) {
    const source = `Input \`tokens-file\` (${sources.tokensFile})`
    const fromFile = parseTokensInput(
      readTokensFile(sources.tokensFile),
      source,
    )
    if (fromFile.length === 0) {
      throw new InputError(
        `Input \`tokens-file\`: ${quote(sources.tokensFile)} has no SECRET_NAME=token line, so the earlier step that writes it probably failed. Check that step's log and re-run.`,
      )
    }
    const inInput = new Map(tokens.map((item) => [item.secret, item.line]))
    for (const item of fromFile) {
      const line = inInput.get(item.secret)
      if (line !== undefined) {
        throw new InputError(
          `${source} line ${item.line}: ${item.secret} is also on line ${line} of \`tokens\`. Pass each client once.`,
        )
      }
    }
    tokens.push(...fromFile)
  }
  return {
    tokens,
    secrets: parseSecretsInput(sources.secretsJson, sources.secretPrefix),
  }
}

function readTokensFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new InputError(
      code === 'ENOENT'
        ? `Input \`tokens-file\` names ${quote(path)}, which does not exist. Write the file in an earlier step or fix the path.`
        : `Input \`tokens-file\`: ${quote(path)} could not be read (${code ?? 'unknown error'}). Check the path and its permissions.`,
    )
  }
}

/**
 * Registers the secrets on one `tokens` line. Returns whether the text
 * before `=` looks like a token, as in `TOKEN=SECRET_NAME`. Such text is
 * registered as well.
 */
function registerValue(line: string): boolean {
  const at = line.indexOf('=')
  if (at === -1) {
    registerSecret(line.trim())
    return false
  }
  const value = line.slice(at + 1)
  registerSecret(value)
  registerSecret(value.trim())
  const name = line.slice(0, at).trim()
  const credential = looksLikeCredential(name)
  if (credential) registerSecret(name)
  return credential
}

/** Returns the upper-cased name, or throws InputError naming the rule. */
function checkedName(name: string, where: string): string {
  if (name === '') {
    throw new InputError(
      `${where} has no secret name before \`=\`. Write it as SECRET_NAME=\${{ secrets.SECRET_NAME }}.`,
    )
  }
  if (!isValidSecretName(name)) {
    throw new InputError(
      `${where}: secret name ${showName(name)} is invalid. Use the GitHub secret's name: ${NAME_RULE}.`,
    )
  }
  return name.toUpperCase()
}

/**
 * Shows a rejected name only when it is short and nothing in it is redacted,
 * because a line such as `TOKEN=` may carry a token where the name belongs.
 */
export function showName(name: string): string {
  if (name.length > 48 || redact(name) !== name) return '(not shown)'
  return quote(name)
}

/** Throws InputError when a token is empty or the text `undefined` or `null`, which a missing or misspelled secret gives. */
function checkValue(token: string, secret: string, where: string): void {
  const missing = `so the secret is probably missing or its name misspelled. Check that \`\${{ secrets.${secret} }}\` names an existing secret.`
  if (token === '') {
    throw new InputError(`${where}: ${secret} is empty, ${missing}`)
  }
  if (/^(undefined|null)$/i.test(token)) {
    throw new InputError(
      `${where}: ${secret} is the text "${token.toLowerCase()}", ${missing}`,
    )
  }
}

/**
 * Parses the `secrets` input (`${{ toJSON(secrets) }}`): keeps the names that
 * start with `prefix` (case-insensitively), skips `github_token`. Throws
 * InputError when the text is not a JSON object of strings, or when a client
 * value is empty, a typo literal or listed twice under different case.
 */
export function parseSecretsInput(json: string, prefix: string): PassedToken[] {
  if (json.trim() === '') return []

  const object = parseJsonObject(json)
  const expectedPrefix = prefix.toUpperCase()
  const seen = new Map<string, string>()
  const tokens: PassedToken[] = []

  // Register every client value first, so that no message built below can show one.
  registerClientValues(object, expectedPrefix)

  for (const [key, value] of Object.entries(object)) {
    if (key.toLowerCase() === 'github_token') continue
    const upper = key.toUpperCase()
    if (typeof value !== 'string') {
      throw new InputError(
        `Input \`secrets\`: the value of ${showName(key)} must be a string, got ${describeJsonType(value)}. Pass \`\${{ toJSON(secrets) }}\` or a JSON object of secret names to strings.`,
      )
    }
    if (!upper.startsWith(expectedPrefix)) continue

    const where = 'Input `secrets`'
    const secret = checkedName(key, where)
    const token = value.trim()
    checkValue(token, secret, where)

    const earlier = seen.get(secret)
    if (earlier !== undefined) {
      throw new InputError(
        `${where} has both ${showName(earlier)} and ${showName(key)}, which GitHub treats as one secret name. Keep one of them.`,
      )
    }
    seen.set(secret, key)
    tokens.push({ secret, token, trimmed: token !== value })
  }
  return tokens
}

function registerClientValues(
  object: Record<string, unknown>,
  prefix: string,
): void {
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'string' && key.toUpperCase().startsWith(prefix)) {
      registerSecret(value)
      registerSecret(value.trim())
    }
  }
}

function parseJsonObject(json: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    // The parser's message quotes the text around the error, which may be a
    // token, so it is not passed on.
    throw new InputError(
      'Input `secrets` is not valid JSON. Pass `${{ toJSON(secrets) }}`, or list the client secrets in `tokens` instead.',
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      `Input \`secrets\` must be a JSON object of secret names to values, got ${describeJsonType(value)}. Pass \`\${{ toJSON(secrets) }}\`.`,
    )
  }
  return value as Record<string, unknown>
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

/** Converts a secret name to a display name: `META_TOKEN_NORTHWIND_BIKES` → `Northwind Bikes`. */
export function displayNameFromSecret(secret: string, prefix: string): string {
  const upper = secret.toUpperCase()
  const rest =
    prefix && upper.startsWith(prefix.toUpperCase())
      ? secret.slice(prefix.length)
      : secret
  const words = rest.split('_').filter((word) => word.length > 0)
  if (words.length === 0) return secret
  return words
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())
    .join(' ')
}

/**
 * Joins the passed tokens with the clients file. Clients keep input order
 * (`tokens` first, then `secrets`); a secret passed in both with the same
 * token counts once. Entries with `ignore: true` are left out and their
 * secrets listed in `ignored`; entries whose secret was not passed are
 * returned in `unmatched`. Throws InputError when no token was passed at
 * all, or when two secret names pass the same token.
 */
export function buildClients(options: {
  tokens: PassedToken[]
  secrets: PassedToken[]
  entries: ClientEntry[]
  defaultScope: SecretScope
  log: Logger
  /** Prefix removed from secret names to make display names; META_TOKEN_ when absent. */
  secretPrefix?: string
}): { clients: Client[]; unmatched: ClientEntry[]; ignored: string[] } {
  const prefix = options.secretPrefix ?? DEFAULT_PREFIX
  const passed = mergePassed(options.tokens, options.secrets)
  if (passed.length === 0) {
    throw new InputError(
      `No client token found: pass \`tokens\` lines or \`secrets\` with names starting with ${prefix}.`,
    )
  }

  const entries = new Map(options.entries.map((entry) => [entry.secret, entry]))
  const clients: Client[] = []
  const ignored: string[] = []
  const secretOfToken = new Map<string, string>()
  for (const { secret, token, trimmed } of passed) {
    const entry = entries.get(secret)
    if (entry?.ignore) {
      ignored.push(secret)
      continue
    }
    const earlier = secretOfToken.get(token)
    if (earlier !== undefined) {
      throw new InputError(
        `${earlier} and ${secret} contain the same token, so a refresh would exchange it twice. Pass the token under one secret name, or give each client its own token.`,
      )
    }
    secretOfToken.set(token, secret)
    if (trimmed) {
      options.log.warning(
        `${secret}: trailing whitespace was removed from the token. Save the secret again without it.`,
      )
    }
    clients.push({
      secret,
      name: entry?.name ?? displayNameFromSecret(secret, prefix),
      token,
      priority: entry?.priority ?? 'normal',
      owner: entry?.owner ?? null,
      note: entry?.note ?? null,
      scope: entry?.scope ?? options.defaultScope,
    })
  }

  const passedNames = new Set(passed.map((item) => item.secret))
  const unmatched = options.entries.filter(
    (entry) => !entry.ignore && !passedNames.has(entry.secret),
  )
  return { clients, unmatched, ignored }
}

function mergePassed(
  tokens: PassedToken[],
  secrets: PassedToken[],
): PassedToken[] {
  const bySecret = new Map<string, PassedToken>()
  for (const item of tokens) bySecret.set(item.secret, item)
  const merged = [...tokens]
  for (const item of secrets) {
    const earlier = bySecret.get(item.secret)
    if (earlier === undefined) {
      bySecret.set(item.secret, item)
      merged.push(item)
    } else if (earlier.token !== item.token) {
      throw new InputError(
        `Inputs \`tokens\` and \`secrets\` both pass ${item.secret}, with different values. Pass each client once.`,
      )
    }
  }
  return merged
}
