/**
 * A value that ends in a Unicode space other than U+0020 and U+0009 (such
 * as U+00A0 or U+3000) is part of the scalar for the YAML parser, because
 * YAML 1.2 counts only space and tab as white space. The line reader must
 * keep that character too, so that both readers accept or reject the same
 * files.
 */
import { describe, expect, it } from 'vitest'
import { parseClientsDocument, parseClientsFile } from '../src/clients-file.ts'

const FILE = '.github/meta-clients.yml'

type Outcome = { entries: unknown } | { error: string }

function outcomeOf(parse: () => unknown): Outcome {
  try {
    return { entries: parse() }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

const CASES: Array<[label: string, field: string]> = [
  ['ignore before U+00A0', 'ignore: true\u00a0'],
  ['ignore before U+00A0 and a comment', 'ignore: true\u00a0 # offboarded'],
  ['empty ignore of U+00A0', 'ignore: \u00a0'],
  ['priority before U+3000', 'priority: high\u3000'],
  ['scope before U+2003', 'scope: repository\u2003'],
]

describe('line reader and Unicode spaces', () => {
  it.each(CASES)('%s matches the YAML parser', (_label, field) => {
    const text = `clients:\n  META_TOKEN_ACME:\n    ${field}\n`

    const yamlOutcome = outcomeOf(() => parseClientsDocument(text, FILE))
    const outcome = outcomeOf(() => parseClientsFile(text, FILE))

    // The YAML parser rejects each of these values.
    expect(yamlOutcome).toHaveProperty('error')
    expect(outcome).toEqual(yamlOutcome)
  })
})
