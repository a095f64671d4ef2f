/**
 * Reads the peak resident set size of the action's child process. The probe
 * is preloaded through `NODE_OPTIONS=--import=data:…`, so the child loads no
 * extra file. A preloaded .ts file would make Node 24 load its type stripper,
 * which costs about 40 ms and 20 MB on its own. At exit the probe writes the
 * peak RSS in bytes to the file named by `MTK_RSS_FILE`.
 */
import { readFile } from 'node:fs/promises'

// process.resourceUsage().maxRSS is in kibibytes (getrusage ru_maxrss on Linux).
const PROBE_SOURCE = [
  'import { writeFileSync } from "node:fs";',
  'const target = process.env.MTK_RSS_FILE;',
  'if (target) process.on("exit", () =>',
  '  writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));',
].join('\n')

/** Returns the environment variables that make a Node child report its peak RSS to `file`. */
export function rssProbeEnv(file: string): Record<string, string> {
  const url = `data:text/javascript,${encodeURIComponent(PROBE_SOURCE)}`
  return { NODE_OPTIONS: `--import=${url}`, MTK_RSS_FILE: file }
}

/** Reads the peak RSS in bytes that the probe wrote, or null when the child wrote none. */
export async function readPeakRss(file: string): Promise<number | null> {
  try {
    const bytes = Number((await readFile(file, 'utf8')).trim())
    return Number.isFinite(bytes) && bytes > 0 ? bytes : null
  } catch {
    return null
  }
}
