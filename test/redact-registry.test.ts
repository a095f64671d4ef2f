import { afterEach, describe, expect, it } from 'vitest'
import {
  clearSecretsForTesting,
  redact,
  registerSecret,
} from '../src/redact.ts'

afterEach(() => clearSecretsForTesting())

describe('redact with registered secrets', () => {
  it('hides every occurrence of each secret', () => {
    registerSecret('alpha-secret-1')
    registerSecret('beta-secret-22')
    expect(redact('a alpha-secret-1 b beta-secret-22 c alpha-secret-1 d')).toBe(
      'a *** b *** c *** d',
    )
  })

  it('hides overlapping secrets together, leaving no piece of either', () => {
    registerSecret('abcdefgh1234')
    registerSecret('1234wxyz5678')
    expect(redact('<abcdefgh1234wxyz5678>')).toBe('<***>')
  })

  it('prefers the longest secret that starts at a position', () => {
    registerSecret('prefix-00')
    registerSecret('prefix-00-and-more')
    expect(redact('[prefix-00-and-more]')).toBe('[***]')
  })

  it('finds each of thousands of registered secrets', () => {
    const tokens = Array.from(
      { length: 5000 },
      (_, index) => `tok${String(index).padStart(5, '0')}suffix`,
    )
    for (const token of tokens) registerSecret(token)
    const line = `first ${tokens[0]} middle ${tokens[2500]} last ${tokens[4999]}`
    expect(redact(line)).toBe('first *** middle *** last ***')
    for (const token of tokens.slice(0, 50)) {
      expect(redact(`x${token}x`)).toBe('x***x')
    }
  })

  it('leaves text without a secret as it is', () => {
    registerSecret('some-secret-value')
    expect(redact('nothing to hide here')).toBe('nothing to hide here')
  })
})

describe('redact in any letter case', () => {
  it('hides an upper-cased secret', () => {
    registerSecret('eaa0f3c9d2b1a8e7')
    expect(redact('key EAA0F3C9D2B1A8E7 is invalid')).toBe('key *** is invalid')
  })

  it('hides a mixed-case secret written in lower case', () => {
    registerSecret('EaA0f3C9d2B1a8E7')
    expect(redact('key eaa0f3c9d2b1a8e7 is invalid')).toBe('key *** is invalid')
  })

  it('hides a mixed-case secret written in upper case', () => {
    registerSecret('EaA0f3C9d2B1a8E7')
    expect(redact('key EAA0F3C9D2B1A8E7 is invalid')).toBe('key *** is invalid')
  })

  it('hides a secret with non-ASCII letters as registered', () => {
    // Matching ignores the case of ASCII letters only, so the text here
    // spells each secret exactly as registered.
    registerSecret('ÉTÉ-token-Ünï-42')
    registerSecret('abcdefgh-İstanbul')
    expect(redact('a ÉTÉ-token-Ünï-42 b')).toBe('a *** b')
    expect(redact('a abcdefgh-İstanbul b')).toBe('a *** b')
  })
})
