/**
 * Transient failures the simulated Graph API can inject, as Meta sends them:
 * bare 5xx, temporary codes 1 and 2 with `is_transient`, throttling codes 4,
 * 17, 32, 341, 613, 80000 and 80004, an error whose only sign of being
 * temporary is `is_transient`, a dropped connection and a reply slow past
 * any client timeout. Batch items fail on their own with code 500, `null`
 * (a partial timeout) or any of the Graph errors.
 */
import type { MetaErrorSpec } from './meta-errors.ts'

export const META_FAULT_KINDS = [
  'http500',
  'http503',
  'code1',
  'code2',
  'code4',
  'code17',
  'code32',
  'code341',
  'code613',
  'code80000',
  'code80004',
  'transientFlag',
  'drop',
  'hang',
] as const

/** Kinds that send a Graph error body, so a batch item can fail with them too. */
const GRAPH_ERROR_KINDS = META_FAULT_KINDS.filter(
  (kind) => faultError(kind) !== null,
)

export const META_ITEM_FAULT_KINDS = [
  'item500',
  'itemNull',
  ...GRAPH_ERROR_KINDS,
] as const

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
    case 'code32':
      return {
        status: 400,
        code: 32,
        message: '(#32) Page request limit reached',
      }
    case 'code341':
      return {
        status: 400,
        code: 341,
        message: '(#341) Application limit reached',
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
    case 'code80004':
      return {
        status: 400,
        code: 80004,
        subcode: 2446079,
        isTransient: true,
        message:
          'There have been too many calls to this ad-account. Wait a bit and try again.',
      }
    case 'transientFlag':
      // NOTE: Meta documents no code whose only sign of being temporary is
      // `is_transient`. Code 100 (invalid parameter) with the flag is the
      // simulator's own, so a test can check that a client honours the flag.
      return {
        status: 400,
        code: 100,
        isTransient: true,
        message: 'An unexpected error has occurred. Please retry your request.',
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
