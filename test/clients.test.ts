import fc from 'fast-check'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  buildClients,
  displayNameFromSecret,
  parseSecretsInput,
  parseTokensInput,
  readPassedTokens,
  type ClientEntry,
} from '../src/clients.ts'
import { parseClientsFile } from '../src/clients-file.ts'
import { InputError } from '../src/inputs.ts'
import {
  clearSecretsForTesting,
  redact,
  registerSecret,
} from '../src/redact.ts'
import type { Logger } from '../src/types.ts'

const FILE = '.github/meta-clients.yml'
const TOKEN_A = 'EAAGm0PX4ZCpsBAKZC7xvYqZBwZAhZBZCfRZAZDZD0123456789abcdef'
const TOKEN_B = 'EAAGm0PX4ZCpsBAJ8gS9QYZAQZDZD9876543210fedcbaZYXWV'

function errorOf(action: () => unknown): Error {
  try {
    action()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

/** Returns every 16-character piece of `secret`, or the whole secret when shorter. */
function pieces(secret: string, size = 16): string[] {
  if (secret.length < size) return [secret]
  const result: string[] = []
  for (let i = 0; i + size <= secret.length; i++) {
    result.push(secret.slice(i, i + size))
  }
  return result
}

function leakedPiece(message: string, secrets: string[]): string | null {
  for (const secret of secrets) {
    if (secret.length < 16) continue
    for (const piece of pieces(secret)) {
      if (message.includes(piece)) return piece
    }
  }
  return null
}

function silentLog(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  return {
    warnings,
    info: () => undefined,
    warning: (message) => warnings.push(message),
    error: () => undefined,
    debug: () => undefined,
  }
}

afterEach(() => clearSecretsForTesting())

describe('parseTokensInput', () => {
  it('parses lines, comments and blanks', () => {
    const text = [
      '# clients of the agency',
      '',
      `META_TOKEN_ACME=${TOKEN_A}`,
      '   ',
      `meta_token_birch = ${TOKEN_B}\r`,
    ].join('\n')
    expect(parseTokensInput(text)).toEqual([
      { secret: 'META_TOKEN_ACME', token: TOKEN_A, line: 3, trimmed: false },
      { secret: 'META_TOKEN_BIRCH', token: TOKEN_B, line: 5, trimmed: false },
    ])
  })

  it('trims trailing whitespace and flags it', () => {
    const [parsed] = parseTokensInput(`META_TOKEN_ACME=${TOKEN_A} \t`)
    expect(parsed?.token).toBe(TOKEN_A)
    expect(parsed?.trimmed).toBe(true)
  })

  it('keeps `=` inside the value', () => {
    expect(parseTokensInput('A=abc=def')[0]?.token).toBe('abc=def')
  })

  it('returns nothing for empty text', () => {
    expect(parseTokensInput('')).toEqual([])
  })

  it('registers every token for masking', () => {
    parseTokensInput(`META_TOKEN_ACME=${TOKEN_A}`)
    expect(redact(`value ${TOKEN_A}`)).toBe('value ***')
  })

  /** [case, text, expected words] */
  const BAD: Array<[string, string, string]> = [
    ['line without =', `META_TOKEN_ACME\n${TOKEN_A}`, 'line 1 has no `=`'],
    ['bare token line', `A=x\n${TOKEN_A}`, 'line 2 has no `=`'],
    ['empty name', `=${TOKEN_A}`, 'no secret name'],
    ['empty value', 'META_TOKEN_ACME=', 'META_TOKEN_ACME is empty'],
    ['blank value', 'META_TOKEN_ACME=   ', 'is empty'],
    ['undefined value', 'META_TOKEN_ACME=undefined', 'the text "undefined"'],
    ['null value', 'META_TOKEN_ACME=null', 'the text "null"'],
    ['name with dash', `META-TOKEN=${TOKEN_A}`, 'is invalid'],
    ['name with digit first', `1META=${TOKEN_A}`, 'is invalid'],
    ['GITHUB_ name', `GITHUB_TOKEN=${TOKEN_A}`, 'is invalid'],
    ['duplicate', `A=${TOKEN_A}\nA=${TOKEN_B}`, 'listed twice'],
    [
      'duplicate other case',
      `A_B=${TOKEN_A}\na_b=${TOKEN_B}`,
      'first on line 1',
    ],
  ]

  it.each(BAD)('rejects %s', (_, text, words) => {
    const error = errorOf(() => parseTokensInput(text))
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toContain('Input `tokens`')
    expect(error.message).toContain(words)
    expect(leakedPiece(error.message, [TOKEN_A, TOKEN_B])).toBeNull()
  })

  it('names the missing secret', () => {
    const error = errorOf(() => parseTokensInput('META_TOKEN_ACME=undefined'))
    expect(error.message).toContain('${{ secrets.META_TOKEN_ACME }}')
    expect(error.message).toContain('missing or its name misspelled')
  })

  it('hides a token written as a name', () => {
    const error = errorOf(() => parseTokensInput(`${TOKEN_A}-x=abc`))
    expect(error.message).toContain('looks like an access token')
    expect(leakedPiece(error.message, [TOKEN_A])).toBeNull()
  })
})

describe('parseSecretsInput', () => {
  it('keeps prefixed names only', () => {
    const json = JSON.stringify({
      github_token: 'ghs_abc',
      META_TOKEN_ACME: TOKEN_A,
      meta_token_birch: `${TOKEN_B}\n`,
      OTHER_SECRET: 'value',
    })
    expect(parseSecretsInput(json, 'META_TOKEN_')).toEqual([
      { secret: 'META_TOKEN_ACME', token: TOKEN_A, trimmed: false },
      { secret: 'META_TOKEN_BIRCH', token: TOKEN_B, trimmed: true },
    ])
  })

  it('returns nothing for empty text', () => {
    expect(parseSecretsInput('  ', 'META_TOKEN_')).toEqual([])
  })

  const BAD: Array<[string, string, string]> = [
    ['invalid JSON', `{"META_TOKEN_A": "${TOKEN_A}"`, 'not valid JSON'],
    ['array', `["${TOKEN_A}"]`, 'got an array'],
    ['string', `"${TOKEN_A}"`, 'got a string'],
    ['null', 'null', 'got null'],
    ['number value', '{"META_TOKEN_A": 5}', 'must be a string, got a number'],
    ['object value', '{"OTHER": {"x": 1}}', '"OTHER" must be a string'],
    ['empty value', '{"META_TOKEN_A": ""}', 'META_TOKEN_A is empty'],
    [
      'undefined value',
      '{"META_TOKEN_A": "undefined"}',
      'the text "undefined"',
    ],
    [
      'names differ by case',
      `{"META_TOKEN_A": "${TOKEN_A}", "meta_token_a": "${TOKEN_B}"}`,
      'treats as one secret name',
    ],
    ['invalid name', `{"META_TOKEN_A-B": "${TOKEN_A}"}`, 'is invalid'],
  ]

  it.each(BAD)('rejects %s', (_, json, words) => {
    const error = errorOf(() => parseSecretsInput(json, 'META_TOKEN_'))
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toContain('`secrets`')
    expect(error.message).toContain(words)
    expect(leakedPiece(error.message, [TOKEN_A, TOKEN_B])).toBeNull()
  })
})

describe('displayNameFromSecret', () => {
  it.each([
    ['META_TOKEN_NORTHWIND_BIKES', 'META_TOKEN_', 'Northwind Bikes'],
    ['META_TOKEN_ACME', 'META_TOKEN_', 'Acme'],
    ['meta_token_acme_co_2', 'META_TOKEN_', 'Acme Co 2'],
    ['META_TOKEN__DOUBLE__UNDERSCORE', 'META_TOKEN_', 'Double Underscore'],
    ['CLIENT_ZETA', 'META_TOKEN_', 'Client Zeta'],
    ['FB_ZETA', 'FB_', 'Zeta'],
    ['META_TOKEN_', 'META_TOKEN_', 'META_TOKEN_'],
  ])('%s', (secret, prefix, expected) => {
    expect(displayNameFromSecret(secret, prefix)).toBe(expected)
  })
})

const CLIENTS_FILE = `# Clients of the agency
clients:
  META_TOKEN_NORTHWIND_BIKES:
    name: Northwind Bikes
    priority: high
    owner: "@octocat"
    note: Black Friday campaign running
    scope: environment:production
  META_TOKEN_OAK_OPTICS:
    priority: low
  meta_token_pine_pharmacy:
    ignore: true

  META_TOKEN_1984_RECORDS:
    name: 1984
  META_TOKEN_EMPTY:
`

describe('parseClientsFile', () => {
  it('hides a registered token written as a secret name', () => {
    const token = 'eaa00000000000000000000'
    registerSecret(token)
    const text = `clients:\n  ${token}:\n    prio: low\n`

    const error = errorOf(() => parseClientsFile(text, FILE))

    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toContain('unknown field "prio"')
    expect(error.message.toLowerCase()).not.toContain(token)
  })

  it('reads entries with their lines', () => {
    expect(parseClientsFile(CLIENTS_FILE, FILE)).toEqual([
      {
        secret: 'META_TOKEN_NORTHWIND_BIKES',
        name: 'Northwind Bikes',
        priority: 'high',
        owner: 'octocat',
        note: 'Black Friday campaign running',
        scope: { kind: 'environment', name: 'production' },
        ignore: false,
        line: 3,
      },
      {
        secret: 'META_TOKEN_OAK_OPTICS',
        priority: 'low',
        ignore: false,
        line: 9,
      },
      {
        secret: 'META_TOKEN_PINE_PHARMACY',
        priority: 'normal',
        ignore: true,
        line: 11,
      },
      {
        secret: 'META_TOKEN_1984_RECORDS',
        name: '1984',
        priority: 'normal',
        ignore: false,
        line: 14,
      },
      {
        secret: 'META_TOKEN_EMPTY',
        priority: 'normal',
        ignore: false,
        line: 16,
      },
    ])
  })

  it.each([
    ['empty file', ''],
    ['comments only', '# nothing yet\n'],
    ['empty clients', 'clients:\n'],
    ['empty map', 'clients: {}\n'],
  ])('reads %s as no entry', (_, text) => {
    expect(parseClientsFile(text, FILE)).toEqual([])
  })

  /** [case, text, expected `file:line`, expected words] */
  const BAD: Array<[string, string, string, string]> = [
    [
      'unknown field',
      'clients:\n  A:\n    name: x\n    prio: high\n',
      `${FILE}:4`,
      'unknown field "prio" in A',
    ],
    [
      'bad priority',
      'clients:\n  A:\n\n    priority: urgent\n',
      `${FILE}:4`,
      'field `priority` of A must be high, normal or low, got "urgent"',
    ],
    [
      'bad owner',
      'clients:\n  A:\n    owner: not a login\n',
      `${FILE}:3`,
      'field `owner`',
    ],
    [
      'owner too long',
      `clients:\n  A:\n    owner: ${'a'.repeat(40)}\n`,
      `${FILE}:3`,
      'GitHub login',
    ],
    [
      'owner list',
      'clients:\n  A:\n    owner: [a, b]\n',
      `${FILE}:3`,
      'got a list',
    ],
    [
      'bad scope',
      'clients:\n  A:\n    scope: env:prod\n',
      `${FILE}:3`,
      'field `scope`',
    ],
    [
      'ignore as text',
      'clients:\n  A:\n    ignore: maybe\n',
      `${FILE}:3`,
      'field `ignore` of A must be true or false',
    ],
    [
      'empty name',
      'clients:\n  A:\n    name: ""\n',
      `${FILE}:3`,
      'field `name`',
    ],
    [
      'invalid YAML',
      'clients:\n  A:\n    name: [x\n',
      `${FILE}:4`,
      'invalid YAML',
    ],
    ['tab indentation', 'clients:\n\tA: {}\n', `${FILE}:2`, 'invalid YAML'],
    [
      'duplicate key',
      'clients:\n  A: {}\n  A: {}\n',
      `${FILE}:3`,
      'A is listed twice (first on line 2',
    ],
    [
      'repeated field',
      'clients:\n  A:\n    name: One\n    name: Two\n',
      `${FILE}:4`,
      'key "name" of A appears twice (first on line 3)',
    ],
    [
      'repeated top-level key',
      'clients:\n  A: {}\nclients:\n  B: {}\n',
      `${FILE}:3`,
      'key "clients" of the file appears twice (first on line 1)',
    ],
    [
      'duplicate other case',
      'clients:\n  A_B: {}\n  a_b: {}\n',
      `${FILE}:3`,
      'first on line 2',
    ],
    [
      'invalid secret name',
      'clients:\n  A: {}\n  my-client: {}\n',
      `${FILE}:3`,
      'secret name "my-client" is invalid',
    ],
    [
      'GITHUB_ secret name',
      'clients:\n  GITHUB_X: {}\n',
      `${FILE}:2`,
      'is invalid',
    ],
    [
      'unknown top-level key',
      'clients: {}\nclient: {}\n',
      `${FILE}:2`,
      'unknown top-level key "client"',
    ],
    ['list at top', '- A\n- B\n', `${FILE}:1`, 'must be a map'],
    [
      'clients as list',
      'clients:\n  - A\n',
      `${FILE}:2`,
      '`clients` must be a map',
    ],
    [
      'entry as text',
      'clients:\n  A: high\n',
      `${FILE}:2`,
      'settings of A must be a map',
    ],
    [
      'two documents',
      'clients: {}\n---\nclients: {}\n',
      `${FILE}:2`,
      'invalid YAML',
    ],
  ]

  it.each(BAD)('rejects %s', (_, text, location, words) => {
    const error = errorOf(() => parseClientsFile(text, FILE))
    expect(error).toBeInstanceOf(InputError)
    expect(error.message.startsWith(`${location}:`)).toBe(true)
    expect(error.message).toContain(words)
    expect(error.message).not.toContain('\n')
  })

  it('stops an alias bomb', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'clients:',
      '  A:',
      '    note: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n')
    const error = errorOf(() => parseClientsFile(bomb, FILE))
    expect(error).toBeInstanceOf(InputError)
  })
})

