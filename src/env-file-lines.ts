/**
 * Finds the lines of a .env file that `util.parseEnv` skips because they
 * have no `=`, so the CLI can warn about them. The rules copy how parseEnv
 * of Node.js 24.21 reads blank lines, comments and quoted values that span
 * lines. A property test compares the two.
 */

/**
 * Returns the numbers (from 1) of the lines without `=` that are neither
 * blank, nor comments, nor inside a quoted value that spans lines.
 */
export function linesWithoutEquals(text: string): number[] {
  const lines = text.split(/\r\n|\n|\r/)
  // A value whose opening quote is not closed on its line runs on to the
  // next line with the same quote character. Without such a line, parseEnv
  // ends the value at the end of its line.
  const lastLineWith = new Map<string, number>()
  lines.forEach((line, index) => {
    for (const quote of ['"', "'", '`']) {
      if (line.includes(quote)) lastLineWith.set(quote, index)
    }
  })

  const skipped: number[] = []
  let openQuote: string | null = null
  let valueOnNextLine = false
  lines.forEach((line, index) => {
    if (openQuote !== null) {
      if (line.includes(openQuote)) openQuote = null
      return
    }
    const trimmed = line.trim()
    if (valueOnNextLine) {
      // parseEnv trims the whitespace after `=` across line ends, so
      // `NAME= ` takes the next line that is not blank as its value.
      if (trimmed === '') return
      valueOnNextLine = false
      openQuote = openedQuote(trimmed, index, lastLineWith)
      return
    }
    if (trimmed === '' || trimmed.startsWith('#')) return
    if (!line.includes('=')) {
      skipped.push(index + 1)
      return
    }
    // NOTE: a line that starts with `=` is left alone. parseEnv reads it in
    // ways this function does not copy, such as `=A=1` setting A.
    const at = line.indexOf('=')
    if (line.slice(0, at).trim() === '') return
    const value = line.slice(at + 1)
    if (value !== '' && value.trim() === '') {
      valueOnNextLine = true
      return
    }
    openQuote = openedQuote(value.trimStart(), index, lastLineWith)
  })
  return skipped
}

/**
 * Returns the quote character that `value` opens and a later line closes, or
 * null when the value is not quoted or ends on line `index`.
 */
function openedQuote(
  value: string,
  index: number,
  lastLineWith: Map<string, number>,
): string | null {
  const quote = value.charAt(0)
  const closesLater = (lastLineWith.get(quote) ?? -1) > index
  return closesLater && !value.slice(1).includes(quote) ? quote : null
}
