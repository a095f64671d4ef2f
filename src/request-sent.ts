/**
 * Tells when the first HTTP request of the process has left, through the
 * diagnostics channels of the fetch that Node.js ships (undici).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'

// fetch writes a request's body as a stream, in a later turn of the event
// loop than its headers. Waiting only for `undici:client:sendHeaders` would
// leave the body queued behind whatever the caller runs next.
const SENT_OR_FAILED = [
  'undici:request:bodySent',
  'undici:client:connectError',
  'undici:request:error',
]

/**
 * Resolves once a request's body is written to its socket, or a request
 * fails, or after `timeoutMs`, whichever comes first. Subscribe before the
 * request starts.
 */
export function firstRequestSent(timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      for (const name of SENT_OR_FAILED) unsubscribe(name, done)
      resolve()
    }
    for (const name of SENT_OR_FAILED) subscribe(name, done)
    const timer = setTimeout(done, timeoutMs)
  })
}
