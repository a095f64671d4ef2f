/**
 * Transient failures the simulated Graph API can inject, as Meta sends them:
 * bare 5xx, temporary codes 1 and 2 with `is_transient`, throttling codes 4,
 * 17, 613 and 80000, a dropped connection and a reply slow past any
 * client timeout. Batch items fail on their own with code 500 or `null`.
 */
import type { MetaErrorSpec } from './meta-errors.ts'

export const META_FAULT_KINDS = [
  'http500',
  'http503',
  'code1',
  'code2',
  'code4',
  'code17',
  'code613',
  'code80000',
  'drop',
  'hang',
] as const

export const META_ITEM_FAULT_KINDS = ['item500', 'itemNull'] as const

/** Returns the error a fault kind sends, or null for kinds that send no Graph error body. */
export function faultError(kind: string): MetaErrorSpec | null {
  switch (kind) {
    case 'code1':
      return {
        status: 500,
        code: 1,
        isTransient: true,
        message: 'An unknown error occurred',
      }
    case 'code2':
      return {
        status: 503,
        code: 2,
        isTransient: true,
        message:
          'An unexpected error has occurred. Please retry your request later.',
      }
    case 'code4':
      return {
        status: 400,
        code: 4,
        isTransient: true,
        message: '(#4) Application request limit reached',
      }
    case 'code17':
      return {
        status: 400,
        code: 17,
        isTransient: true,
        message: '(#17) User request limit reached',
      }
    case 'code613':
      return {
        status: 400,
        code: 613,
        message: '(#613) Calls to this api have exceeded the rate limit.',
      }
    case 'code80000':
      return {
        status: 400,
        code: 80000,
        subcode: 2446079,
        isTransient: true,
        message:
          'There have been too many calls from this ad-account. Wait a bit and try again.',
      }
    default:
      return null
  }
}

/** The body of a failed batch item: code 500 and an error body, as a JSON string. */
export const ITEM_500_BODY = JSON.stringify({
  error: {
    message:
      'An unexpected error has occurred. Please retry your request later.',
    type: 'OAuthException',
    code: 2,
    is_transient: true,
  },
})