describe('buildClients', () => {
  const entries = parseClientsFile(CLIENTS_FILE, FILE)

  it('joins tokens with the clients file', () => {
    const log = silentLog()
    const result = buildClients({
      tokens: parseTokensInput(
        `META_TOKEN_NORTHWIND_BIKES=${TOKEN_A}\nMETA_TOKEN_PINE_PHARMACY=${TOKEN_B}`,
      ),
      secrets: parseSecretsInput(
        JSON.stringify({ META_TOKEN_ZETA_ZOO: `${TOKEN_B}zz` }),
        'META_TOKEN_',
      ),
      entries,
      defaultScope: { kind: 'repository' },
      log,
    })
    expect(result.clients).toEqual([
      {
        secret: 'META_TOKEN_NORTHWIND_BIKES',
        name: 'Northwind Bikes',
        token: TOKEN_A,
        priority: 'high',
        owner: 'octocat',
        note: 'Black Friday campaign running',
        scope: { kind: 'environment', name: 'production' },
      },
      {
        secret: 'META_TOKEN_ZETA_ZOO',
        name: 'Zeta Zoo',
        token: `${TOKEN_B}zz`,
        priority: 'normal',
        owner: null,
        note: null,
        scope: { kind: 'repository' },
      },
    ])
    expect(result.ignored).toEqual(['META_TOKEN_PINE_PHARMACY'])
    expect(result.unmatched.map((entry) => entry.secret)).toEqual([
      'META_TOKEN_OAK_OPTICS',
      'META_TOKEN_1984_RECORDS',
      'META_TOKEN_EMPTY',
    ])
    expect(log.warnings).toEqual([])
  })

  it('warns about trimmed whitespace', () => {
    const log = silentLog()
    buildClients({
      tokens: parseTokensInput(`META_TOKEN_ACME=${TOKEN_A}  `),
      secrets: [],
      entries: [],
      defaultScope: { kind: 'organization' },
      log,
    })
    expect(log.warnings).toHaveLength(1)
    expect(log.warnings[0]).toContain('META_TOKEN_ACME')
    expect(log.warnings[0]).not.toContain(TOKEN_A)
  })

  it('uses the secret prefix for names', () => {
    const { clients } = buildClients({
      tokens: [{ secret: 'FB_ACME_ADS', token: TOKEN_A }],
      secrets: [],
      entries: [],
      defaultScope: { kind: 'repository' },
      log: silentLog(),
      secretPrefix: 'FB_',
    })
    expect(clients[0]?.name).toBe('Acme Ads')
  })

  it('counts a secret passed twice once', () => {
    const { clients } = buildClients({
      tokens: [{ secret: 'META_TOKEN_ACME', token: TOKEN_A }],
      secrets: [{ secret: 'META_TOKEN_ACME', token: TOKEN_A }],
      entries: [],
      defaultScope: { kind: 'repository' },
      log: silentLog(),
    })
    expect(clients).toHaveLength(1)
  })

  it('rejects one secret with two values', () => {
    const error = errorOf(() =>
      buildClients({
        tokens: [{ secret: 'META_TOKEN_ACME', token: TOKEN_A }],
        secrets: [{ secret: 'META_TOKEN_ACME', token: TOKEN_B }],
        entries: [],
        defaultScope: { kind: 'repository' },
        log: silentLog(),
      }),
    )
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toContain('META_TOKEN_ACME')
    expect(leakedPiece(error.message, [TOKEN_A, TOKEN_B])).toBeNull()
  })

  it('rejects no client at all', () => {
    const error = errorOf(() =>
      buildClients({
        tokens: [],
        secrets: [],
        entries: [],
        defaultScope: { kind: 'repository' },
        log: silentLog(),
      }),
    )
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toBe(
      'No client token found: pass `tokens` lines or `secrets` with names starting with META_TOKEN_.',
    )
  })

  it('rejects one token under two names', () => {
    const error = errorOf(() =>
      buildClients({
        tokens: [{ secret: 'META_TOKEN_ACME', token: TOKEN_A }],
        secrets: [{ secret: 'META_TOKEN_ACME_ADS', token: TOKEN_A }],
        entries: [],
        defaultScope: { kind: 'repository' },
        log: silentLog(),
      }),
    )
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toBe(
      'META_TOKEN_ACME and META_TOKEN_ACME_ADS contain the same token, so a refresh would exchange it twice. Pass the token under one secret name, or give each client its own token.',
    )
    expect(leakedPiece(error.message, [TOKEN_A])).toBeNull()
  })

  it('accepts a shared token that is ignored once', () => {
    const { clients, ignored } = buildClients({
      tokens: [
        { secret: 'META_TOKEN_ACME', token: TOKEN_A },
        { secret: 'META_TOKEN_ACME_OLD', token: TOKEN_A },
      ],
      secrets: [],
      entries: [
        {
          secret: 'META_TOKEN_ACME_OLD',
          priority: 'normal',
          ignore: true,
          line: 2,
        },
      ],
      defaultScope: { kind: 'repository' },
      log: silentLog(),
    })
    expect(clients.map((client) => client.secret)).toEqual(['META_TOKEN_ACME'])
    expect(ignored).toEqual(['META_TOKEN_ACME_OLD'])
  })

  it('keeps an ignored client out of unmatched', () => {
    const ignoredOnly: ClientEntry[] = [
      { secret: 'META_TOKEN_GONE', priority: 'normal', ignore: true, line: 2 },
    ]
    const result = buildClients({
      tokens: [{ secret: 'META_TOKEN_ACME', token: TOKEN_A }],
      secrets: [],
      entries: ignoredOnly,
      defaultScope: { kind: 'repository' },
      log: silentLog(),
    })
    expect(result.unmatched).toEqual([])
    expect(result.ignored).toEqual([])
  })
})

