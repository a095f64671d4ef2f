import { createServer, type AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { HttpConnections } from '../../src/meta/http.ts'
import {
  classifyMetaError,
  GraphError,
  graphErrorFromFailure,
  graphErrorFromResponse,
  isTransientGraphError,
  readMetaError,
  type MetaErrorFacts,
} from '../../src/meta/errors.ts'

function facts(overrides: Partial<MetaErrorFacts>): MetaErrorFacts {
  return {
    message: 'Meta text',
    code: null,
    subcode: null,
    httpStatus: 400,
    isTransient: null,
    ...overrides,
  }
}

const context = { appTokenRequest: true, version: 'v27.0' }

describe('isTransientGraphError', () => {
  it.each([
    { name: 'HTTP 500', input: { httpStatus: 500 }, transient: true },
    { name: 'HTTP 503', input: { httpStatus: 503 }, transient: true },
    { name: 'code 1', input: { code: 1 }, transient: true },
    { name: 'code 2', input: { code: 2 }, transient: true },
    { name: 'code 4', input: { code: 4 }, transient: true },
    { name: 'code 17', input: { code: 17 }, transient: true },
    { name: 'code 32', input: { code: 32 }, transient: true },
    { name: 'code 341', input: { code: 341 }, transient: true },
    { name: 'code 613', input: { code: 613 }, transient: true },
    { name: 'code 80000', input: { code: 80000 }, transient: true },
    { name: 'code 80014', input: { code: 80014 }, transient: true },
    { name: 'code 80015', input: { code: 80015 }, transient: false },
    {
      name: 'is_transient true',
      input: { code: 100, isTransient: true },
      transient: true,
    },
    { name: 'is_transient missing', input: { code: 100 }, transient: false },
    { name: 'code 190', input: { code: 190 }, transient: false },
    {
      name: 'client secret error',
      input: { code: 1, message: 'Error validating client secret.' },
      transient: false,
    },
  ])('$name', ({ input, transient }) => {
    expect(isTransientGraphError(facts(input))).toBe(transient)
  })
})

describe('classifyMetaError', () => {
  it.each([
    {
      name: 'bad app token signature',
      input: { code: 190, message: 'Invalid OAuth access token signature.' },
      appToken: true,
      kind: 'credentials',
    },
    {
      name: 'invalid application ID',
      input: {
        code: 101,
        message: 'Error validating application. Invalid application ID.',
      },
      appToken: true,
      kind: 'credentials',
    },
    {
      name: 'client secret',
      input: { code: 1, message: 'Error validating client secret.' },
      appToken: false,
      kind: 'credentials',
    },
    {
      name: 'no app access token',
      input: {
        code: 100,
        message:
          '(#100) You must provide an app access token, or a user access token that is an owner or developer of the app',
      },
      appToken: true,
      kind: 'credentials',
    },
    {
      name: 'expired token in an exchange',
      input: { code: 190, subcode: 463, message: 'Session has expired' },
      appToken: false,
      kind: 'token',
    },
    {
      name: 'token of another app',
      input: {
        code: 100,
        message:
          '(#100) The App_id in the input_token did not match the Viewing App',
      },
      appToken: true,
      kind: 'token',
    },
    {
      name: 'unknown version',
      input: { code: 2500, message: 'Unknown path components: /v99.0/' },
      appToken: true,
      kind: 'version',
    },
    {
      name: 'app throttled',
      input: { code: 4, message: 'Application request limit reached' },
      appToken: true,
      kind: 'throttled',
    },
    {
      name: 'Business Use Case throttled',
      input: { code: 80004, message: 'There have been too many calls' },
      appToken: true,
      kind: 'throttled',
    },
    {
      name: 'temporary error',
      input: { code: 2, message: 'An unexpected error has occurred.' },
      appToken: true,
      kind: 'transient',
    },
    {
      name: 'permission',
      input: { code: 200, message: 'Permissions error' },
      appToken: false,
      kind: 'permission',
    },
    {
      name: 'unsupported post request',
      input: { code: 100, subcode: 33, message: 'Unsupported post request.' },
      appToken: true,
      kind: 'other',
    },
  ])('$name', ({ input, appToken, kind }) => {
    expect(classifyMetaError(facts(input), appToken).kind).toBe(kind)
  })
})

describe('readMetaError', () => {
  it('reads Meta error bodies', () => {
    const read = readMetaError(
      {
        error: {
          message: 'Session has expired',
          type: 'OAuthException',
          code: 190,
          error_subcode: 463,
          fbtrace_id: 'AbC',
        },
      },
      400,
    )
    expect(read).toEqual({
      message: 'Session has expired',
      code: 190,
      subcode: 463,
      httpStatus: 400,
      isTransient: null,
    })
  })

  it('returns null without an error object', () => {
    expect(readMetaError({ data: [] }, 200)).toBeNull()
  })
})

describe('graphErrorFromResponse', () => {
  it('names the app inputs on a credentials error', () => {
    const error = graphErrorFromResponse(
      400,
      {
        error: { message: 'Invalid OAuth access token signature.', code: 190 },
      },
      context,
    )
    expect(error.kind).toBe('credentials')
    expect(error.transient).toBe(false)
    expect(error.message).toContain('`app-id`')
    expect(error.message).toContain('`app-secret`')
  })

  it('names graph-api-version on a version error', () => {
    const error = graphErrorFromResponse(
      400,
      { error: { message: 'Unknown path components: /v99.0/', code: 2500 } },
      { appTokenRequest: true, version: 'v99.0' },
    )
    expect(error.kind).toBe('version')
    expect(error.message).toContain('`graph-api-version`')
    expect(error.message).toContain('v99.0')
  })

  it('keeps code, subcode and status', () => {
    const error = graphErrorFromResponse(
      400,
      { error: { message: 'Expired', code: 190, error_subcode: 463 } },
      { appTokenRequest: false, version: 'v27.0' },
    )
    expect(error.code).toBe(190)
    expect(error.subcode).toBe(463)
    expect(error.httpStatus).toBe(400)
    expect(error.metaMessage).toBe('Expired')
  })

  it('treats a 502 without a body as transient', () => {
    const error = graphErrorFromResponse(502, undefined, context)
    expect(error.transient).toBe(true)
    expect(error.message).toContain('HTTP 502')
  })

  it('redacts and keeps one line', () => {
    const leaked = `EAAB${'k9Z'.repeat(20)}`
    const error = graphErrorFromResponse(
      400,
      {
        error: {
          message: `Bad input_token=${leaked}\nsee https://graph.example.test/x?access_token=abc`,
          code: 100,
        },
      },
      context,
    )
    expect(error.message).not.toContain(leaked)
    expect(error.message).not.toContain('access_token=abc')
    expect(error.message).not.toContain('\n')
  })
})

describe('graphErrorFromFailure', () => {
  it('turns a timeout into a transient error', () => {
    const timeout = new DOMException('The operation timed out', 'TimeoutError')
    const error = graphErrorFromFailure(timeout, 10_000) as GraphError
    expect(error).toBeInstanceOf(GraphError)
    expect(error.transient).toBe(true)
    expect(error.message).toContain('timed out after 10000 ms')
  })

  it('turns a network failure into a transient error', () => {
    const failure = new TypeError('fetch failed', {
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    })
    const error = graphErrorFromFailure(failure, 10_000) as GraphError
    expect(error.transient).toBe(true)
    expect(error.message).toContain('ECONNRESET')
  })

  it('names the code of a refused connection', async () => {
    const failure = await fetch(`http://127.0.0.1:${await closedPort()}/`).then(
      () => null,
      (error: unknown) => error,
    )
    const error = graphErrorFromFailure(failure, 10_000) as GraphError
    expect(error.message).toBe(
      'the Graph API request failed: fetch failed (ECONNREFUSED)',
    )
  })

  it('names the code and peer of a refused connection', async () => {
    const port = await closedPort()
    const failure = await new HttpConnections()
      .fetch(`http://127.0.0.1:${port}/`, {
        method: 'GET',
        headers: {},
        signal: new AbortController().signal,
      })
      .then(
        () => null,
        (error: unknown) => error,
      )
    const error = graphErrorFromFailure(failure, 10_000) as GraphError
    expect(error.transient).toBe(true)
    expect(error.message).toBe(
      `the Graph API request failed (ECONNREFUSED, 127.0.0.1:${port})`,
    )
  })

  it('treats an abort from node:http as a timeout', async () => {
    const failure = await new HttpConnections()
      .fetch(`http://127.0.0.1:${await closedPort()}/`, {
        method: 'GET',
        headers: {},
        signal: AbortSignal.abort(),
      })
      .then(
        () => null,
        (error: unknown) => error,
      )
    const error = graphErrorFromFailure(failure, 10_000) as GraphError
    expect(error.transient).toBe(true)
    expect(error.message).toContain('timed out after 10000 ms')
  })

  it('names the reason without a code', async () => {
    // fetch blocks port 1 before it connects, with no system error code.
    const failure = await fetch('http://127.0.0.1:1/').then(
      () => null,
      (error: unknown) => error,
    )
    const error = graphErrorFromFailure(failure, 10_000) as GraphError
    expect(error.message).toBe(
      'the Graph API request failed: fetch failed (bad port)',
    )
  })

  it('leaves out a reason with a URL', () => {
    const failure = new TypeError('fetch failed', {
      cause: new Error(
        'redirect to https://graph.example.test/?access_token=x',
      ),
    })
    const error = graphErrorFromFailure(failure, 10_000) as GraphError
    expect(error.message).toBe('the Graph API request failed: fetch failed')
  })

  it('passes other errors through', () => {
    const bug = new RangeError('bug')
    expect(graphErrorFromFailure(bug, 10_000)).toBe(bug)
  })
})

/** Returns a port on 127.0.0.1 that nothing listens on any more. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  await new Promise((done) => server.close(done))
  return port
}
