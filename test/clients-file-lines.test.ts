import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { parseClientsDocument, parseClientsFile } from '../src/clients-file.ts'
import { readClientsFileLines } from '../src/clients-file-lines.ts'

const FILE = '.github/meta-clients.yml'

type Outcome = { entries: unknown } | { error: string }

function outcomeOf(parse: () => unknown): Outcome {
  try {
    return { entries: parse() }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

describe('readClientsFileLines', () => {
  it('reads the common layout', () => {
    const text = [
      '# Clients of the agency',
      'clients:  # one key per secret',
      '  META_TOKEN_ACME:',
      '    name: Acme Café # the shop',
      "    note: 'Renewal: ask Dana'",
      '    owner: "@octocat"',
      '    ignore: True',
      '',
      '      # a comment anywhere',
      '  meta_token_birch:',
      '      scope: environment:production',
      '      priority:',
      '  META_TOKEN_EMPTY:',
    ].join('\r\n')

    expect(readClientsFileLines(text)).toEqual([
      {
        key: 'META_TOKEN_ACME',
        line: 3,
        fields: {
          name: 'Acme Café',
          note: 'Renewal: ask Dana',
          owner: '@octocat',
          ignore: true,
        },
      },
      {
        key: 'meta_token_birch',
        line: 10,
        fields: { scope: 'environment:production', priority: null },
      },
      { key: 'META_TOKEN_EMPTY', line: 13, fields: null },
    ])
  })

  it.each([
    ['an empty file', ''],
    ['comments only', '# nothing yet\n'],
    ['an empty clients key', 'clients:\n'],
  ])('reads %s as no entry', (_, text) => {
    expect(readClientsFileLines(text)).toEqual([])
  })

  it.each([
    ['a number', 'clients:\n  A:\n    name: 1984\n'],
    ['an anchor', 'clients:\n  A:\n    note: &n x\n'],
    ['a flow map', 'clients:\n  A: {}\n'],
    ['a flow list', 'clients:\n  A:\n    owner: [a, b]\n'],
    ['a block scalar', 'clients:\n  A:\n    note: |\n      x\n'],
    ['a continued scalar', 'clients:\n  A:\n    note: one\n      two\n'],
    ['an escape', 'clients:\n  A:\n    note: "a\\tb"\n'],
    ['a doubled quote', "clients:\n  A:\n    note: 'it''s'\n"],
    ['a nested map', 'clients:\n  A:\n    note: a: b\n'],
    ['a tab', 'clients:\n\tA:\n'],
    ['a lone carriage return', 'clients:\r  A:\n'],
    ['a byte order mark', '\ufeffclients:\n  A:\n'],
    ['uneven fields', 'clients:\n  A:\n    name: x\n     note: y\n'],
    ['a field at entry depth', 'clients:\n  A:\n  name: x\n'],
    ['a repeated field', 'clients:\n  A:\n    name: x\n    name: y\n'],
    ['a repeated top key', 'clients:\nclients:\n'],
    ['another top key', 'clients:\nother:\n'],
    ['a document marker', '---\nclients:\n'],
    ['a key resolved to null', 'clients:\n  Null:\n'],
    ['a quoted key', 'clients:\n  "A":\n'],
    ['a secret name with a dash', 'clients:\n  my-client:\n'],
    ['an entry before clients', '  A:\nclients:\n'],
  ])('leaves %s to the YAML parser', (_, text) => {
    expect(readClientsFileLines(text)).toBeNull()
  })

  it('reads a file the yaml package wrote', () => {
    const clients: Record<string, object> = {}
    for (let index = 0; index < 200; index++) {
      const number = String(index).padStart(4, '0')
      clients[`META_TOKEN_CLIENT_${number}`] = {
        name: `Client ${number}`,
        priority: ['high', 'normal', 'low'][index % 3],
        owner: 'dana-ops',
        ...(index % 7 === 0 && { note: 'Renewal: call first' }),
      }
    }
    const text = stringify({ clients })

    expect(readClientsFileLines(text)).toHaveLength(200)
    expect(parseClientsFile(text, FILE)).toEqual(
      parseClientsDocument(text, FILE),
    )
  })
})

describe('parseClientsFile with the line reader', () => {
  const keyArbitrary = fc.constantFrom(
    'META_A',
    'meta_b',
    'META_A',
    '_C',
    'true',
    'Null',
    'GITHUB_X',
    '1A',
    'my-client',
    'EAAGm0PX4ZCpsBAKZC7xvYqZBwZAhZBZCfRZAZDZD01',
  )
  const fieldNameArbitrary = fc.constantFrom(
    'name',
    'note',
    'priority',
    'owner',
    'scope',
    'ignore',
    'prio',
  )
  const wordArbitrary = fc.constantFrom(
    'high',
    'normal',
    'low',
    'octocat',
    '@octocat',
    'organization',
    'repository',
    'environment:prod',
    'environment: prod',
    'true',
    'True',
    'FALSE',
    'yes',
    'null',
    '~',
    '0x1F',
    '1e3',
    '.inf',
    'Café',
    'a # b',
    'a#b',
    'x:',
    '[a]',
    '*a',
    '"q"',
    "'q'",
    '"a\\"b"',
    "'it''s'",
    '',
    ' ',
  )
  const valueArbitrary = fc.oneof(
    wordArbitrary,
    fc
      .array(
        fc.constantFrom('a', 'Z', '_', ' ', '#', ':', '"', "'", '1', '-', 'é'),
        { maxLength: 8 },
      )
      .map((characters) => characters.join('')),
  )
  /** Fields that are valid or nearly so, so that many whole files are valid. */
  const likelyFieldArbitrary = fc.constantFrom(
    'name: Acme # the shop',
    'name: Acme: Inc',
    'name: 1e3',
    'name: 0x1F',
    'name: .inf',
    'name: a#b',
    'name: ~',
    'note: Renewal in May',
    "note: 'Renewal: ask'",
    'note: ""',
    'priority: high',
    'priority: "low"',
    'priority: Normal',
    'owner: octocat',
    'owner: "@octocat"',
    'owner: 1234',
    'scope: environment:prod',
    'scope: environment: prod',
    'scope: organization',
    'ignore: true',
    'ignore: True',
    'ignore: FALSE',
    'ignore: yes',
    'ignore: "true"',
    'ignore:',
  )
  const fieldArbitrary = fc
    .tuple(
      fc.oneof(
        { weight: 3, arbitrary: likelyFieldArbitrary },
        fc
          .tuple(fieldNameArbitrary, valueArbitrary)
          .map(([name, value]) => `${name}: ${value}`),
      ),
      fc.constantFrom(0, 0, 0, 0, -1, 1),
    )
    .map(([text, shift]) => ({ text, shift }))
  const entryArbitrary = fc.tuple(
    keyArbitrary,
    fc.array(fieldArbitrary, { maxLength: 3 }),
  )
  const noiseArbitrary = fc.constantFrom(
    '',
    '   ',
    '# note',
    '      # deep note',
    'other: 1',
    '---',
    '  - item',
    '\tbad: tab',
  )

  function buildFile(
    entries: Array<[string, Array<{ text: string; shift: number }>]>,
    noise: Array<[number, string]>,
    indent: number,
    newline: string,
  ): string {
    const lines = ['clients:']
    for (const [key, fields] of entries) {
      lines.push(`${' '.repeat(indent)}${key}:`)
      for (const field of fields) {
        // A shift of 0 keeps the fields of an entry aligned.
        const depth = indent * 2 + (field.shift === 0 ? 0 : field.shift)
        lines.push(`${' '.repeat(Math.max(depth, 0))}${field.text}`)
      }
    }
    for (const [at, line] of noise) {
      lines.splice(at % (lines.length + 1), 0, line)
    }
    return lines.join(newline)
  }

  it('returns what the YAML parser returns', () => {
    let readByLines = 0
    fc.assert(
      fc.property(
        fc.array(entryArbitrary, { maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), noiseArbitrary), { maxLength: 2 }),
        fc.constantFrom(1, 2, 4),
        fc.constantFrom('\n', '\r\n'),
        (entries, noise, indent, newline) => {
          const text = buildFile(entries, noise, indent, newline)
          const outcome = outcomeOf(() => parseClientsFile(text, FILE))
          if (readClientsFileLines(text) && 'entries' in outcome) readByLines++
          expect(outcome).toEqual(
            outcomeOf(() => parseClientsDocument(text, FILE)),
          )
        },
      ),
      { numRuns: 1500 },
    )
    // The comparison means something only for files the line reader read.
    expect(readByLines).toBeGreaterThan(100)
  })
})
