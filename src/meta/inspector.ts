/**
 * `debug_token` for many tokens: batches of up to 50 with several in flight,
 * a transient item retried alone, and single requests once Meta rejects
 * `debug_token` inside a batch.
 */
import { mapLimit } from '../concurrency.ts'
import { registerSecret } from '../redact.ts'
import type { Logger, TokenInfo } from '../types.ts'
import {
  buildDebugTokenBatch,
  parseBatchResponse,
  type BatchItem,
} from './batch.ts'
import { factsOf, GraphError, graphErrorFromResponse } from './errors.ts'
import { foreignAppTokenInfo, parseDebugToken } from './token-info.ts'
import type { GraphTransport, RequestGuard } from './transport.ts'

export type Inspection =
  { ok: true; info: TokenInfo } | { ok: false; error: GraphError }

const INSPECT_FAILS = 'could not be checked'

/** Outcome of one batch item. */
type ItemOutcome =
  | { kind: 'done'; inspection: Inspection }
  /** A transient failure: the item is retried alone. */
  | { kind: 'retry'; error: GraphError }
  /** A failure that is neither transient nor about the input token. */
  | { kind: 'rejected'; error: GraphError }

/** Keeps the first credentials or version error of one `inspect` call, which stops the rest. */
class RunGuard implements RequestGuard {
  fatal: GraphError | null = null

  check(): void {
    if (this.fatal) throw this.fatal
  }

  record(error: unknown): void {
    if (isFatal(error)) this.fatal ??= error as GraphError
  }
}

/** True for errors that fail every request alike: wrong app credentials or an unusable Graph API version. */
function isFatal(error: unknown): boolean {
  return (
    error instanceof GraphError &&
    (error.kind === 'credentials' || error.kind === 'version')
  )
}

export interface InspectorOptions {
  transport: GraphTransport
  /** `APP_ID|APP_SECRET`. */
  appToken: string
  appsecretProof: string
  version: string
  batchSize: number
  /** Requests the transport sends at once. */
  concurrency: number
  log: Logger | null
  /** Called after each chunk of tokens is settled, with the count settled so far. */
  onProgress?: (settled: number, total: number) => void
}

export class Inspector {
  private readonly options: InspectorOptions
  private readonly transport: GraphTransport
  private fallbackWarned = false

  constructor(options: InspectorOptions) {
    this.options = options
    this.transport = options.transport
  }

  /**
   * Inspects every token with `debug_token` and returns one inspection per
   * token, in input order. Tokens go out in batches of up to 50; when Meta
   * rejects `debug_token` inside a batch, the rest go one request at a time.
   * Throws one GraphError of kind `credentials` (or `version`) when Meta
   * rejects the app ID, app secret or Graph API version.
   */
  async inspect(tokens: string[]): Promise<Inspection[]> {
    for (const token of tokens) registerSecret(token)
    const results = new Array<Inspection>(tokens.length)
    const guard = new RunGuard()

    const chunks = chunkIndices(tokens.length, this.options.batchSize)
    let done = 0

    // A chunk builds its batch request only when it starts, so for
    // thousands of tokens only a few request bodies exist at a time. Twice
    // the transport's concurrency keeps it busy while a chunk waits to retry
    // an item.
    const failures: unknown[] = []
    await mapLimit(chunks, this.options.concurrency * 2, async (indices) => {
      try {
        await this.inspectChunk(tokens, indices, results, guard)
      } catch (error) {
        failures.push(error)
        return
      }
      done += indices.length
      this.options.onProgress?.(done, tokens.length)
    })
    guard.check()
    if (failures.length > 0) throw failures[0]
    return results
  }

  /** Inspects one token with a single `debug_token` request; never throws a GraphError. */
  async inspectOne(token: string): Promise<Inspection> {
    registerSecret(token)
    try {
      return await this.inspectSingle(token, new RunGuard())
    } catch (error) {
      if (error instanceof GraphError) return { ok: false, error }
      throw error
    }
  }

  private async inspectChunk(
    tokens: string[],
    indices: number[],
    results: Inspection[],
    guard: RunGuard,
  ): Promise<void> {
    const outcomes = this.transport.stats.fallbackToSingle
      ? null
      : await this.inspectBatch(
          indices.map((index) => tokens[index] as string),
          guard,
        )

    // Settle every token before throwing, so no request outlives the call.
    const settled = await Promise.allSettled(
      indices.map(async (tokenIndex, position) => {
        const token = tokens[tokenIndex] as string
        const outcome = outcomes?.[position]
        results[tokenIndex] = outcome
          ? await this.settleItem(token, outcome, guard)
          : await this.inspectSingle(token, guard)
      }),
    )
    const failure = settled.find((result) => result.status === 'rejected')
    if (failure) throw failure.reason
  }

