/**
 * Properties of the parsers that read what a workflow passes: the `tokens`
 * and `secrets` inputs, the clients file and the other action inputs. For
 * any text they return a result or throw InputError with a one-line
 * message, and no message (and no parsed free text) shows a secret or a
 * 16-character piece of one.
 *
 * The secrets are shaped like real ones: Meta access tokens (`EAA` and
 * base62), GitHub tokens and 32-hex-digit app secrets. Every generated
 * secret has a digit in each run of 8 characters, so that a piece of one
 * cannot turn up by chance in the upper-case names and English text around
 * it.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { parseSecretsInput, parseTokensInput } from '../../src/clients.ts'
import { parseClientsFile } from '../../src/clients-file.ts'
import { InputError, readInputs } from '../../src/inputs.ts'
import { clearSecretsForTesting, registerSecret } from '../../src/redact.ts'

const PIECE_LENGTH = 16
const RUNS = 500

afterEach(() => clearSecretsForTesting())

// ---------------------------------------------------------------------------
// Generators

const DIGITS = '0123456789'
const BASE62 = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz${DIGITS}`

/**
 * Text of `length` characters from `alphabet`, where every eighth character
 * is a digit, so that each run of 8 characters has one.
 */
function textOfLength(length: number, alphabet: string) {
  const characters = fc.string({
    unit: fc.constantFrom(...alphabet),
    minLength: length,
    maxLength: length,
  })
  return characters.map((text) =>
    [...text]
      .map((char, index) =>
        index % 8 === 7 ? (DIGITS[char.charCodeAt(0) % 10] ?? '0') : char,
      )
      .join(''),
  )
}

/** A Meta access token: `EAA` and some 100 to 200 base62 characters. */
const metaTokenArbitrary = fc
  .integer({ min: 100, max: 200 })
  .chain((length) => textOfLength(length, BASE62))
  .map((rest) => `EAA${rest}`)

/** A GitHub token as GitHub issues them: 36 characters after `ghp_`, 82 after `github_pat_`. */
const githubTokenArbitrary = fc.oneof(
  fc
    .tuple(fc.constantFrom('ghp_', 'ghs_', 'gho_'), textOfLength(36, BASE62))
    .map(([prefix, rest]) => `${prefix}${rest}`),
  textOfLength(82, `${BASE62}_`).map((rest) => `github_pat_${rest}`),
)

/** A Meta app secret: 32 hex digits, here starting with a letter so that YAML reads it as text. */
const appSecretArbitrary = fc
  .tuple(
    fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    textOfLength(31, `abcdef${DIGITS}`),
  )
  .map(([first, rest]) => `${first}${rest}`)

const secretArbitrary = fc.oneof(
  { weight: 3, arbitrary: metaTokenArbitrary },
  { weight: 1, arbitrary: githubTokenArbitrary },
  { weight: 1, arbitrary: appSecretArbitrary },
)

const nameArbitrary = fc.stringMatching(/^[A-Z][A-Z_]{0,23}$/)

const badNameArbitrary = fc.constantFrom(
  '1META_TOKEN',
  'GITHUB_META',
  'github_token_x',
  'META-TOKEN',
  'META TOKEN',
  'META.TOKEN',
  'ÄPFEL',
  '',
)

/** Any text, including control characters, lone surrogates and line breaks. */
const anyTextArbitrary = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({
    unit: fc.constantFrom('=', '#', ' ', '\t', '\r', '\n', '"', ':', '{', '-'),
    maxLength: 30,
  }),
)

const newlineArbitrary = fc.constantFrom('\n', '\r\n', '\r')

// ---------------------------------------------------------------------------
// Checks

function piecesOf(secret: string): string[] {
  const pieces: string[] = []
  for (let at = 0; at + PIECE_LENGTH <= secret.length; at++) {
    pieces.push(secret.slice(at, at + PIECE_LENGTH))
  }
  return pieces
}

/**
 * Returns the first piece of a secret that `text` contains, or null. Case is
 * ignored, because secret names are upper-cased and a token written where a
 * name belongs would otherwise slip through.
 */
function leakedPiece(text: string, secrets: readonly string[]): string | null {
  const upper = text.toUpperCase()
  for (const secret of secrets) {
    for (const piece of piecesOf(secret)) {
      if (upper.includes(piece.toUpperCase())) return piece
    }
  }
  return null
}

/** Runs `parse`; a failure must be an InputError whose one-line message shows no secret. */
function parseSafely<T>(parse: () => T, secrets: readonly string[]): T | null {
  try {
    return parse()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    const message = (error as Error).message
    expect(message).not.toMatch(/[\r\n]/)
    expect(message.length).toBeGreaterThan(0)
    expect(leakedPiece(message, secrets)).toBeNull()
    return null
  }
}

