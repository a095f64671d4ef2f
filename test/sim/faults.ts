/**
 * Injected failures shared by both simulators: a seeded random share of
 * requests, and scripts that a test attaches to one route ("the next
 * exchange fails"). A fault is decided before a request touches any state,
 * so a failed request never changes what the simulator stores.
 */
import { mulberry32 } from './random.ts'
import type { FaultOptions, SimRequest, SimResponse } from './types.ts'

/**
 * Draws faults from a seeded generator: the same seed, the same sequence.
 * Kinds come in rounds, each a seeded shuffle of every kind, so a run with
 * N faults gets min(N, kinds) different kinds rather than repeats of a few.
 */
export class FaultPicker {
  readonly #random: () => number
  readonly #rate: number
  readonly #kinds: readonly string[]
  readonly #maxInARow: number
  /** Kinds left in the current round, per list of kinds. */
  readonly #rounds = new Map<string, string[]>()
  /** Faults in a row per target, reset when a request of the target passes. */
  readonly #streaks = new Map<string, number>()

  constructor(
    options: FaultOptions | undefined,
    knownKinds: readonly string[],
  ) {
    this.#random = mulberry32(options?.seed ?? 1)
    this.#rate = Math.min(1, Math.max(0, options?.failureRate ?? 0))
    const wanted = options?.kinds?.filter((kind) => knownKinds.includes(kind))
    this.#kinds = wanted && wanted.length > 0 ? wanted : knownKinds
    this.#maxInARow = options?.maxInARow ?? Number.POSITIVE_INFINITY
  }

  /** Returns a fault kind for the next request to `target`, or null for none. */
  next(target = ''): string | null {
    return this.nextOf(this.#rate, this.#kinds, target)
  }

  /** Returns one of `kinds` with probability `rate` for a request to `target`, or null. */
  nextOf(rate: number, kinds: readonly string[], target = ''): string | null {
    if (rate <= 0 || kinds.length === 0) return null
    const fails = this.#random() < rate
    const streak = this.#streaks.get(target) ?? 0
    if (!fails || streak >= this.#maxInARow) {
      this.#streaks.delete(target)
      return null
    }
    this.#streaks.set(target, streak + 1)
    return this.#draw(kinds)
  }

  #draw(kinds: readonly string[]): string {
    const key = kinds.join(',')
    let round = this.#rounds.get(key)
    if (!round || round.length === 0) {
      round = [...kinds]
      for (let i = round.length - 1; i > 0; i--) {
        const j = Math.floor(this.#random() * (i + 1))
        ;[round[i], round[j]] = [round[j] as string, round[i] as string]
      }
      this.#rounds.set(key, round)
    }
    return round.pop() as string
  }
}

/**
 * What a script returns for a request: a fault kind, a whole response, or
 * undefined to let the request through.
 */
export type ScriptResult = string | SimResponse | undefined

export type ScriptHook = (request: SimRequest) => ScriptResult

/** Per-route hooks; each runs before the seeded faults. */
export class ScriptBook {
  readonly #hooks = new Map<string, ScriptHook[]>()

  /** Attaches `hook` to `route` and returns a function that detaches it. */
  add(route: string, hook: ScriptHook): () => void {
    const hooks = this.#hooks.get(route) ?? []
    hooks.push(hook)
    this.#hooks.set(route, hooks)
    return () => {
      const index = hooks.indexOf(hook)
      if (index >= 0) hooks.splice(index, 1)
    }
  }

  /** Makes the next `times` requests of `route` fail with `kind`. */
  failNext(route: string, kind: string, times = 1): void {
    let left = times
    const remove = this.add(route, () => {
      left--
      if (left <= 0) remove()
      return kind
    })
  }

  /** Runs the hooks of `route` in order and returns the first result. */
  run(route: string, request: SimRequest): ScriptResult {
    const hooks = this.#hooks.get(route)
    if (!hooks) return undefined
    for (const hook of [...hooks]) {
      const result = hook(request)
      if (result !== undefined) return result
    }
    return undefined
  }
}
