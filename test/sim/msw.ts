/**
 * Serves a simulator inside the test process through msw 3: every request
 * under `baseUrl` goes to the simulator with the base path removed, and a
 * `drop` reply becomes a network error.
 */
import { http, HttpResponse, type HttpHandler } from 'msw'
import type { SimRequest, Simulator } from './types.ts'

/**
 * Returns msw handlers that send every request under `baseUrl` (for example
 * `https://graph.facebook.com` or `http://127.0.0.1:59999/api/v3`) to
 * `simulator`, the root path included.
 */
export function mswHandlers(
  simulator: Simulator,
  baseUrl: string,
): HttpHandler[] {
  const base = new URL(baseUrl)
  const basePath = base.pathname.replace(/\/+$/, '')
  const root = `${base.origin}${basePath}`

  const handler = http.all(
    ({ request }) => {
      const url = new URL(request.url)
      return (
        url.origin === base.origin &&
        (url.pathname === basePath ||
          url.pathname === `${basePath}/` ||
          url.pathname.startsWith(`${basePath}/`))
      )
    },
    async ({ request }) => {
      const reply = await simulator.handle(
        await toSimRequest(request, basePath, root),
      )
      if (reply.drop) return HttpResponse.error()
      const empty =
        reply.status === 204 || reply.status === 304 || reply.body === ''
      return new HttpResponse(empty ? null : reply.body, {
        status: reply.status,
        headers: reply.headers,
      })
    },
  )
  return [handler]
}

async function toSimRequest(
  request: Request,
  basePath: string,
  root: string,
): Promise<SimRequest> {
  const url = new URL(request.url)
  const relative = new URL(url.toString())
  relative.pathname = url.pathname.slice(basePath.length) || '/'
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value
  })
  return {
    method: request.method.toUpperCase(),
    url: relative,
    headers,
    body:
      request.method === 'GET' || request.method === 'HEAD'
        ? ''
        : await request.text(),
    baseUrl: root,
  }
}
