/**
 * `describeError` is the one place where errors from fetch, Octokit and the
 * Graph API become text. These cases feed it what such errors carry: URLs
 * with query strings or user info, request bodies, headers and token-shaped
 * strings, registered or not.
 */
import fc from 'fast-check'
import { RequestError } from 'octokit'
import { afterEach, describe, expect, it } from 'vitest'
import {
  clearSecretsForTesting,
  describeError,
  looksLikeCredential,
  redact,
  registerSecret,
} from '../src/redact.ts'

const META_TOKEN =
  'EAAGm0PX4ZCpsBAKZC7xvYqZBwZAhZBZCfRZAZDZD0123456789abcdefGHIJKLmnop'
const NEW_META_TOKEN =
  'EAAGm0PX4ZCpsBAJ8gS9QYZAQZDZD9876543210fedcbaZYXWVutsrqPONM'
const APP_ID = '1234567890123456'
const APP_SECRET = '0a1b2c3d4e5f60718293a4b5c6d7e8f9'
const PROOF = 'a3f1c2e4b5d6a7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70'
const WRITER_TOKEN = 'ghp_R2d2C3poBb8Yoda9Luke7Leia5Han1Chewie'
const INSTALLATION_TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a'
const SECRETS = [
  META_TOKEN,
  NEW_META_TOKEN,
  APP_SECRET,
  PROOF,
  WRITER_TOKEN,
  INSTALLATION_TOKEN,
]

/** Returns the first 16-character piece of a secret that `text` contains, or null. */
function leakedPiece(text: string, secrets: readonly string[] = SECRETS) {
  for (const secret of secrets) {
    for (let at = 0; at + 16 <= secret.length; at++) {
      const piece = secret.slice(at, at + 16)
      if (text.includes(piece)) return piece
    }
  }
  return null
}

afterEach(() => clearSecretsForTesting())

describe('describeError', () => {
  const cases: Array<[string, unknown]> = [
    [
      'fetch URL with the tokens in the query',
      new TypeError(
        `Failed to parse URL from https://graph.facebook.com/v27.0/debug_token?input_token=${META_TOKEN}&access_token=${APP_ID}|${APP_SECRET}`,
      ),
    ],
    [
      'URL-encoded app access token',
      new Error(
        `GET /v27.0/debug_token?input_token=${META_TOKEN}&access_token=${APP_ID}%7C${APP_SECRET}&appsecret_proof=${PROOF} failed`,
      ),
    ],
    [
      'form body of an exchange',
      new Error(
        `request body: grant_type=fb_exchange_token&client_id=${APP_ID}&client_secret=${APP_SECRET}&fb_exchange_token=${META_TOKEN}`,
      ),
    ],
    [
      'JSON body of an exchange reply',
      new SyntaxError(
        `Unexpected token } in JSON: {"access_token":"${NEW_META_TOKEN}","token_type":"bearer","expires_in":5183944}`,
      ),
    ],
    [
      'Authorization header with a bearer token',
      new Error(`Request failed, headers: Authorization: Bearer ${META_TOKEN}`),
    ],
    [
      'authorization header of Octokit',
      new Error(
        `{"headers":{"authorization":"token ${WRITER_TOKEN}","user-agent":"meta-token-keeper"}}`,
      ),
    ],
    [
      'Meta message quoting the token',
      new Error(`Malformed access token ${META_TOKEN}`),
    ],
    [
      'sealed box of a secret write',
      new Error(
        `PUT failed with body {"encrypted_value":"c2VhbGVkIGJveCBvZiBhIHRva2VuIHdpdGggbWFueSBieXRlcw==","key_id":"568250167242549743"}`,
      ),
    ],
    [
      'URL with credentials',
      new Error(
        `connect ECONNREFUSED https://x-access-token:${INSTALLATION_TOKEN}@github.example.com/api/v3`,
      ),
    ],
    [
      'bare tokens in running text',
      `the tokens ${META_TOKEN}, ${WRITER_TOKEN}, ${APP_SECRET} and ${PROOF} were rejected`,
    ],
  ]

  it.each(cases)('hides the secrets of a %s', (_, error) => {
    const text = describeError(error)
    expect(leakedPiece(text)).toBeNull()
    expect(text).not.toMatch(/[\r\n]/)
  })

  it('keeps the URL without its query', () => {
    const text = describeError(
      new TypeError(
        `Failed to parse URL from https://graph.facebook.com/v27.0/debug_token?input_token=${META_TOKEN}`,
      ),
    )
    expect(text).toBe(
      'Failed to parse URL from https://graph.facebook.com/v27.0/debug_token?***',
    )
  })

  it('keeps the status of an Octokit error', () => {
    const error = new RequestError('Bad credentials', 401, {
      request: {
        method: 'PUT',
        url: `https://api.github.com/repos/o/r/actions/secrets/META_TOKEN_A?access_token=${WRITER_TOKEN}`,
        headers: { authorization: `token ${WRITER_TOKEN}` },
        body: JSON.stringify({ encrypted_value: 'c2VhbGVk', key_id: '1' }),
      },
      response: {
        status: 401,
        url: 'https://api.github.com/repos/o/r/actions/secrets/META_TOKEN_A',
        headers: {},
        data: { message: 'Bad credentials' },
      },
    })
    const text = describeError(error)
    expect(text).toBe('Bad credentials')
  })

  it('hides URL user info', () => {
    const error = new Error(
      'connect ECONNREFUSED https://deploy:hunter2-Correct-Horse@proxy.example.com:8443/',
    )
    expect(describeError(error)).toBe(
      'connect ECONNREFUSED https://***@proxy.example.com:8443/',
    )
  })

  it('hides a registered secret of any shape', () => {
    const secret = 'correct-horse-battery-staple-2024'
    registerSecret(secret)
    const text = describeError(new Error(`login failed for ${secret}`))
    expect(text).toBe('login failed for ***')
  })

  it('reads the first line only', () => {
    const error = new Error(
      `request failed\nbody: ${'x'.repeat(10)}\n${META_TOKEN}`,
    )
    expect(describeError(error)).toBe('request failed')
  })

  it('leaves out the cause', () => {
    const error = new TypeError('fetch failed', {
      cause: new Error(
        `https://graph.facebook.com/?access_token=${META_TOKEN}`,
      ),
    })
    expect(describeError(error)).toBe('fetch failed')
  })

  it('never prints an object that is not an Error', () => {
    const thrown = { message: `token ${META_TOKEN}`, token: META_TOKEN }
    expect(describeError(thrown)).toBe('unknown error')
    expect(describeError(undefined)).toBe('unknown error')
  })
})