describe('readPassedTokens', () => {
  const readFile = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'mtk-tokens-')), 'tokens.txt')
    writeFileSync(path, text)
    return {
      path,
      read: () =>
        readPassedTokens({
          tokensText: '',
          tokensFile: path,
          secretsJson: '',
          secretPrefix: 'META_TOKEN_',
        }),
    }
  }

  it('reads the tokens of the file', () => {
    const file = readFile(`META_TOKEN_ACME=${TOKEN_A}\n`)
    expect(file.read().tokens).toEqual([
      { secret: 'META_TOKEN_ACME', token: TOKEN_A, line: 1, trimmed: false },
    ])
  })

  for (const [name, text] of [
    ['an empty file', ''],
    ['a file of comments', '# written by the vault step\n\n'],
  ] as const) {
    it(`names ${name} as the failed step`, () => {
      const file = readFile(text)
      const error = errorOf(file.read)
      expect(error).toBeInstanceOf(InputError)
      expect(error.message).toBe(
        `Input \`tokens-file\`: "${file.path}" has no SECRET_NAME=token line, so the earlier step that writes it probably failed. Check that step's log and re-run.`,
      )
    })
  }
})

// ---------------------------------------------------------------------------
// Properties: any text → a result or an InputError, and never a token in the
// message. Tokens are lower-case hex, so that the upper-case names generated
// next to them cannot contain a piece of one by chance.

