import { startEarly } from './early.ts'
import { nextRequestSent } from './meta/http.ts'

/** Maximum wait, in ms, for the first request to leave before the rest loads anyway. */
const SEND_WAIT_MS = 250

// The first request to Meta goes out before the rest of the Action loads.
// Compiling the rest blocks the event loop for tens of milliseconds, so it
// starts once that request has left and Meta is working on it. A request
// cannot leave before the event loop turns, so subscribing now is in time.
const early = startEarly(process.env)
if (early) await nextRequestSent(SEND_WAIT_MS)
const { run } = await import('./main.ts')
await run(early)
