/**
 * A self-hosted runner behind a proxy: with `NODE_USE_ENV_PROXY=1` and
 * `HTTP_PROXY`/`HTTPS_PROXY` in the step's environment, Node.js 24 sends
 * `fetch` (Octokit) and node:http (the Graph client) through the proxy, so
 * every request the bundled action makes to Meta and to GitHub goes through
 * it. Without the switch, none does.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import {
  createWorkspace,
  runOnAgency,
  type AgencyWorkspace,
} from '../harness/agency-run.ts'

/** A request line of HTTP/1.1 inside a tunnel's plain-text traffic. */
const REQUEST_LINE =
  /(?:^|\r\n)(?:GET|HEAD|POST|PUT|PATCH|DELETE) \S+ HTTP\/1\.1\r\n/g

interface Proxy {
  url: string
  /** Requests forwarded or seen inside CONNECT tunnels, by target `host:port`. */
  requests: Map<string, number>
  /** Resolves once every tunnel has closed. */
  idle(): Promise<void>
  close(): Promise<void>
}

/** Starts a forwarding proxy that accepts CONNECT and absolute-form requests, as a corporate proxy does. */
async function startProxy(): Promise<Proxy> {
  const requests = new Map<string, number>()
  let open = 0
  let onIdle: (() => void) | null = null
  // A plain-HTTP request names its whole URL (absolute form), and the proxy
  // forwards it.
  const server: Server = createServer((request, response) => {
    const target = new URL(request.url ?? '')
    requests.set(target.host, (requests.get(target.host) ?? 0) + 1)
    const forwarded = httpRequest(
      target,
      { method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      },
    )
    forwarded.on('error', () => response.destroy())
    request.pipe(forwarded)
  })
  server.on('connect', (request, client, head) => {
    const target = request.url ?? ''
    const [host, port] = target.split(':')
    open++
    let sent = head.toString('latin1')
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    client.on('data', (chunk: Buffer) => (sent += chunk.toString('latin1')))
    client.on('close', () => {
      const count = sent.match(REQUEST_LINE)?.length ?? 0
      requests.set(target, (requests.get(target) ?? 0) + count)
      upstream.destroy()
      open--
      if (open === 0) onIdle?.()
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    idle: () =>
      new Promise((resolve) => {
        if (open === 0) return resolve()
        onIdle = resolve
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function hostOf(url: string): string {
  return new URL(url).host
}

let sandbox: Sandbox
let workspace: AgencyWorkspace
let proxy: Proxy

beforeAll(async () => {
  sandbox = await startSandbox({ clients: 16 })
  workspace = await createWorkspace(sandbox)
  proxy = await startProxy()
})

afterAll(async () => {
  await proxy?.close()
  await sandbox?.close()
})

/** Runs the action with the proxy variables; returns the run and the requests each simulator received. */
async function runWith(env: Record<string, string>) {
  proxy.requests.clear()
  const before = sandbox.counters()
  const run = await runOnAgency(
    sandbox,
    workspace,
    { 'dry-run': 'true' },
    {
      env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, ...env },
    },
  )
  const after = sandbox.counters()
  // The tunnels close when the action's process exits.
  await proxy.idle()
  return {
    run,
    graphRequests: after.graphRequests - before.graphRequests,
    githubRequests: after.githubRequests - before.githubRequests,
  }
}

describe('proxy from the environment', () => {
  it('carries every request with NODE_USE_ENV_PROXY=1', async () => {
    const { run, graphRequests, githubRequests } = await runWith({
      NODE_USE_ENV_PROXY: '1',
    })

    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Checking 16 client token(s).')
    expect(graphRequests).toBeGreaterThan(0)
    expect(githubRequests).toBeGreaterThan(0)
    expect(proxy.requests.get(hostOf(sandbox.graphUrl))).toBe(graphRequests)
    expect(proxy.requests.get(hostOf(sandbox.githubUrl))).toBe(githubRequests)
  })

  it('is bypassed without the switch', async () => {
    const { graphRequests } = await runWith({})

    expect(graphRequests).toBeGreaterThan(0)
    expect(proxy.requests.size).toBe(0)
  })
})
