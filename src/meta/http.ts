/**
 * The HTTP client of the Graph API requests: node:http and node:https. The
 * fetch that Node.js ships loads its own client (undici, with a WebAssembly
 * HTTP parser) on first use, which delayed the first request by about 35 ms,
 * and carrying the batches of 5,000 clients through it raised peak RSS from
 * about 131 to 147 MiB (`npm run bench`, Node 24). Octokit still uses fetch
 * for the few GitHub requests of a run.
 */
import http from 'node:http'
import https from 'node:https'

/** The part of the Fetch API's `Headers` that the Graph client reads. */
export interface HeaderReader {
  get(name: string): string | null
}

/** A whole response, in the shape of the Fetch API's `Response` that the Graph client reads. */
export interface HttpResponse {
  status: number
  headers: HeaderReader
  text(): Promise<string>
}

export interface HttpRequestInit {
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string
  signal: AbortSignal
}

/** Sends one request. `globalThis.fetch` has this shape too, so tests may pass it. */
export type HttpFetch = (
  url: string,
  init: HttpRequestInit,
) => Promise<HttpResponse>

/**
 * The kept-alive connections of one Graph client, with a `fetch` that sends
 * requests over them. Each client has its own, so that `close` ends them
 * without touching other requests of the process. Like Node's global agents,
 * they use the proxy that Node.js reads from the environment when started
 * with `NODE_USE_ENV_PROXY=1`.
 */
export class HttpConnections {
  private readonly httpAgent = new http.Agent({
    keepAlive: true,
    proxyEnv: nodeProxyEnv(),
  })
  private readonly httpsAgent = new https.Agent({
    keepAlive: true,
    proxyEnv: nodeProxyEnv(),
  })

  /**
   * Sends one request and reads the whole answer as UTF-8 text. Rejects with
   * Node's error: a system error with a `code` such as ECONNREFUSED, or an
   * AbortError when `init.signal` aborts. The modules are read at call time,
   * so an interceptor that replaces `request` (msw in the tests) applies.
   */
  readonly fetch: HttpFetch = (url, init) => {
    const target = new URL(url)
    return target.protocol === 'https:'
      ? send(https, this.httpsAgent, target, init)
      : send(http, this.httpAgent, target, init)
  }

  /** Closes every connection; requests in flight fail. */
  close(): void {
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
  }
}

/**
 * Returns the proxy settings that Node.js gave its global agents: the
 * environment when it started with `NODE_USE_ENV_PROXY=1` or
 * `--use-env-proxy`, else undefined. Node 24 keeps them in the agent's
 * `options`, which @types/node does not declare.
 */
function nodeProxyEnv(): http.AgentOptions['proxyEnv'] {
  const agent = http.globalAgent as http.Agent & { options?: http.AgentOptions }
  return agent.options?.proxyEnv
}

function send(
  client: typeof http | typeof https,
  agent: http.Agent,
  target: URL,
  init: HttpRequestInit,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: init.method,
        headers: init.headers,
        signal: init.signal,
        agent,
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () => {
          if (!response.complete) {
            reject(connectionError('ECONNRESET'))
            return
          }
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({
            status: response.statusCode ?? 0,
            headers: { get: (name) => headerValue(response, name) },
            text: () => Promise.resolve(text),
          })
        })
      },
    )
    request.once('finish', notifySent)
    request.on('error', (error) => {
      notifySent()
      reject(error)
    })
    request.end(init.body)
  })
}

function headerValue(
  response: http.IncomingMessage,
  name: string,
): string | null {
  const value = response.headers[name.toLowerCase()]
  if (value === undefined) return null
  return Array.isArray(value) ? value.join(', ') : value
}

function connectionError(code: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(
    'the connection closed before the response ended',
  )
  error.code = code
  return error
}

const sentListeners = new Set<() => void>()

function notifySent(): void {
  for (const listener of [...sentListeners]) listener()
}

/**
 * Resolves once the body of a request sent from now on is written to its
 * socket, or a request fails, or after `timeoutMs`, whichever comes first.
 * Call it before the request starts.
 */
export function nextRequestSent(timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      sentListeners.delete(done)
      resolve()
    }
    sentListeners.add(done)
    const timer = setTimeout(done, timeoutMs)
  })
}
