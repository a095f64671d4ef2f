/**
 * Measures the action's child process from inside: its peak resident set
 * size, and when it sent each mutating HTTP request (any method but GET and
 * HEAD) through `fetch`. The probe is preloaded through
 * `NODE_OPTIONS=--import=data:…`, so the child loads no extra file. A
 * preloaded .ts file would make Node 24 load its type stripper, which costs
 * about 40 ms and 20 MB on its own. At exit the probe writes its JSON report
 * to the file named by `MTK_PROBE_FILE`.
 */
import { readFile } from 'node:fs/promises'

export interface ProbeReport {
  /** Peak resident set size in bytes. */
  peakRssBytes: number
  /** Mutating requests in the order sent; `at` is the child's `performance.now()` in ms. */
  mutatingRequests: Array<{ at: number; method: string; origin: string }>
}

// process.resourceUsage().maxRSS is in kibibytes (getrusage ru_maxrss on Linux).
// Octokit and the Graph client both call globalThis.fetch at request time, so
// wrapping it here records their requests.
const PROBE_SOURCE = `
import { writeFileSync } from "node:fs";
const target = process.env.MTK_PROBE_FILE;
const sent = [];
const originalFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const method = (init?.method ?? input?.method ?? "GET").toUpperCase();
  if (method !== "GET" && method !== "HEAD") {
    const url = new URL(String(input?.url ?? input));
    sent.push({ at: performance.now(), method, origin: url.origin });
  }
  return originalFetch(input, init);
};
if (target) process.on("exit", () => writeFileSync(target, JSON.stringify({
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  mutatingRequests: sent,
})));
`

/** Returns the environment variables that make a Node child write a ProbeReport to `file` at exit. */
export function probeEnv(file: string): Record<string, string> {
  const url = `data:text/javascript,${encodeURIComponent(PROBE_SOURCE)}`
  return { NODE_OPTIONS: `--import=${url}`, MTK_PROBE_FILE: file }
}

/** Reads the report the probe wrote, or returns null when the child wrote none (for example, when it was killed). */
export async function readProbe(file: string): Promise<ProbeReport | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ProbeReport
  } catch {
    return null
  }
}