// ---------------------------------------------------------------------------
// `tokens`

interface Line {
  text: string
  secrets: string[]
}

const tokenLineArbitrary: fc.Arbitrary<Line> = fc.oneof(
  fc
    .tuple(nameArbitrary, secretArbitrary, fc.constantFrom('', ' ', ' \t'))
    .map(([name, secret, pad]) => ({
      text: `${pad}${name}${pad}=${pad}${secret}${pad}`,
      secrets: [secret],
    })),
  fc.tuple(nameArbitrary, secretArbitrary).map(([name, secret]) => ({
    text: `${secret}=${name}`,
    secrets: [secret],
  })),
  fc.tuple(secretArbitrary, secretArbitrary).map(([first, second]) => ({
    text: `${first}=${second}`,
    secrets: [first, second],
  })),
  fc.tuple(badNameArbitrary, secretArbitrary).map(([name, secret]) => ({
    text: `${name}=${secret}`,
    secrets: [secret],
  })),
  secretArbitrary.map((secret) => ({ text: secret, secrets: [secret] })),
  secretArbitrary.map((secret) => ({ text: `=${secret}`, secrets: [secret] })),
  fc
    .tuple(nameArbitrary, fc.constantFrom('', ' ', 'undefined', 'NULL'))
    .map(([name, value]) => ({ text: `${name}=${value}`, secrets: [] })),
  fc.constantFrom('', '  ', '# comment', '#').map((text) => ({
    text,
    secrets: [],
  })),
  anyTextArbitrary.map((text) => ({ text, secrets: [] })),
)

