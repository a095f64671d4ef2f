/**
 * Deterministic randomness for the simulators: a seeded generator, so the
 * same seed gives the same tokens, key ids and faults on every run.
 */

/** Returns a mulberry32 generator: uniform numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** Returns `length` base62 characters drawn from `random`. */
export function base62(random: () => number, length: number): string {
  let text = ''
  for (let i = 0; i < length; i++) {
    text += BASE62[Math.floor(random() * 62)]
  }
  return text
}

/** Returns `length` decimal digits drawn from `random`, the first one not 0. */
export function digits(random: () => number, length: number): string {
  let text = String(1 + Math.floor(random() * 9))
  for (let i = 1; i < length; i++) text += String(Math.floor(random() * 10))
  return text
}

/** Picks one element of a non-empty list. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T
}
