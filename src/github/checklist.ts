/**
 * Checklist items in the tracking issue body: `- [ ] text <!-- item:KEY -->`.
 * When a person ticks a box on GitHub, the next body the action renders
 * keeps that tick, so an edit never undoes what a person did.
 */

/** A Markdown task-list line: bullet, box, rest of the line. `[^\n]` keeps a trailing `\r` out of the way. */
const TASK_LINE = /^(\s*[-*+]\s+)\[([ xX])\]([^\n]*)$/

const ITEM_KEY = /<!--\s*item:(\S+?)\s*-->/

/** The "Re-check now" box: the action unticks it on each run, so a tick never survives. */
const RECHECK_KEY = 'recheck'

/**
 * Returns `nextBody` with every box ticked that a person ticked in
 * `previousBody`, matched by the `<!-- item:KEY -->` on the same line.
 * The `recheck` item is never carried over.
 */
export function keepTickedBoxes(
  previousBody: string,
  nextBody: string,
): string {
  const ticked = tickedKeys(previousBody)
  if (ticked.size === 0) return nextBody

  return nextBody
    .split('\n')
    .map((line) => {
      const task = TASK_LINE.exec(line)
      if (!task || task[2] !== ' ') return line
      const key = ITEM_KEY.exec(line)?.[1]
      return key && ticked.has(key) ? `${task[1]}[x]${task[3]}` : line
    })
    .join('\n')
}

/** True when the "Re-check now" box of `body` is ticked. */
export function isRecheckTicked(body: string): boolean {
  return body.split('\n').some((line) => {
    const task = TASK_LINE.exec(line)
    return task !== null && task[2] !== ' ' && isRecheckLine(line)
  })
}

function isRecheckLine(line: string): boolean {
  return ITEM_KEY.exec(line)?.[1] === RECHECK_KEY
}

function tickedKeys(body: string): Set<string> {
  const keys = new Set<string>()
  for (const line of body.split('\n')) {
    const task = TASK_LINE.exec(line)
    if (!task || task[2] === ' ') continue
    const key = ITEM_KEY.exec(line)?.[1]
    if (key && key !== RECHECK_KEY) keys.add(key)
  }
  return keys
}
