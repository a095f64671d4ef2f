import { describe, expect, it } from 'vitest'
import {
  backoffDelay,
  parseAppUsage,
  parseBusinessUseCaseUsage,
  readRateUsage,
  SLOWDOWN_MAX_MS,
  THROTTLED_WAIT_MS,
  usageDelay,
} from '../../src/meta/pacing.ts'

const almostOne = () => 0.999999

describe('backoffDelay', () => {
  it('is 0 for a random draw of 0', () => {
    expect(backoffDelay(3, () => 0)).toBe(0)
  })

  it.each([
    { retry: 1, ceiling: 500 },
    { retry: 2, ceiling: 1000 },
    { retry: 3, ceiling: 2000 },
    { retry: 6, ceiling: 16_000 },
    { retry: 7, ceiling: 30_000 },
    { retry: 20, ceiling: 30_000 },
  ])('stays under $ceiling ms at retry $retry', ({ retry, ceiling }) => {
    const delay = backoffDelay(retry, almostOne)
    expect(delay).toBeLessThan(ceiling)
    expect(delay).toBeGreaterThanOrEqual(ceiling - 1)
  })

  it('scales with the random draw', () => {
    expect(backoffDelay(2, () => 0.5)).toBe(500)
  })

  it('takes custom base and cap', () => {
    expect(backoffDelay(4, almostOne, { baseMs: 10, capMs: 50 })).toBe(49)
  })
})

describe('parseAppUsage', () => {
  it('takes the highest of the three percentages', () => {
    const usage = parseAppUsage(
      '{"call_count":12,"total_cputime":80,"total_time":40}',
    )
    expect(usage).toEqual({ percent: 80, regainMs: null })
  })

  it.each([null, '', 'not json', '[1,2]'])('returns null for %j', (header) => {
    expect(parseAppUsage(header)).toBeNull()
  })
})

describe('parseBusinessUseCaseUsage', () => {
  it('takes the maximum over every object', () => {
    const header = JSON.stringify({
      '1111': [
        {
          type: 'ads_management',
          call_count: 20,
          total_cputime: 10,
          total_time: 30,
          estimated_time_to_regain_access: 0,
        },
      ],
      '2222': [
        {
          type: 'ads_insights',
          call_count: 96,
          total_cputime: 10,
          total_time: 5,
          estimated_time_to_regain_access: 3,
        },
        { type: 'pages', call_count: 100, estimated_time_to_regain_access: 1 },
      ],
    })
    expect(parseBusinessUseCaseUsage(header)).toEqual({
      percent: 100,
      regainMs: 180_000,
    })
  })

  it('gives no regain time when every estimate is 0', () => {
    const header =
      '{"1":[{"call_count":5,"estimated_time_to_regain_access":0}]}'
    expect(parseBusinessUseCaseUsage(header)?.regainMs).toBeNull()
  })

  it.each([null, '{}', 'oops', '{"1":"x"}'])(
    'returns null for %j',
    (header) => {
      expect(parseBusinessUseCaseUsage(header)).toBeNull()
    },
  )
})

describe('readRateUsage', () => {
  it('combines both headers', () => {
    const headers = new Headers({
      'x-app-usage': '{"call_count":90}',
      'x-business-use-case-usage':
        '{"1":[{"call_count":50,"estimated_time_to_regain_access":2}]}',
    })
    expect(readRateUsage(headers)).toEqual({ percent: 90, regainMs: 120_000 })
  })

  it('returns null without usage headers', () => {
    expect(readRateUsage(new Headers())).toBeNull()
  })
})

describe('usageDelay', () => {
  it.each([
    { percent: 0, delay: 0 },
    { percent: 74, delay: 0 },
    { percent: 75, delay: 0 },
    { percent: 87.5, delay: SLOWDOWN_MAX_MS / 2 },
    { percent: 99, delay: Math.round((24 / 25) * SLOWDOWN_MAX_MS) },
    { percent: 100, delay: THROTTLED_WAIT_MS },
  ])('waits $delay ms at $percent %', ({ percent, delay }) => {
    expect(usageDelay({ percent, regainMs: null })).toBe(delay)
  })

  it('waits the regain time at 100 %', () => {
    expect(usageDelay({ percent: 100, regainMs: 240_000 })).toBe(240_000)
  })

  it('waits nothing without usage', () => {
    expect(usageDelay(null)).toBe(0)
  })
})
