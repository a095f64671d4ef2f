import { startEarly } from './early.ts'
import { nextRequestSent } from './meta/http.ts'

/** Maximum wait, in ms, for the first request to leave before the rest loads anyway. */
const SEND_WAIT_MS = 250

/** Time, in ms, that a finished run has to end by itself before it exits. */
const EXIT_GRACE_MS = 5000

// The first request to Meta goes out before the rest of the Action loads.
// Compiling the rest blocks the event loop for tens of milliseconds, so it
// starts once that request has left and Meta is working on it. A request
// cannot leave before the event loop turns, so subscribing now is in time.
const early = startEarly(process.env)
if (early) await nextRequestSent(SEND_WAIT_MS)
const { run } = await import('./main.ts')
await run(early)

// Nothing the run started should outlive it. A connection that keeps
// retrying (Node's fetch behind a proxy that drops CONNECT, for one) would
// keep the process, and the job, running, so the process exits once its
// last lines have had time to reach the runner. The timer does not keep a
// finished process alive.
setTimeout(() => process.exit(), EXIT_GRACE_MS).unref()
