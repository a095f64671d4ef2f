import { describe, expect, it } from 'vitest'
import { isRecheckTicked } from '../../src/github/checklist.ts'
import { keepTickedBoxes } from '../../src/github/tracking-issue.ts'

const NEXT = [
  '## Clients',
  '- [ ] Acme: renew the token <!-- item:acme -->',
  '- [ ] Globex: move to a System User <!-- item:globex -->',
  '- [ ] Re-check now <!-- item:recheck -->',
].join('\n')

describe('keepTickedBoxes', () => {
  it('keeps a box a person ticked', () => {
    const previous = [
      '- [x] Acme: renew the token (old wording) <!-- item:acme -->',
      '- [ ] Globex: move to a System User <!-- item:globex -->',
    ].join('\n')

    const result = keepTickedBoxes(previous, NEXT)

    expect(result.split('\n')).toEqual([
      '## Clients',
      '- [x] Acme: renew the token <!-- item:acme -->',
      '- [ ] Globex: move to a System User <!-- item:globex -->',
      '- [ ] Re-check now <!-- item:recheck -->',
    ])
  })

  it('unticks the recheck box', () => {
    const previous = '- [x] Re-check now <!-- item:recheck -->'

    expect(keepTickedBoxes(previous, NEXT)).toBe(NEXT)
  })

  it('ignores keys missing from the next body', () => {
    const previous = '- [x] Initech: renew <!-- item:initech -->'

    expect(keepTickedBoxes(previous, NEXT)).toBe(NEXT)
  })

  it('reads CRLF bodies and other bullets', () => {
    const previous = [
      '* [X] Acme <!-- item:acme -->',
      '  + [x] Globex <!-- item:globex -->',
      '',
    ].join('\r\n')

    const result = keepTickedBoxes(previous, NEXT)

    expect(result).toContain('- [x] Acme: renew the token <!-- item:acme -->')
    expect(result).toContain(
      '- [x] Globex: move to a System User <!-- item:globex -->',
    )
    expect(result).toContain('- [ ] Re-check now <!-- item:recheck -->')
  })

  it('does not tick lines without a box', () => {
    const previous = '- [x] Acme <!-- item:acme -->'
    const next =
      'Acme is fine now <!-- item:acme -->\n- [ ] Other <!-- item:other -->'

    expect(keepTickedBoxes(previous, next)).toBe(next)
  })

  it('matches whole keys only', () => {
    const previous = '- [x] Acme <!-- item:acme -->'
    const next = '- [ ] Acme EU <!-- item:acme-eu -->'

    expect(keepTickedBoxes(previous, next)).toBe(next)
  })
})

describe('isRecheckTicked', () => {
  it.each([
    ['- [x] Re-check now <!-- item:recheck -->', true],
    ['- [X] Re-check now <!-- item:recheck -->\r', true],
    ['- [ ] Re-check now <!-- item:recheck -->', false],
    ['- [x] Acme <!-- item:migrate:recheck -->', false],
    ['Re-check now <!-- item:recheck -->', false],
  ])('%s', (body, expected) => {
    expect(isRecheckTicked(body)).toBe(expected)
  })
})