describe('parseTokensInput', () => {
  it('throws only InputError and shows no secret', () => {
    fc.assert(
      fc.property(
        fc.array(tokenLineArbitrary, { maxLength: 10 }),
        newlineArbitrary,
        (lines, newline) => {
          clearSecretsForTesting()
          const secrets = lines.flatMap((line) => line.secrets)
          const text = lines.map((line) => line.text).join(newline)
          const parsed = parseSafely(() => parseTokensInput(text), secrets)
          for (const item of parsed ?? []) {
            expect(leakedPiece(item.secret, secrets)).toBeNull()
          }
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('survives any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        clearSecretsForTesting()
        parseSafely(() => parseTokensInput(text), [])
      }),
      { numRuns: RUNS },
    )
  })
})

// ---------------------------------------------------------------------------
// `secrets`

const secretsKeyArbitrary = fc.oneof(
  nameArbitrary.map((name) => `META_TOKEN_${name}`),
  nameArbitrary.map((name) => `meta_token_${name.toLowerCase()}`),
  nameArbitrary,
  badNameArbitrary.map((name) => `META_TOKEN_${name}`),
  fc.constantFrom('github_token', 'GITHUB_TOKEN', '__proto__', ''),
)

const secretsValueArbitrary = fc.oneof(
  { weight: 4, arbitrary: secretArbitrary },
  {
    weight: 1,
    arbitrary: secretArbitrary.map((secret) => ` ${secret}\n`),
  },
  fc.constantFrom('', ' ', 'undefined', 'null', 'META_TOKEN_ACME'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(secretArbitrary, { maxLength: 2 }),
  fc.dictionary(nameArbitrary, secretArbitrary, { maxKeys: 2 }),
)

/** Ways a workflow or a person mangles JSON: cut short, a character dropped or added. */
const damageArbitrary = fc.oneof(
  fc.constant({ kind: 'none' as const, at: 0, char: '' }),
  fc.record({
    kind: fc.constantFrom('cut' as const, 'drop' as const, 'insert' as const),
    at: fc.nat(),
    char: fc.constantFrom('"', ',', '{', '}', ':', '\\', '\n', 'x'),
  }),
)

function damage(
  json: string,
  change: {
    kind: 'none' | 'cut' | 'drop' | 'insert'
    at: number
    char: string
  },
): string {
  const at = change.at % (json.length + 1)
  switch (change.kind) {
    case 'none':
      return json
    case 'cut':
      return json.slice(0, at)
    case 'drop':
      return json.slice(0, at) + json.slice(at + 1)
    case 'insert':
      return json.slice(0, at) + change.char + json.slice(at)
  }
}

/** Collects every string anywhere in a JSON value, keys included. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsIn)
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      key,
      ...stringsIn(item),
    ])
  }
  return []
}

/** Collects the strings of a JSON value that look like a secret, trimmed as the parser trims values. */
function secretsIn(value: unknown): string[] {
  return stringsIn(value)
    .map((text) => text.trim())
    .filter((text) => /^(EAA|gh[a-z]*_|[a-f0-9]{32}$)/.test(text))
}

describe('parseSecretsInput', () => {
  it('throws only InputError and shows no value', () => {
    fc.assert(
      fc.property(
        fc.dictionary(secretsKeyArbitrary, secretsValueArbitrary, {
          maxKeys: 8,
        }),
        damageArbitrary,
        fc.constantFrom('META_TOKEN_', 'CLIENT_', 'M'),
        (object, change, prefix) => {
          clearSecretsForTesting()
          const json = damage(JSON.stringify(object), change)
          // A value that the damage split is text the parser cannot know
          // for a secret, and it shows no value anyway.
          const secrets = secretsIn(object).filter((secret) =>
            json.includes(secret),
          )
          parseSafely(() => parseSecretsInput(json, prefix), secrets)
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('shows no token written as a name', () => {
    // `{"EAA…": "META_TOKEN_ACME"}`: the name and the value swapped.
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(secretsKeyArbitrary, secretArbitrary),
          secretsValueArbitrary,
          { maxKeys: 6 },
        ),
        fc.constantFrom('META_TOKEN_', 'CLIENT_', 'M'),
        (object, prefix) => {
          clearSecretsForTesting()
          const json = JSON.stringify(object)
          parseSafely(() => parseSecretsInput(json, prefix), secretsIn(object))
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('survives any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        clearSecretsForTesting()
        parseSafely(() => parseSecretsInput(text, 'META_TOKEN_'), [])
      }),
      { numRuns: RUNS },
    )
  })
})

// ---------------------------------------------------------------------------
// Clients file

interface FieldLine {
  text: string
  secret: string | null
}

/** A field of the clients file whose value contains a secret, in one of the ways a person writes it. */
const secretFieldArbitrary: fc.Arbitrary<FieldLine> = fc
  .tuple(
    fc.constantFrom(
      'name',
      'note',
      'priority',
      'owner',
      'scope',
      'ignore',
      'prio',
    ),
    fc.oneof(metaTokenArbitrary, githubTokenArbitrary, appSecretArbitrary),
    fc.constantFrom('plain', 'quoted', 'sentence', 'list', 'environment'),
  )
  .map(([field, secret, style]) => {
    const values = {
      plain: secret,
      quoted: `"${secret}"`,
      sentence: `old token ${secret} here`,
      list: `[${secret}]`,
      environment: `environment:${secret}`,
    }
    return { text: `${field}: ${values[style]}`, secret }
  })

const fieldLineArbitrary: fc.Arbitrary<FieldLine> = fc.oneof(
  secretFieldArbitrary,
  secretArbitrary.map((secret) => ({ text: `${secret}: x`, secret })),
  fc
    .constantFrom(
      'name: Acme Corp',
      'priority: high',
      'owner: "@octocat"',
      'ignore: true',
      'scope: environment:production',
      'scope: organization',
      'note:',
      'owner: not a login',
    )
    .map((text) => ({ text, secret: null })),
)

const entryArbitrary = fc.tuple(
  fc.oneof(
    {
      weight: 3,
      arbitrary: nameArbitrary.map((name) => ({
        key: name,
        secret: null as string | null,
      })),
    },
    {
      weight: 1,
      arbitrary: badNameArbitrary.map((name) => ({
        key: name,
        secret: null as string | null,
      })),
    },
    {
      weight: 1,
      arbitrary: secretArbitrary.map((secret) => ({
        key: secret,
        secret: secret as string | null,
      })),
    },
  ),
  fc.array(fieldLineArbitrary, { maxLength: 4 }),
)

const yamlNoiseArbitrary = fc.oneof(
  fc.constantFrom(
    '',
    '# comment',
    '  - item',
    'clients: [',
    '\tMETA_TOKEN_X: {}',
    'other: 1',
    ': :',
    '---',
    '  META_TOKEN_A: &a {name: A}',
    '  META_TOKEN_B: *a',
    '  META_TOKEN_C: *missing',
    '  ? [complex]',
    '"unterminated',
  ),
  anyTextArbitrary,
)

describe('parseClientsFile', () => {
  it('throws only InputError and shows no secret', () => {
    fc.assert(
      fc.property(
        fc.array(entryArbitrary, { maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(), yamlNoiseArbitrary), { maxLength: 2 }),
        fc.boolean(),
        (entries, noise, registered) => {
          clearSecretsForTesting()
          const lines = ['clients:']
          const secrets: string[] = []
          for (const [{ key, secret }, fields] of entries) {
            lines.push(`  ${key}:`)
            if (secret) secrets.push(secret)
            for (const field of fields) {
              lines.push(`    ${field.text}`)
              if (field.secret) secrets.push(field.secret)
            }
          }
          for (const [at, line] of noise) {
            lines.splice(at % (lines.length + 1), 0, line)
          }
          // The action registers the passed tokens before it reads the
          // clients file. An unregistered secret is hidden by its shape.
          if (registered) for (const secret of secrets) registerSecret(secret)

          const parsed = parseSafely(
            () =>
              parseClientsFile(lines.join('\n'), '.github/meta-clients.yml'),
            secrets,
          )
          // Parsed entries reach the log, the summary and the issue.
          expect(leakedPiece(JSON.stringify(parsed ?? []), secrets)).toBeNull()
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('keeps secrets out of valid entries', () => {
    // Files without other mistakes, so that most of them parse and the
    // entries themselves are checked, not only the messages.
    const validEntryArbitrary = fc.tuple(nameArbitrary, secretFieldArbitrary)
    fc.assert(
      fc.property(
        fc.uniqueArray(validEntryArbitrary, {
          selector: ([name]) => name,
          maxLength: 4,
        }),
        fc.boolean(),
        (entries, registered) => {
          clearSecretsForTesting()
          const secrets = entries.map(([, field]) => field.secret ?? '')
          if (registered) for (const secret of secrets) registerSecret(secret)
          const text = [
            'clients:',
            ...entries.flatMap(([name, field]) => [
              `  ${name}:`,
              `    ${field.text}`,
            ]),
          ].join('\n')

          const parsed = parseSafely(
            () => parseClientsFile(text, '.github/meta-clients.yml'),
            secrets,
          )
          expect(leakedPiece(JSON.stringify(parsed ?? []), secrets)).toBeNull()
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('survives any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        parseSafely(() => parseClientsFile(text, 'clients.yml'), [])
      }),
      { numRuns: RUNS },
    )
  })
})

// ---------------------------------------------------------------------------
// The other inputs

const CHECKED_INPUTS = [
  'app-id',
  'app-secret',
  'github-token',
  'issue-token',
  'secret-prefix',
  'clients-file',
  'github-api-url',
  'graph-api-url',
  'secret-scope',
  'refresh-before-days',
  'warn-before-days',
  'fail-on',
  'dry-run',
  'tracking-issue',
  'issue-labels',
  'revoke-replaced',
  'graph-api-version',
] as const

const VALID_VALUES: Record<(typeof CHECKED_INPUTS)[number], string> = {
  'app-id': '1234567890123456',
  'app-secret': '',
  'github-token': '',
  'issue-token': '',
  'secret-prefix': 'META_TOKEN_',
  'clients-file': '.github/meta-clients.yml',
  'github-api-url': 'https://api.github.com',
  'graph-api-url': 'https://graph.facebook.com',
  'secret-scope': 'repository',
  'refresh-before-days': '30',
  'warn-before-days': '14',
  'fail-on': 'expired',
  'dry-run': 'false',
  'tracking-issue': 'true',
  'issue-labels': 'meta-tokens',
  'revoke-replaced': 'false',
  'graph-api-version': 'v27.0',
}

/** Generates what a workflow can pass to one input: its valid value, a typo, noise or a secret meant for another input. */
function inputValueArbitrary(name: (typeof CHECKED_INPUTS)[number]) {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constant({
        text: VALID_VALUES[name],
        secret: null as string | null,
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', ' ', 'undefined', 'null', '-1', 'v27', 'http://x')
        .map((text) => ({ text, secret: null as string | null })),
    },
    {
      weight: 1,
      arbitrary: anyTextArbitrary.map((text) => ({
        text,
        secret: null as string | null,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          secretArbitrary,
          fc.constantFrom(
            '',
            'https://u:',
            'https://graph.facebook.com/?access_token=',
            'environment:',
          ),
        )
        .map(([secret, before]) => ({
          text: `${before}${secret}${before.startsWith('https://u:') ? '@example.com' : ''}`,
          secret: secret as string | null,
        })),
    },
  )
}

describe('readInputs', () => {
  it('throws only InputError and shows no secret', () => {
    const valuesArbitrary = fc.record(
      Object.fromEntries(
        CHECKED_INPUTS.map((name) => [name, inputValueArbitrary(name)]),
      ) as Record<
        (typeof CHECKED_INPUTS)[number],
        fc.Arbitrary<{ text: string; secret: string | null }>
      >,
    )
    fc.assert(
      fc.property(
        valuesArbitrary,
        fc.constantFrom('northwind/meta-tokens', '', 'no-slash'),
        (values, repository) => {
          clearSecretsForTesting()
          const secrets = Object.values(values).flatMap((value) =>
            value.secret ? [value.secret] : [],
          )
          const getInput = (name: string) =>
            values[name as (typeof CHECKED_INPUTS)[number]]?.text ?? ''
          parseSafely(
            () => readInputs(getInput, { GITHUB_REPOSITORY: repository }),
            secrets,
          )
        },
      ),
      { numRuns: RUNS },
    )
  })
})
