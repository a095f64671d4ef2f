import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  byExpiryThenPriority,
  byPriorityThenExpiry,
  escapeSentence,
  escapeText,
  formatCount,
  formatDate,
  isActNow,
  needsPerson,
  plural,
  statusLabel,
  tokenTypeLabel,
} from '../../src/report/format.ts'
import { makeReport } from './fixtures.ts'

describe('formatDate', () => {
  it.each([
    ['2026-12-20T23:30:00.000Z', '2026-12-20'],
    ['2026-12-20T23:30:00-05:00', '2026-12-21'],
    [new Date(Date.UTC(2027, 0, 2, 0, 0)), '2027-01-02'],
    ['not a date', 'unknown date'],
  ])('%s', (value, expected) => {
    expect(formatDate(value)).toBe(expected)
  })
})

describe('sorting', () => {
  const reports = [
    makeReport({
      secret: 'A',
      priority: 'low',
      expiresAt: '2026-01-01T00:00:00Z',
    }),
    makeReport({ secret: 'B', priority: 'high', expiresAt: null }),
    makeReport({
      secret: 'C',
      priority: 'high',
      expiresAt: '2027-01-01T00:00:00Z',
    }),
    makeReport({
      secret: 'D',
      priority: 'normal',
      expiresAt: '2026-06-01T00:00:00Z',
    }),
    makeReport({
      secret: 'E',
      priority: 'high',
      expiresAt: '2027-01-01T00:00:00Z',
    }),
  ]

  it('sorts by priority then expiry', () => {
    const order = [...reports].sort(byPriorityThenExpiry).map((r) => r.secret)
    expect(order).toEqual(['C', 'E', 'B', 'D', 'A'])
  })

  it('sorts by expiry then priority', () => {
    const order = [...reports].sort(byExpiryThenPriority).map((r) => r.secret)
    expect(order).toEqual(['A', 'D', 'C', 'E', 'B'])
  })
})

describe('labels', () => {
  it('names statuses soberly', () => {
    expect(statusLabel('expired')).toBe('Expired')
    expect(statusLabel('invalid')).toBe('Invalid')
    expect(statusLabel('error')).toBe('Not checked')
  })

  it('names token types', () => {
    expect(tokenTypeLabel('SYSTEM_USER')).toBe('System User')
    expect(tokenTypeLabel('USER')).toBe('User')
  })

  it('pluralizes', () => {
    expect(plural(1, 'day')).toBe('1 day')
    expect(plural(2000, 'client')).toBe('2,000 clients')
  })

  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [12345, '12,345'],
    [1234567, '1,234,567'],
    [-4500, '-4,500'],
  ])('formats %d with separators', (count, expected) => {
    expect(formatCount(count)).toBe(expected)
    expect(formatCount(count)).toBe(count.toLocaleString('en-US'))
  })
})

describe('needsPerson', () => {
  it.each([
    ['expired', makeReport({ status: 'expired' }), true, true],
    ['error', makeReport({ status: 'error' }), true, true],
    ['expiring', makeReport({ status: 'expiring' }), false, true],
    ['migration', makeReport({ needsMigration: true }), false, true],
    ['healthy', makeReport(), false, false],
    ['refreshed', makeReport({ status: 'refreshed' }), false, false],
  ])('%s', (_, report, actNow, person) => {
    expect(isActNow(report)).toBe(actNow)
    expect(needsPerson(report)).toBe(person)
  })
})

describe('escaping', () => {
  it('escapes names fully', () => {
    expect(escapeText('a_b *c* [d](e) <f> |g|\nh')).toBe(
      'a\\_b \\*c\\* \\[d\\](e) &lt;f\\> \\|g\\| h',
    )
  })

  it('keeps code spans in sentences', () => {
    expect(escapeSentence('Set `github-token` | <now>\r\nplease')).toBe(
      'Set `github-token` \\| &lt;now> please',
    )
  })

  // The escaping without the shortcut for text that needs none.
  const collapse = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
  const fullText = (text: string) =>
    collapse(text)
      .replace(/[\\`*_[\]|~>#]/g, (char) => `\\${char}`)
      .replace(/</g, '&lt;')
  const fullSentence = (text: string) =>
    collapse(text).replace(/\|/g, '\\|').replace(/</g, '&lt;')
  const textArbitrary = fc.string({
    unit: fc.constantFrom(
      'a',
      'Z',
      '1',
      ' ',
      '\t',
      '\n',
      '\r',
      '\u00a0',
      '\u2028',
      '\\',
      '`',
      '*',
      '_',
      '[',
      ']',
      '|',
      '~',
      '>',
      '#',
      '<',
      '&',
      'é',
    ),
    maxLength: 12,
  })

  it('matches the full escaping on any text', () => {
    fc.assert(
      fc.property(textArbitrary, (text) => {
        expect(escapeText(text)).toBe(fullText(text))
        expect(escapeSentence(text)).toBe(fullSentence(text))
      }),
      { numRuns: 2000 },
    )
  })
})