const tokenArbitrary = fc
  .uint8Array({ minLength: 10, maxLength: 40 })
  .map((bytes) => `eaa${Buffer.from(bytes).toString('hex')}`)

const nameArbitrary = fc.stringMatching(/^[A-Z_]{1,24}$/)

const badNameArbitrary = fc.constantFrom(
  '1BAD',
  'GITHUB_X',
  'HAS-DASH',
  'has space',
  '',
)

function expectSafeFailure(action: () => unknown, secrets: string[]): void {
  try {
    action()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    const message = (error as Error).message
    expect(message).not.toContain('\n')
    expect(leakedPiece(message, secrets)).toBeNull()
  }
}

describe('parseTokensInput properties', () => {
  const lineArbitrary = fc.oneof(
    fc.tuple(nameArbitrary, tokenArbitrary).map(([name, token]) => ({
      text: `${name}=${token}`,
      secret: token,
    })),
    fc.tuple(badNameArbitrary, tokenArbitrary).map(([name, token]) => ({
      text: `${name}=${token}`,
      secret: token,
    })),
    tokenArbitrary.map((token) => ({ text: token, secret: token })),
    fc.tuple(nameArbitrary, tokenArbitrary).map(([name, token]) => ({
      text: `${name}=${token} \t`,
      secret: token,
    })),
    nameArbitrary.map((name) => ({ text: `${name}=`, secret: '' })),
    nameArbitrary.map((name) => ({ text: `${name}=undefined`, secret: '' })),
    fc.constantFrom('', '   ', '# comment').map((text) => ({
      text,
      secret: '',
    })),
    fc.string({ maxLength: 40 }).map((text) => ({ text, secret: '' })),
  )

  it('throws only InputError, never with a token', () => {
    fc.assert(
      fc.property(
        fc.array(lineArbitrary, { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        (lines, newline) => {
          clearSecretsForTesting()
          const text = lines.map((line) => line.text).join(newline)
          expectSafeFailure(
            () => parseTokensInput(text),
            lines.map((line) => line.secret),
          )
        },
      ),
      { numRuns: 500 },
    )
  })

  it('returns every valid line', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(nameArbitrary, tokenArbitrary), {
          selector: ([name]) => name,
          maxLength: 10,
        }),
        (pairs) => {
          const text = pairs
            .map(([name, token]) => `${name}=${token}`)
            .join('\n')
          const parsed = parseTokensInput(text)
          expect(parsed.map((item) => item.token)).toEqual(
            pairs.map(([, token]) => token),
          )
        },
      ),
    )
  })
})

