/**
 * The clients file (`.github/meta-clients.yml`) read with the YAML parser,
 * which keeps the position of every node, so that each error names the
 * file, the line and the field. The Action loads this module only for a
 * file that clients-entries.ts cannot read in the common layout.
 */
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml'
import type { Document, YAMLMap } from 'yaml'
import type { z } from 'zod'
import { InputError, isValidSecretName, quote } from './inputs.ts'
import { NAME_RULE, showName, type ClientEntry } from './clients.ts'
import {
  defaultEntry,
  entrySchema,
  FIELD_LIST,
  FIELD_RULES,
  readCommonLayout,
  toClientEntry,
} from './clients-entries.ts'
import { looksLikeCredential, redact } from './redact.ts'

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
  return readCommonLayout(text) ?? parseClientsDocument(text, path)
}

/**
 * Parses the clients file with the YAML parser, which keeps the position of
 * every node for error messages. parseClientsFile returns the same entries
 * for every file that the line reader reads.
 */
export function parseClientsDocument(
  text: string,
  path: string,
): ClientEntry[] {
  const lineCounter = new LineCounter()
  // The parser's own check for repeated keys compares every key with every
  // other (quadratic in the number of clients); the checks below do it with
  // a map and say which line came first.
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
  })
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
  checkRepeatedKeys(root, 'the file', file)
  const unknown = root.items.find((pair) => keyText(pair.key) !== 'clients')
  if (!unknown) return
  throw new InputError(
    `${file.path}:${file.lineOf(unknown.key)}: unknown top-level key ${quote(keyText(unknown.key))}. The file has one top-level key, \`clients\`.`,
  )
}

/** Throws InputError when a key of a small map (the top level, one entry) appears twice. */
function checkRepeatedKeys(
  map: YAMLMap,
  owner: string,
  file: FileLocation,
): void {
  const firstLine = new Map<string, number>()
  for (const pair of map.items) {
    const key = keyText(pair.key)
    const first = firstLine.get(key)
    if (first !== undefined) {
      throw new InputError(
        `${file.path}:${file.lineOf(pair.key)}: key ${quote(key)} of ${owner} appears twice (first on line ${first}). Keep one.`,
      )
    }
    firstLine.set(key, file.lineOf(pair.key))
  }
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
    if (looksLikeCredential(key)) {
      throw new InputError(
        `${where}: a key looks like an access token, not a secret name, so it is not shown. Use the secret's name as the key, and revoke a token that was committed.`,
      )
    }
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
  if (isEmpty(node)) return defaultEntry(secret, line)
  if (!isMap(node)) {
    throw new InputError(
      `${file.path}:${file.lineOf(node)}: the settings of ${secret} must be a map with the fields ${FIELD_LIST}.`,
    )
  }
  checkRepeatedKeys(node, secret, file)

  const plain = toPlain(node, document, file)
  const parsed = entrySchema.safeParse(plain)
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue
    throw new InputError(describeEntryIssue(issue, secret, node, plain, file))
  }

  return toClientEntry(secret, parsed.data, line)
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
