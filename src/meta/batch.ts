/**
 * Graph API batch requests of `debug_token` calls. Meta takes at most 50
 * requests per batch and responds with an array in request order, where each
 * item's `body` is a JSON-encoded string and a partial timeout leaves `null`.
 */

/** Meta's limit of requests in one batch. */
export const MAX_BATCH_SIZE = 50

/** One item of a batch response that Meta did not leave out. */
export interface BatchItem {
  code: number
  /** The item's body parsed from its JSON string, or undefined when that is not JSON. */
  body: unknown
}

/** Builds the form fields of a batch of `debug_token` requests, all made with the app access token. */
export function buildDebugTokenBatch(
  tokens: readonly string[],
  appToken: string,
  appsecretProof: string,
): Record<string, string> {
  const requests = tokens.map((token) => ({
    method: 'GET',
    relative_url: `debug_token?input_token=${encodeURIComponent(token)}`,
  }))
  return {
    batch: JSON.stringify(requests),
    access_token: appToken,
    appsecret_proof: appsecretProof,
    include_headers: 'false',
  }
}

/**
 * Reads a batch response of `count` items, where an item is null when Meta
 * left it out. Returns null when the body is not an array of that length.
 */
export function parseBatchResponse(
  body: unknown,
  count: number,
): Array<BatchItem | null> | null {
  if (!Array.isArray(body) || body.length !== count) return null
  return body.map(readItem)
}

function readItem(item: unknown): BatchItem | null {
  if (typeof item !== 'object' || item === null) return null
  const { code, body } = item as { code?: unknown; body?: unknown }
  if (typeof code !== 'number') return null
  return { code, body: typeof body === 'string' ? parseJson(body) : body }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
