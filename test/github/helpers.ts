/**
 * Shared pieces of the GitHub unit tests: a recording route helper for msw,
 * a logger that keeps its lines, and an Octokit without waits.
 */
import { http, HttpResponse } from 'msw'
import { createOctokit } from '../../src/github/octokit.ts'
import type { Logger } from '../../src/types.ts'

/** Loopback base URL. msw returns a response to every request before any connection is made. */
export const API = 'http://127.0.0.1:59999/api/v3'

export interface RecordedRequest {
  method: string
  /** Path below API, without the query. */
  path: string
  query: URLSearchParams
  headers: Headers
  body: unknown
}

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete'

type Resolver = (args: {
  params: Record<string, string>
  query: URLSearchParams
  body: unknown
}) => Response | Promise<Response>

/** Builds msw handlers that record every request they handle, in order. */
export function createRecorder() {
  const requests: RecordedRequest[] = []

  function route(method: Method, path: string, resolver: Resolver) {
    return http[method](`${API}${path}`, async ({ request, params }) => {
      const url = new URL(request.url)
      const text = await request.text()
      const body: unknown = text ? JSON.parse(text) : null
      requests.push({
        method: method.toUpperCase(),
        path: decodeURIComponent(
          url.pathname.slice(new URL(API).pathname.length),
        ),
        query: url.searchParams,
        headers: request.headers,
        body,
      })
      return resolver({
        params: params as Record<string, string>,
        query: url.searchParams,
        body,
      })
    })
  }

  const mutating = () => requests.filter((request) => request.method !== 'GET')
  return { requests, route, mutating }
}

/** Builds a GitHub error response: `{ message, documentation_url }` with the status. */
export function githubError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return HttpResponse.json(
    {
      message,
      documentation_url: 'https://docs.github.com/rest',
      status: String(status),
    },
    { status, headers },
  )
}

export interface LogLine {
  level: 'info' | 'warning' | 'error' | 'debug'
  message: string
}

/** Creates a Logger that stores every line. */
export function createTestLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = []
  const log: Logger = {
    info: (message) => lines.push({ level: 'info', message }),
    warning: (message) => lines.push({ level: 'warning', message }),
    error: (message) => lines.push({ level: 'error', message }),
    debug: (message) => lines.push({ level: 'debug', message }),
  }
  return { log, lines }
}

/** Creates an Octokit against API with no spacing between writes and no retry waits. */
export function createTestOctokit(token: string, log: Logger) {
  return createOctokit({
    token,
    baseUrl: API,
    log,
    writeSpacingMs: 0,
    retryAfterBaseMs: 0,
  })
}
