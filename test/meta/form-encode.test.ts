import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formEncode } from '../../src/meta/transport.ts'

describe('formEncode', () => {
  it('round-trips through a form decoder', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 })
    fc.assert(
      fc.property(fc.dictionary(text, text), (params) => {
        const decoded = Object.fromEntries(
          new URLSearchParams(formEncode(params)),
        )
        expect(decoded).toEqual(params)
      }),
      { numRuns: 500 },
    )
  })

  it('escapes form delimiters in a batch', () => {
    const batch = JSON.stringify([
      { method: 'GET', relative_url: 'debug_token?input_token=EAAB+x/y=' },
    ])
    const body = formEncode({ batch, include_headers: 'false' })

    expect(body).toMatch(/^batch=[^&=+ ]+&include_headers=false$/)
  })
})
