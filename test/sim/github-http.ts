/**
 * Reply helpers of the simulated GitHub REST API: error bodies in GitHub's
 * form `{message, documentation_url, status}`, validation failures, and
 * page selection with a `Link` header.
 */

/** A handler's reply before the simulator adds rate-limit headers. */
export interface GitHubReply {
  status: number
  body: unknown
  headers?: Record<string, string>
}

const DOCS = 'https://docs.github.com/rest'

/** Builds a GitHub error reply. */
export function githubError(
  status: number,
  message: string,
  documentation = DOCS,
): GitHubReply {
  return {
    status,
    body: { message, documentation_url: documentation, status: String(status) },
  }
}

export const notFound = (): GitHubReply => githubError(404, 'Not Found')

/** 422 "Validation Failed" with one entry in `errors`. */
export function validationFailed(error: Record<string, string>): GitHubReply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [error],
      documentation_url: DOCS,
      status: '422',
    },
  }
}

/** Reads a JSON request body; returns null for a body that is not a JSON object. */
export function jsonBody(text: string): Record<string, unknown> | null {
  if (text.trim() === '') return {}
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

export const problemsParsingJson = (): GitHubReply =>
  githubError(400, 'Problems parsing JSON')

/** GitHub's pagination: `per_page` 30 by default and at most 100, `page` from 1. */
export function paginate<T>(
  items: readonly T[],
  url: URL,
  baseUrl: string,
  path: string,
): { page: T[]; link: string | null } {
  const perPage = clamp(
    Number(url.searchParams.get('per_page') ?? 30),
    1,
    100,
    30,
  )
  const pageNumber = clamp(
    Number(url.searchParams.get('page') ?? 1),
    1,
    Infinity,
    1,
  )
  const last = Math.max(1, Math.ceil(items.length / perPage))
  const page = items.slice((pageNumber - 1) * perPage, pageNumber * perPage)

  const linkTo = (target: number) => {
    const query = new URLSearchParams(url.searchParams)
    query.set('per_page', String(perPage))
    query.set('page', String(target))
    return `<${baseUrl}${path}?${query.toString()}>`
  }
  const links: string[] = []
  if (pageNumber > 1)
    links.push(`${linkTo(Math.min(pageNumber - 1, last))}; rel="prev"`)
  if (pageNumber < last) {
    links.push(`${linkTo(pageNumber + 1)}; rel="next"`)
    links.push(`${linkTo(last)}; rel="last"`)
  }
  if (pageNumber > 1) links.push(`${linkTo(1)}; rel="first"`)
  return { page, link: links.length > 0 ? links.join(', ') : null }
}

function clamp(
  value: number,
  min: number,
  max: number,
  fallback: number,
): number {
  if (!Number.isFinite(value) || !Number.isInteger(value)) return fallback
  return Math.min(max, Math.max(min, value))
}

/** ISO 8601 without milliseconds, as GitHub writes times. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
