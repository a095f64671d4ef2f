/**
 * Shared pieces of the simulator tests: requests built without a
 * transport, a fixed clock, and the proof a client sends.
 */
import { createHmac } from 'node:crypto'
import type { SimRequest, SimResponse, Simulator } from './types.ts'

export const APP_ID = '1234567890123456'
export const APP_SECRET = '0123456789abcdef0123456789abcdef'
export const APP_TOKEN = `${APP_ID}|${APP_SECRET}`

/** 2026-12-04T12:00:00Z, in ms. */
export const NOW_MS = Date.parse('2026-12-04T12:00:00Z')
export const NOW_S = NOW_MS / 1000
export const DAY = 86_400

export function proofOf(token: string, secret = APP_SECRET): string {
  return createHmac('sha256', secret).update(token).digest('hex')
}

export interface RequestOptions {
  query?: Record<string, string>
  form?: Record<string, string>
  json?: unknown
  headers?: Record<string, string>
  base?: string
}

/** Sends one request straight to a simulator's `handle`. */
export function send(
  simulator: Simulator,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<SimResponse> {
  const base = options.base ?? 'https://sim.test'
  const url = new URL(path, base)
  for (const [key, value] of Object.entries(options.query ?? {})) {
    url.searchParams.set(key, value)
  }
  const headers: Record<string, string> = { ...(options.headers ?? {}) }
  let body = ''
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded'
    body = new URLSearchParams(options.form).toString()
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  }
  const request: SimRequest = { method, url, headers, body, baseUrl: base }
  return simulator.handle(request)
}

/** Parses a response body as JSON. */
export function json<T = Record<string, unknown>>(response: SimResponse): T {
  return JSON.parse(response.body) as T
}
