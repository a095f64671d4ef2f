/**
 * Holds matching requests inside a simulator, so a test can stop the action
 * at a chosen step of its run. `before` holds a request before the simulator
 * sees it, so the step has not happened. `after` lets the simulator run it
 * and holds the reply, so the step happened but the action never learns so.
 */
import type { SimRequest, SimResponse, Simulator } from '../sim/types.ts'

export type HoldPhase = 'before' | 'after'

export interface Hold {
  /** Resolves with the first matching request once it is held. */
  reached: Promise<SimRequest>
  /**
   * Ends the hold, for a client that is gone: requests held `before` are
   * dropped without reaching the simulator, replies held `after` go out to
   * a closed socket. Later requests pass as usual.
   */
  release(): void
}

const DROPPED: SimResponse = { status: 0, headers: {}, body: '', drop: true }

/** Starts holding the requests of `simulator` that `match` selects. */
export function holdRequests(
  simulator: Simulator,
  match: (request: SimRequest) => boolean,
  phase: HoldPhase,
): Hold {
  const handle = simulator.handle.bind(simulator)
  let active = true
  let reach: (request: SimRequest) => void = () => undefined
  let open: () => void = () => undefined
  const reached = new Promise<SimRequest>((resolve) => (reach = resolve))
  const released = new Promise<void>((resolve) => (open = resolve))

  simulator.handle = async (request) => {
    if (!active || !match(request)) return handle(request)
    if (phase === 'before') {
      reach(request)
      await released
      return DROPPED
    }
    const reply = await handle(request)
    reach(request)
    await released
    return reply
  }

  return {
    reached,
    release() {
      active = false
      simulator.handle = handle
      open()
    },
  }
}
