/**
 * The client list: tokens from the `tokens` and `secrets` inputs, joined with
 * the clients file's settings for each secret (display name, priority, owner,
 * note, scope, ignore). Every token is registered for masking as soon as it
 * is read, and no error message quotes a token.
 */
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml'
import type { Document, YAMLMap } from 'yaml'
import { z } from 'zod'
import {
  InputError,
  isValidSecretName,
  parseSecretScope,
  quote,
} from './inputs.ts'
import { redact, registerSecret } from './redact.ts'
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
const NAME_RULE =
  'letters, digits and `_`, not starting with a digit or `GITHUB_`'

/**
 * Parses the `tokens` input: one `SECRET_NAME=token` per line; blank lines
 * and lines starting with `#` are skipped. Names are upper-cased, as GitHub
 * stores them. Throws InputError on a malformed line, an empty or typo
 * value, an invalid name or a name listed twice.
 */
export function parseTokensInput(
  text: string,
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
  for (const line of lines) registerValue(line)

  lines.forEach((content, index) => {
    const line = index + 1
    const trimmedLine = content.trim()
    if (trimmedLine === '' || trimmedLine.startsWith('#')) return

    const at = content.indexOf('=')
    const where = `Input \`tokens\` line ${line}`
    if (at === -1) {
      throw new InputError(
        `${where} has no \`=\`. Write each line as SECRET_NAME=\${{ secrets.SECRET_NAME }}.`,
      )
    }

    const secret = checkedName(content.slice(0, at).trim(), where)
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

function registerValue(line: string): void {
  const at = line.indexOf('=')
  if (at === -1) {
    registerSecret(line.trim())
    return
  }
  const value = line.slice(at + 1)
  registerSecret(value)
  registerSecret(value.trim())
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
function showName(name: string): string {
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
 * returned in `unmatched`. Throws InputError when no token was passed at all.
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
  for (const { secret, token, trimmed } of passed) {
    const entry = entries.get(secret)
    if (entry?.ignore) {
      ignored.push(secret)
      continue
    }
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

// ---------------------------------------------------------------------------
// Clients file

const FIELD_LIST = 'name, priority, owner, note, scope and ignore'

/** Expected value of each field, for messages. */
const FIELD_RULES: Record<string, string> = {
  name: 'text',
  priority: 'high, normal or low',
  owner: 'a GitHub login such as octocat (a leading @ is allowed)',
  note: 'text',
  scope: 'repository, environment:NAME or organization',
  ignore: 'true or false',
}

/** GitHub logins: up to 39 letters, digits or single hyphens, not starting or ending with a hyphen. */
const GITHUB_LOGIN = /^@?[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/

const textField = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())

const entrySchema = z.strictObject({
  name: textField.pipe(z.string().min(1)).nullish(),
  priority: z.enum(['high', 'normal', 'low']).nullish(),
  owner: z
    .string()
    .regex(GITHUB_LOGIN)
    .transform((login) => login.replace(/^@/, ''))
    .nullish(),
  note: textField.nullish(),
  scope: z
    .string()
    .transform(parseSecretScope)
    .pipe(z.custom<SecretScope>((scope) => scope !== null))
    .nullish(),
  ignore: z.boolean().nullish(),
})

/** Location of a problem in the clients file. */
interface FileLocation {
  path: string
  /** Line of a node, from 1; line 1 when the node has no position. */
  lineOf(node: unknown): number
}

/**
 * Parses the clients file (YAML). An empty file or an empty `clients` map
 * gives no entry. Throws InputError naming the file, the line and the field
 * of the first problem found.
 */
export function parseClientsFile(text: string, path: string): ClientEntry[] {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false })
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line
  const file: FileLocation = {
    path,
    lineOf: (node) => lineAt(nodeStart(node)),
  }

  const syntaxError = document.errors[0]
  if (syntaxError) {
    throw new InputError(
      `${path}:${lineAt(syntaxError.pos[0])}: invalid YAML (${shortReason(syntaxError.message)}). Fix the syntax on that line.`,
    )
  }

  const root = document.contents
  if (isEmpty(root)) return []
  if (!isMap(root)) {
    throw new InputError(
      `${path}:${file.lineOf(root)}: the file must be a map with one key, \`clients\`. Start it with \`clients:\`.`,
    )
  }
  checkTopLevel(root, file)

  const clients = root.get('clients', true)
  if (isEmpty(clients)) return []
  if (!isMap(clients)) {
    throw new InputError(
      `${path}:${file.lineOf(clients)}: \`clients\` must be a map of secret names to settings.`,
    )
  }
  return readEntries(clients, document, file)
}

function isEmpty(node: unknown): boolean {
  return (
    node === null ||
    node === undefined ||
    (isScalar(node) && node.value === null)
  )
}

function checkTopLevel(root: YAMLMap, file: FileLocation): void {
  const unknown = root.items.find((pair) => keyText(pair.key) !== 'clients')
  if (!unknown) return
  throw new InputError(
    `${file.path}:${file.lineOf(unknown.key)}: unknown top-level key ${quote(keyText(unknown.key))}. The file has one top-level key, \`clients\`.`,
  )
}

function readEntries(
  clients: YAMLMap,
  document: Document,
  file: FileLocation,
): ClientEntry[] {
  const entries: ClientEntry[] = []
  const firstLine = new Map<string, number>()

  for (const pair of clients.items) {
    const line = file.lineOf(pair.key)
    const where = `${file.path}:${line}`
    const key = keyText(pair.key)
    if (!isValidSecretName(key)) {
      throw new InputError(
        `${where}: secret name ${showName(key)} is invalid. Use the GitHub secret's name: ${NAME_RULE}.`,
      )
    }

    const secret = key.toUpperCase()
    const first = firstLine.get(secret)
    if (first !== undefined) {
      throw new InputError(
        `${where}: ${secret} is listed twice (first on line ${first}; GitHub secret names ignore case). Keep one entry.`,
      )
    }
    firstLine.set(secret, line)
    entries.push(readEntry(secret, pair.value, line, document, file))
  }
  return entries
}

function readEntry(
  secret: string,
  node: unknown,
  line: number,
  document: Document,
  file: FileLocation,
): ClientEntry {
  if (isEmpty(node)) return { secret, priority: 'normal', ignore: false, line }
  if (!isMap(node)) {
    throw new InputError(
      `${file.path}:${file.lineOf(node)}: the settings of ${secret} must be a map with the fields ${FIELD_LIST}.`,
    )
  }

  const plain = toPlain(node, document, file)
  const parsed = entrySchema.safeParse(plain)
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue
    throw new InputError(describeEntryIssue(issue, secret, node, plain, file))
  }

  const fields = parsed.data
  return {
    secret,
    ...(fields.name != null && { name: fields.name }),
    priority: fields.priority ?? 'normal',
    ...(fields.owner != null && { owner: fields.owner }),
    ...(fields.note != null && fields.note !== '' && { note: fields.note }),
    ignore: fields.ignore ?? false,
    ...(fields.scope != null && { scope: fields.scope }),
    line,
  }
}

/** Converts one entry to plain values; aliases are expanded, at most 100 of them. */
function toPlain(
  node: YAMLMap,
  document: Document,
  file: FileLocation,
): Record<string, unknown> {
  try {
    return node.toJS(document, { maxAliasCount: 100 }) as Record<
      string,
      unknown
    >
  } catch (error) {
    // The yaml package throws here for an alias that expands too often.
    const reason = error instanceof Error ? error.message : 'unknown error'
    throw new InputError(
      `${file.path}:${file.lineOf(node)}: invalid YAML (${shortReason(reason)}). Fix the syntax on that line.`,
    )
  }
}

function describeEntryIssue(
  issue: z.core.$ZodIssue,
  secret: string,
  node: YAMLMap,
  plain: Record<string, unknown>,
  file: FileLocation,
): string {
  const fieldLine = (field: string) =>
    file.lineOf(node.items.find((pair) => keyText(pair.key) === field)?.key)

  if (issue.code === 'unrecognized_keys') {
    const field = issue.keys[0] ?? ''
    return `${file.path}:${fieldLine(field)}: unknown field ${quote(field)} in ${secret}. The fields are ${FIELD_LIST}.`
  }

  const field = String(issue.path[0] ?? '')
  const rule = FIELD_RULES[field] ?? 'valid'
  return `${file.path}:${fieldLine(field)}: field \`${field}\` of ${secret} must be ${rule}, got ${describeYamlValue(plain[field])}. Fix the value or remove the field.`
}

function describeYamlValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value !== null && typeof value === 'object') return 'a map'
  return quote(String(value))
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value)
  return String(key)
}

function nodeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range
    return range?.[0]
  }
  return undefined
}

/** First line of a parser message, redacted and short. */
function shortReason(message: string): string {
  const first = redact(message.split('\n')[0] ?? '').trim()
  return first.length > 120 ? `${first.slice(0, 117)}...` : first
}
