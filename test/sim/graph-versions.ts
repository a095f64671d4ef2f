/**
 * Graph API versions as Meta's changelog lists them, and what Graph does
 * with the version segment of a path. A version expires two years after its
 * successor is released. A call to an expired version is served by the
 * oldest version still usable. Graph rejects a segment that names no
 * released version with code 2500 "Unknown path components", as field
 * reports of typos such as `v2.80` or `v3` show.
 */

interface GraphVersion {
  name: string
  /** Release date, Unix ms. */
  released: number
  /** Expiry date, Unix ms; null while Meta lists it as TBD. */
  expires: number | null
}

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`)

/** v19.0 to v27.0 from Meta's changelog; v26.0 and v27.0 expiries are TBD there. */
const RECENT: GraphVersion[] = [
  { name: 'v19.0', released: day('2024-01-23'), expires: day('2026-05-21') },
  { name: 'v20.0', released: day('2024-05-21'), expires: day('2026-09-24') },
  { name: 'v21.0', released: day('2024-10-02'), expires: day('2027-01-21') },
  { name: 'v22.0', released: day('2025-01-21'), expires: day('2027-05-20') },
  { name: 'v23.0', released: day('2025-05-29'), expires: day('2027-10-08') },
  { name: 'v24.0', released: day('2025-10-08'), expires: day('2028-02-18') },
  { name: 'v25.0', released: day('2026-02-18'), expires: day('2028-07-29') },
  { name: 'v26.0', released: day('2026-07-29'), expires: null },
  { name: 'v27.0', released: day('2026-11-04'), expires: null },
]

/** Versions before v19.0, all expired by 2026: v2.0–v2.12, v3.0–v3.3, v4.0–v18.0. */
function isRetiredVersion(name: string): boolean {
  const match = /^v(\d+)\.(\d+)$/.exec(name)
  if (!match) return false
  const major = Number(match[1])
  const minor = Number(match[2])
  if (major === 2) return minor <= 12
  if (major === 3) return minor <= 3
  return major >= 4 && major <= 18 && minor === 0
}

export type VersionResolution =
  { ok: true; requested: string; served: string } | { ok: false }

/**
 * Resolves the version segment of a path at time `now` (Unix ms). A
 * released, unexpired version serves itself; an expired one is served by
 * the oldest usable version; anything else is not a version.
 */
export function resolveVersion(
  segment: string,
  now: number,
): VersionResolution {
  const usable = RECENT.filter(
    (version) =>
      version.released <= now &&
      (version.expires === null || version.expires > now),
  )
  const oldest = usable[0]
  if (!oldest) return { ok: false }

  const known = RECENT.find((version) => version.name === segment)
  if (known && known.released > now) return { ok: false }
  if (known && (known.expires === null || known.expires > now)) {
    return { ok: true, requested: segment, served: segment }
  }
  if (known || isRetiredVersion(segment)) {
    return { ok: true, requested: segment, served: oldest.name }
  }
  return { ok: false }
}

/** True when a path segment has the shape of a version, released or not. */
export function looksLikeVersion(segment: string): boolean {
  return /^v\d+(\.\d+)?$/.test(segment)
}