describe('parseSecretsInput properties', () => {
  const valueArbitrary = fc.oneof(
    tokenArbitrary,
    fc.constantFrom('', 'undefined', 'null'),
    fc.integer(),
    fc.constant(null),
    fc.array(tokenArbitrary, { maxLength: 2 }),
  )
  const keyArbitrary = fc.oneof(
    nameArbitrary.map((name) => `META_TOKEN_${name}`),
    nameArbitrary.map((name) => `meta_token_${name.toLowerCase()}`),
    nameArbitrary,
    badNameArbitrary.map((name) => `META_TOKEN_${name}`),
    fc.constant('github_token'),
  )

  it('throws only InputError, never with a token', () => {
    fc.assert(
      fc.property(
        fc.dictionary(keyArbitrary, valueArbitrary, { maxKeys: 8 }),
        fc.nat(),
        fc.boolean(),
        (object, cut, truncate) => {
          clearSecretsForTesting()
          const json = JSON.stringify(object)
          const text = truncate ? json.slice(0, cut % (json.length + 1)) : json
          const secrets = Object.values(object).flatMap((value) =>
            typeof value === 'string'
              ? [value]
              : Array.isArray(value)
                ? value
                : [],
          )
          expectSafeFailure(
            () => parseSecretsInput(text, 'META_TOKEN_'),
            secrets,
          )
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('parseClientsFile properties', () => {
  const fieldArbitrary = fc.oneof(
    tokenArbitrary.map((token) => ({ text: `name: ${token}`, secret: token })),
    tokenArbitrary.map((token) => ({ text: `note: ${token}`, secret: token })),
    tokenArbitrary.map((token) => ({
      text: `priority: ${token}`,
      secret: token,
    })),
    tokenArbitrary.map((token) => ({ text: `owner: ${token}`, secret: token })),
    tokenArbitrary.map((token) => ({ text: `scope: ${token}`, secret: token })),
    tokenArbitrary.map((token) => ({
      text: `ignore: "${token}"`,
      secret: token,
    })),
    tokenArbitrary.map((token) => ({ text: `${token}: x`, secret: token })),
    fc
      .constantFrom(
        'priority: high',
        'owner: octocat',
        'ignore: true',
        'scope: organization',
        'prio: low',
      )
      .map((text) => ({ text, secret: '' })),
  )
  const entryArbitrary = fc.tuple(
    fc.oneof(nameArbitrary, badNameArbitrary, tokenArbitrary),
    fc.array(fieldArbitrary, { maxLength: 4 }),
  )
  const noiseArbitrary = fc.constantFrom(
    '',
    '# note',
    '  - item',
    'clients: [',
    '\tbad: tab',
    'other: 1',
    ': :',
    '---',
  )

  it('throws only InputError, never with a token', () => {
    fc.assert(
      fc.property(
        fc.array(entryArbitrary, { maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(), noiseArbitrary), { maxLength: 2 }),
        fc.boolean(),
        (entries, noise, register) => {
          clearSecretsForTesting()
          const lines = ['clients:']
          const secrets: string[] = []
          for (const [key, fields] of entries) {
            lines.push(`  ${key}:`)
            if (key.startsWith('eaa')) secrets.push(key)
            for (const field of fields) {
              lines.push(`    ${field.text}`)
              secrets.push(field.secret)
            }
          }
          for (const [at, line] of noise) {
            lines.splice(at % (lines.length + 1), 0, line)
          }
          // A clients-file message hides a token only once it is registered,
          // as parsing `tokens` does. An unregistered run checks that every
          // failure is still an InputError.
          if (register) for (const secret of secrets) registerSecret(secret)
          expectSafeFailure(
            () => parseClientsFile(lines.join('\n'), FILE),
            register ? secrets : [],
          )
        },
      ),
      { numRuns: 500 },
    )
  })
})