describe('redact', () => {
  it('keeps ordinary text', () => {
    const text =
      'GitHub PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}: 204 for META_TOKEN_NORTHWIND_BIKES, app 1234567890123456'
    expect(redact(text)).toBe(text)
  })

  it('keeps an endpoint named like a field', () => {
    const line = 'GET /v27.0/oauth/access_token: HTTP 200'
    expect(redact(line)).toBe(line)
  })

  it('hides a 32-digit app secret', () => {
    expect(redact(`got "${APP_SECRET}"`)).toBe('got "***"')
  })
})

describe('looksLikeCredential', () => {
  it.each([META_TOKEN, WRITER_TOKEN, INSTALLATION_TOKEN, APP_SECRET, PROOF])(
    'recognises %s',
    (secret) => {
      expect(looksLikeCredential(secret)).toBe(true)
    },
  )

  it.each(['META_TOKEN_NORTHWIND_BIKES', 'production', 'dana-ops', 'octocat'])(
    'passes %s',
    (text) => {
      expect(looksLikeCredential(text)).toBe(false)
    },
  )

  it('ignores registered secrets', () => {
    registerSecret('META_TOKEN_ACME')
    expect(looksLikeCredential('META_TOKEN_ACME')).toBe(false)
  })

  it('matches what redact hides by shape', () => {
    // Pieces that make up names, URLs, form fields and tokens.
    const piece = fc.constantFrom(
      'META_TOKEN_',
      'EAAB',
      'ghp_',
      'x'.repeat(12),
      'Ab3',
      '0f9e',
      '123456|',
      'https://',
      'user@',
      'host/p',
      '?q=1',
      'access_token=',
      ' ',
      '_',
    )
    const text = fc
      .array(piece, { maxLength: 12 })
      .map((parts) => parts.join(''))
    fc.assert(
      fc.property(text, (value) => {
        expect(looksLikeCredential(value)).toBe(redact(value) !== value)
      }),
      { numRuns: 2000 },
    )
  })
})
