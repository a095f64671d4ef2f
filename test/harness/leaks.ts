/**
 * Finds secrets in text a person or another program can read: any whole
 * secret, and any 16-character piece of one, in every channel given.
 */

/** Length of the pieces searched for; shorter ones would match ordinary words. */
export const PIECE_LENGTH = 16

export interface Leak {
  channel: string
  /** Index of the secret in the list given, never the secret itself. */
  secretIndex: number
  /** Offset of the piece in the channel's text. */
  offset: number
}

/** Returns every place where a secret, or a 16-character piece of one, appears in a channel. */
export function findLeaks(
  channels: Record<string, string>,
  secrets: readonly string[],
): Leak[] {
  const pieces = new Map<string, number>()
  secrets.forEach((secret, index) => {
    for (let at = 0; at + PIECE_LENGTH <= secret.length; at++) {
      pieces.set(secret.slice(at, at + PIECE_LENGTH), index)
    }
  })

  const leaks: Leak[] = []
  for (const [channel, text] of Object.entries(channels)) {
    for (let at = 0; at + PIECE_LENGTH <= text.length; at++) {
      const secretIndex = pieces.get(text.slice(at, at + PIECE_LENGTH))
      if (secretIndex !== undefined) {
        leaks.push({ channel, secretIndex, offset: at })
        at += PIECE_LENGTH - 1
      }
    }
  }
  return leaks
}

/** Formats leaks for an assertion message without printing the secrets. */
export function describeLeaks(leaks: Leak[]): string {
  return leaks
    .slice(0, 20)
    .map(
      (leak) => `${leak.channel} @${leak.offset}: secret #${leak.secretIndex}`,
    )
    .join('\n')
}

/**
 * Returns a runner's stdout as a person sees it in the log: the runner
 * consumes `::add-mask::VALUE` commands, which carry the very values to mask,
 * and prints none of them.
 */
export function visibleLog(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
}
