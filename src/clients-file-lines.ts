/**
 * A line reader for the layout nearly every clients file has: `clients:`,
 * then one secret name per line, each followed by its fields as
 * `field: value`, one per line. For a file of 5,000 clients (450 KB) the
 * YAML parser allocated about 240 MB in all while it built the document
 * (sampled in the bundled action on Node 24), and this reader about 6 MB.
 * Anything beyond that layout (flow
 * style, anchors, aliases, tags, block or multi-line scalars, escapes,
 * numbers, tabs, uneven indentation) makes it return null, and the caller
 * parses the file with the YAML parser instead.
 */

/** A scalar as YAML 1.2's core schema resolves it. The reader leaves numbers to the YAML parser. */
export type LineScalar = string | boolean | null

/** One key under `clients`, with its fields resolved as the YAML parser would. */
export interface LineEntry {
  key: string
  /** Line of the key, from 1. */
  line: number
  /** The fields, or null when the key has no value. */
  fields: Record<string, LineScalar> | null
}

const TOP_KEY_LINE = /^clients:(?: +(?:#.*)?)?$/
const ENTRY_KEY_LINE = /^([A-Za-z_]\w*):(?: +(?:#.*)?)?$/
const FIELD_LINE = /^([a-z]+):(?: +(.*))?$/
const QUOTED_VALUE = /^(?:"([^"\\]*)"|'([^']*)')(?: +(?:#.*)?)?$/

/** YAML ends an implicit key this many characters after its start. */
const MAX_IMPLICIT_KEY_LENGTH = 1024

/**
 * Reads a clients file in the common block layout. Returns its entries in
 * file order, or null when the text uses anything else, duplicates included,
 * so that the YAML parser reads it and reports any problem with its line.
 */
export function readClientsFileLines(text: string): LineEntry[] | null {
  if (hasUnsupportedCharacter(text)) return null

  const entries: LineEntry[] = []
  let sawTopKey = false
  let entryIndent = 0
  let fieldIndent = 0
  let current: LineEntry | null = null

  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const content = lines[index] as string
    const indent = leadingSpaces(content)
    const rest = content.slice(indent)
    if (rest === '' || rest.startsWith('#')) continue

    if (indent === 0) {
      if (sawTopKey || !TOP_KEY_LINE.test(rest)) return null
      sawTopKey = true
      continue
    }
    if (!sawTopKey) return null

    entryIndent ||= indent
    if (indent === entryIndent) {
      current = readEntryKey(rest, index + 1)
      if (!current) return null
      entries.push(current)
      fieldIndent = 0
      continue
    }

    fieldIndent ||= indent
    if (!current || indent < entryIndent || indent !== fieldIndent) {
      return null
    }
    const field = readField(rest)
    current.fields ??= {}
    if (!field || Object.hasOwn(current.fields, field.name)) return null
    current.fields[field.name] = field.value
  }
  return entries
}

/**
 * True when `text` has a character the reader leaves to the YAML parser: a
 * tab or another control character, a carriage return outside CRLF, the
 * byte order mark, a Unicode line separator or a non-character.
 */
function hasUnsupportedCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code === 0x0a) continue
    if (code === 0x0d) {
      if (text.charCodeAt(index + 1) === 0x0a) continue
      return true
    }
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true
    if (code === 0x2028 || code === 0x2029) return true
    if (code === 0xfeff || code === 0xfffe || code === 0xffff) return true
  }
  return false
}

function leadingSpaces(content: string): number {
  let count = 0
  while (content.charCodeAt(count) === 32) count++
  return count
}

function readEntryKey(rest: string, line: number): LineEntry | null {
  const key = ENTRY_KEY_LINE.exec(rest)?.[1]
  if (key === undefined || key.length > MAX_IMPLICIT_KEY_LENGTH) return null
  // A key such as `null` or `True` resolves to another value.
  if (resolvePlain(key) !== key) return null
  return { key, line, fields: null }
}

function readField(rest: string): { name: string; value: LineScalar } | null {
  const match = FIELD_LINE.exec(rest)
  if (!match) return null
  const value = readValue(match[2] ?? '')
  if (value === undefined) return null
  return { name: match[1] as string, value }
}

/** Reads the text after `field:`. Returns undefined when the YAML parser must read it. */
function readValue(text: string): LineScalar | undefined {
  const quoted = QUOTED_VALUE.exec(text)
  if (quoted) return quoted[1] ?? (quoted[2] as string)

  // A comment starts at a `#` that follows a space, or that starts the value.
  const commentAt = text.startsWith('#') ? 0 : text.indexOf(' #')
  const plain = commentAt === -1 ? text : text.slice(0, commentAt)
  return resolvePlain(trimSpacesEnd(plain))
}

/** Removes trailing spaces as YAML does; trimEnd would also remove U+00A0 and other Unicode spaces. */
function trimSpacesEnd(text: string): string {
  let end = text.length
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--
  return text.slice(0, end)
}

const NULL_WORD = /^(?:~|null|Null|NULL)?$/
const TRUE_WORD = /^(?:true|True|TRUE)$/
const FALSE_WORD = /^(?:false|False|FALSE)$/
/** ASCII only: a Unicode property class would load ICU data for one check. */
const STRING_START = /^[A-Za-z_]/
const MAP_INDICATOR = /: |:$/

/**
 * Resolves a one-line plain scalar as the core schema of YAML 1.2 does (the
 * `yaml` package's default): null, a boolean, or else a string. Returns
 * undefined for text the reader leaves to the YAML parser. That is text
 * that does not start with an ASCII letter or `_`, such as a number or an
 * indicator (`&`, `*`, `!`, `"`, `[`), and text with `: ` or a final `:`,
 * which start a map.
 */
function resolvePlain(text: string): LineScalar | undefined {
  if (NULL_WORD.test(text)) return null
  if (TRUE_WORD.test(text)) return true
  if (FALSE_WORD.test(text)) return false
  if (!STRING_START.test(text) || MAP_INDICATOR.test(text)) return undefined
  return text
}
