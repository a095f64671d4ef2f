/**
 * Shapes shared by the Meta and GitHub simulators and their two transports
 * (real HTTP on 127.0.0.1 and msw in process).
 */

/** One request as a transport hands it to a simulator. */
export interface SimRequest {
  method: string
  /** Full URL; the path is relative to the simulated API's root. */
  url: URL
  /** Header names in lower case. */
  headers: Record<string, string>
  body: string
  /**
   * The API root as the client sees it, for links in replies, for example
   * `http://127.0.0.1:40123` or `https://ghe.example/api/v3`; the URL's
   * origin when absent.
   */
  baseUrl?: string
}

/** One response as a simulator hands it back to a transport. */
export interface SimResponse {
  status: number
  headers: Record<string, string>
  body: string
  /**
   * True when the connection is to be dropped without a response: the HTTP
   * transport destroys the socket, the msw transport returns a network error.
   */
  drop?: boolean
}

/** A simulated API behind a transport. */
export interface Simulator {
  handle(request: SimRequest): Promise<SimResponse>
}

/** Seeded transient failures, the same sequence for the same seed. */
export interface FaultOptions {
  /** Share of requests (0..1) that fail with one of `kinds`. */
  failureRate?: number
  /** Seed of the fault generator; 1 by default. */
  seed?: number
  /** Fault kinds to choose from; every kind the simulator has by default. */
  kinds?: string[]
  /** How long a `hang` fault waits before it drops the connection, in ms; 30 s by default. */
  hangMs?: number
  /**
   * Maximum seeded faults in a row for one target (the same call on the same
   * token, secret or issue); the next attempt passes. Unlimited by default.
   * A cap below a client's retry count keeps every fault transient, so a
   * run with a high failure rate still ends as a fault-free one would.
   */
  maxInARow?: number
}

/** One line of a simulator's request log. It never contains a token or a secret value. */
export interface RequestLogEntry {
  /** Milliseconds since the Unix epoch, from the simulator's clock. */
  time: number
  method: string
  /** Route template, for example `GET /{version}/debug_token` or `/repos/{owner}/{repo}/issues`. */
  route: string
  status: number
  /** Names of the query or form parameters, never their values. */
  params: string[]
  /** Fault kind, when a fault was injected. */
  fault?: string
  /** Graph API version that served the request (Meta only). */
  version?: string | null
  /** True for an item of a Graph API batch request (Meta only). */
  batchItem?: boolean
}

/** Waits `ms` milliseconds; simulators take one so tests can skip real waits. */
export type Sleep = (ms: number) => Promise<void>

export const realSleep: Sleep = (ms) =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()
