/**
 * Starts the action's child process with its clock set to a chosen instant,
 * so a run against a sandbox with a fixed `now` has the same date as the
 * simulators. `Date.now()` and `new Date()` start at that instant and then
 * advance in real time, so timeouts and rate-limit waits behave as usual.
 * The preload is passed through `NODE_OPTIONS=--import=data:…`, as in
 * rss-probe.ts, so the child loads no extra file.
 */

// A Proxy keeps `instanceof Date`, `Date.UTC`, `Date.parse` and `Date()`
// called as a function working; only the current time is shifted.
const CLOCK_SOURCE = `
const RealDate = globalThis.Date;
const offset = Number(process.env.MTK_CLOCK_START_MS) - RealDate.now();
const now = () => RealDate.now() + offset;
globalThis.Date = new Proxy(RealDate, {
  construct(target, args, newTarget) {
    return Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget);
  },
  apply() {
    return new RealDate(now()).toString();
  },
  get(target, property, receiver) {
    if (property === "now") return now;
    return Reflect.get(target, property, receiver);
  },
});
`

/**
 * Returns the environment that starts the child's clock at `startMs` (Unix
 * ms). Merge it into the `env` of `runAction` or `runOnAgency`.
 */
export function clockEnvironment(startMs: number): Record<string, string> {
  const url = `data:text/javascript,${encodeURIComponent(CLOCK_SOURCE)}`
  return {
    NODE_OPTIONS: `--import=${url}`,
    MTK_CLOCK_START_MS: String(startMs),
  }
}
