/**
 * The baseline the benchmark compares the action with: one
 * `GET /{version}/debug_token` per access token, each awaited before the next
 * is sent, the way a short script without batching would check its tokens.
 *
 * Usage: node scripts/naive-inspect.ts --graph-url URL --app-id ID
 *   --tokens-file FILE [--limit K] [--graph-api-version v27.0]
 * The app secret is read from META_APP_SECRET. The tokens file holds one
 * token per line. Prints one JSON line: `{ tokens, valid, failed, elapsedMs }`
 * where `elapsedMs` covers the request loop only.
 */
import { createHmac } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'

export interface NaiveOptions {
  graphUrl: string
  version: string
  appId: string
  appSecret: string
  tokens: string[]
}

export interface NaiveResult {
  tokens: number
  /** Tokens Meta reported as `is_valid: true`. */
  valid: number
  /** Requests that failed or returned a body without `data`. */
  failed: number
  /** Milliseconds of the request loop. */
  elapsedMs: number
}

/** Inspects each token with its own `debug_token` request, one after another. */
export async function inspectOneByOne(
  options: NaiveOptions,
): Promise<NaiveResult> {
  const appToken = `${options.appId}|${options.appSecret}`
  const proof = createHmac('sha256', options.appSecret)
    .update(appToken)
    .digest('hex')
  const base = `${options.graphUrl.replace(/\/+$/, '')}/${options.version}/debug_token`
  let valid = 0
  let failed = 0

  const started = performance.now()
  for (const token of options.tokens) {
    const query = new URLSearchParams({
      input_token: token,
      access_token: appToken,
      appsecret_proof: proof,
    })
    try {
      const response = await fetch(`${base}?${query}`, {
        signal: AbortSignal.timeout(10_000),
      })
      const body = (await response.json()) as { data?: { is_valid?: boolean } }
      if (!body.data) failed++
      else if (body.data.is_valid) valid++
    } catch {
      failed++
    }
  }
  const elapsedMs = performance.now() - started

  return { tokens: options.tokens.length, valid, failed, elapsedMs }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'graph-url': { type: 'string' },
      'app-id': { type: 'string' },
      'tokens-file': { type: 'string' },
      limit: { type: 'string' },
      'graph-api-version': { type: 'string', default: 'v27.0' },
    },
  })
  const graphUrl = values['graph-url']
  const appId = values['app-id']
  const tokensFile = values['tokens-file']
  const appSecret = process.env.META_APP_SECRET
  if (!graphUrl || !appId || !tokensFile || !appSecret) {
    throw new Error(
      'Missing --graph-url, --app-id, --tokens-file or META_APP_SECRET; see the usage at the top of scripts/naive-inspect.ts.',
    )
  }

  const lines = (await readFile(tokensFile, 'utf8')).split('\n')
  const tokens = lines.filter((line) => line.length > 0)
  const limit = values.limit ? Number(values.limit) : tokens.length
  const result = await inspectOneByOne({
    graphUrl,
    version: values['graph-api-version'],
    appId,
    appSecret,
    tokens: tokens.slice(0, limit),
  })
  console.log(JSON.stringify(result))
}

if (import.meta.main) await main()
