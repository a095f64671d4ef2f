import fc from 'fast-check'
import { parseEnv } from 'node:util'
import { describe, expect, it } from 'vitest'
import { linesWithoutEquals } from '../src/env-file-lines.ts'

describe('linesWithoutEquals', () => {
  it('finds a line without =', () => {
    expect(linesWithoutEquals('A=1\nthis is not env\nB=2\n')).toEqual([2])
  })

  it('skips blanks and comments', () => {
    expect(linesWithoutEquals('# app\n\n  \n  # indented\nA=1\n')).toEqual([])
  })

  it('skips the lines of a quoted value', () => {
    const text = 'A="first\nsecond line\nthird"\nB=\'x\ny\'\nC=`p\nq`\nstray\n'
    expect(parseEnv(text)).toEqual({
      A: 'first\nsecond line\nthird',
      B: 'x\ny',
      C: 'p\nq',
    })
    expect(linesWithoutEquals(text)).toEqual([8])
  })

  it('counts lines after an unclosed quote', () => {
    expect(linesWithoutEquals('A="open\nstray\nB=1')).toEqual([2])
  })

  it('skips the value line of NAME= with a space', () => {
    const text = 'A= \nvalue\nstray'
    expect(parseEnv(text)).toEqual({ A: 'value' })
    expect(linesWithoutEquals(text)).toEqual([3])
  })

  it('reads CRLF line ends', () => {
    expect(linesWithoutEquals('A=1\r\nstray\r\nB=2\r\n')).toEqual([2])
  })
})

describe('linesWithoutEquals against parseEnv', () => {
  const text = (alphabet: string[]) =>
    fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 6 })
  const line = fc.oneof(
    text(['A', 'b', ' ', '"', "'", '`']),
    fc
      .tuple(
        fc.constantFrom('A', 'B_1', 'export C', ' D'),
        text(['A', '=', '"', "'", '`', '#', ' ', '\t']),
      )
      .map(([name, value]) => `${name}=${value}`),
    text(['x', '=', '"', ' ']).map((comment) => `#${comment}`),
    fc.constantFrom('', ' ', '\t'),
  )

  /** True when parseEnv reads `ZZ=1` put in place of line `index`, so that line starts an entry. */
  const startsEntry = (lines: string[], index: number) => {
    const replaced = lines.with(index, 'ZZ=1')
    return 'ZZ' in parseEnv(replaced.join('\n'))
  }

  it('reports only lines where parseEnv starts an entry', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        for (const number of linesWithoutEquals(lines.join('\n'))) {
          expect(startsEntry(lines, number - 1), String(number)).toBe(true)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('reports each line where parseEnv skips plain text', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const reported = linesWithoutEquals(lines.join('\n'))
        lines.forEach((content, index) => {
          const plain =
            content.trim() !== '' &&
            !content.trim().startsWith('#') &&
            !/[="'`]/.test(content)
          if (plain && startsEntry(lines, index)) {
            expect(reported, String(index + 1)).toContain(index + 1)
          }
        })
      }),
      { numRuns: 2000 },
    )
  })
})
