import { describe, expect, it } from 'vitest'
import { findLeaks } from './leaks.ts'

const SECRET = 'EAAB3xq9Tt0kLm2ZpQr7Vw8Yy1Nn4Ss6Hh'

describe('findLeaks', () => {
  it('finds a whole secret', () => {
    const leaks = findLeaks({ stdout: `token=${SECRET}\n` }, [SECRET])
    expect(leaks.length).toBeGreaterThan(0)
    expect(leaks[0]).toMatchObject({ channel: 'stdout', secretIndex: 0 })
  })

  it('finds a 16-character piece', () => {
    const piece = SECRET.slice(7, 23)
    expect(findLeaks({ issue: `…${piece}…` }, [SECRET])).toHaveLength(1)
  })

  it('ignores a 15-character piece', () => {
    const piece = SECRET.slice(7, 22)
    expect(findLeaks({ issue: `…${piece}…` }, [SECRET])).toEqual([])
  })

  it('ignores masked text', () => {
    expect(findLeaks({ stdout: 'token=***' }, [SECRET])).toEqual([])
  })
})
