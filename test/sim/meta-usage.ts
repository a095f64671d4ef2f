/**
 * Meta's `X-App-Usage` header: whole-number percentages of the app's hourly
 * limit, over a rolling hour. Meta's Platform limit is 200 calls per daily
 * active user per rolling hour, and each call inside a batch counts.
 */

/** 200 calls × 500 daily active users, a simulator default and not Meta's number for any app. */
export const DEFAULT_CALLS_PER_HOUR = 100_000

const HOUR_MS = 3_600_000

export class AppUsage {
  readonly #callsPerHour: number
  /** Call times in ms, oldest first; `#head` skips the ones out of the window. */
  readonly #times: number[] = []
  #head = 0
  #forced: number | null = null

  constructor(callsPerHour = DEFAULT_CALLS_PER_HOUR) {
    this.#callsPerHour = Math.max(1, callsPerHour)
  }

  /** Counts `calls` calls made at `now` (ms). */
  record(now: number, calls = 1): void {
    for (let i = 0; i < calls; i++) this.#times.push(now)
  }

  /** Pins the reported percentage (null to go back to counting), so a test can push usage to 90 % or 100 %. */
  force(percent: number | null): void {
    this.#forced = percent
  }

  /** Percentage of the hourly limit used in the hour before `now`. */
  percent(now: number): number {
    if (this.#forced !== null) return this.#forced
    while (
      this.#head < this.#times.length &&
      (this.#times[this.#head] as number) <= now - HOUR_MS
    ) {
      this.#head++
    }
    if (this.#head > 4096 && this.#head * 2 > this.#times.length) {
      this.#times.splice(0, this.#head)
      this.#head = 0
    }
    const calls = this.#times.length - this.#head
    return Math.floor((100 * calls) / this.#callsPerHour)
  }

  /**
   * Returns the header value. CPU and total time are not simulated apart from the
   * call count, so they are reported as fixed shares of it.
   */
  header(now: number): string {
    const callCount = this.percent(now)
    return JSON.stringify({
      call_count: callCount,
      total_cputime: Math.floor(callCount * 0.4),
      total_time: Math.floor(callCount * 0.6),
    })
  }
}