  /** Sends one batch, or returns null when Meta rejects `debug_token` in batches, so the chunk goes one token at a time. */
  private async inspectBatch(
    tokens: string[],
    guard: RunGuard,
  ): Promise<ItemOutcome[] | null> {
    guard.check()
    let body: unknown
    try {
      body = await this.transport.send(
        {
          method: 'POST',
          path: '',
          params: buildDebugTokenBatch(
            tokens,
            this.options.appToken,
            this.options.appsecretProof,
          ),
          appTokenRequest: true,
          batch: true,
        },
        { deadlineMessage: INSPECT_FAILS, guard },
      )
    } catch (error) {
      if (!(error instanceof GraphError) || isFatal(error)) throw error
      if (error.transient) {
        return tokens.map(() => ({
          kind: 'done',
          inspection: { ok: false, error },
        }))
      }
      return this.fallBack(error.message)
    }

    const items = parseBatchResponse(body, tokens.length)
    if (!items) {
      return this.fallBack(
        `the batch response is not a list of ${tokens.length} items`,
      )
    }
    const outcomes = items.map((item) => this.readItem(item))
    const first = outcomes[0]
    if (
      first?.kind === 'rejected' &&
      outcomes.every((o) => o.kind === 'rejected')
    ) {
      return this.fallBack(first.error.message)
    }
    return outcomes
  }

  private fallBack(reason: string): null {
    this.transport.stats.fallbackToSingle = true
    if (!this.fallbackWarned) {
      this.fallbackWarned = true
      this.options.log?.warning(
        `Meta rejected debug_token inside a batch request (${reason}); checking the tokens one request at a time.`,
      )
    }
    return null
  }

  private readItem(item: BatchItem | null): ItemOutcome {
    if (!item) {
      return {
        kind: 'retry',
        error: new GraphError(
          'Meta left this item of the batch unanswered (a partial timeout)',
          { kind: 'transient' },
        ),
      }
    }
    const hasError =
      typeof item.body === 'object' &&
      item.body !== null &&
      'error' in item.body
    if (item.code === 200 && !hasError) {
      return { kind: 'done', inspection: inspectionFromBody(item.body) }
    }

    const error = graphErrorFromResponse(item.code, item.body, {
      appTokenRequest: true,
      version: this.options.version,
    })
    const foreign = foreignAppTokenInfo(factsOf(error))
    if (foreign)
      return { kind: 'done', inspection: { ok: true, info: foreign } }
    return error.transient
      ? { kind: 'retry', error }
      : { kind: 'rejected', error }
  }

  private async settleItem(
    token: string,
    outcome: ItemOutcome,
    guard: RunGuard,
  ): Promise<Inspection> {
    if (outcome.kind === 'done') return outcome.inspection
    if (outcome.kind === 'rejected') return { ok: false, error: outcome.error }
    return this.inspectSingle(token, guard, outcome.error)
  }

  /**
   * Inspects one token with `GET debug_token`. A GraphError that concerns
   * this token becomes a failed inspection; a credentials or version error
   * is thrown. `previous` is the failure of the token's batch item.
   */
  private async inspectSingle(
    token: string,
    guard: RunGuard,
    previous?: GraphError,
  ): Promise<Inspection> {
    guard.check()
    try {
      const body = await this.transport.send(
        {
          method: 'GET',
          path: 'debug_token',
          params: {
            input_token: token,
            access_token: this.options.appToken,
            appsecret_proof: this.options.appsecretProof,
          },
          appTokenRequest: true,
          batch: false,
        },
        {
          deadlineMessage: INSPECT_FAILS,
          previous: previous ? { error: previous, attempts: 1 } : undefined,
          guard,
        },
      )
      return inspectionFromBody(body)
    } catch (error) {
      if (!(error instanceof GraphError) || isFatal(error)) throw error
      const foreign = foreignAppTokenInfo(factsOf(error))
      if (foreign) return { ok: true, info: foreign }
      return { ok: false, error }
    }
  }
}

function inspectionFromBody(body: unknown): Inspection {
  try {
    return { ok: true, info: parseDebugToken(body) }
  } catch (error) {
    if (error instanceof GraphError) return { ok: false, error }
    throw error
  }
}

/** Splits the indices 0..count-1 into runs of at most `size`. */
function chunkIndices(count: number, size: number): number[][] {
  const chunks: number[][] = []
  for (let start = 0; start < count; start += size) {
    const length = Math.min(size, count - start)
    chunks.push(Array.from({ length }, (_, offset) => start + offset))
  }
  return chunks
}
