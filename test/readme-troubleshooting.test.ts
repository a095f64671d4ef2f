/**
 * The README's troubleshooting section quotes every error and warning that
 * src/ can print. Messages are read from the TypeScript syntax tree (see
 * test/harness/messages.ts), so a new message fails this test until the
 * README quotes it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  extractFromSource,
  extractMessages,
  quotedRuns,
  showMessage,
  type SourceMessage,
} from './harness/messages.ts'
import { ROOT } from './harness/run-action.ts'

const HEADING = '## Troubleshooting'

/** Returns the text from the troubleshooting heading to the next `## ` heading. */
function troubleshootingSection(readme: string): string {
  const start = readme.indexOf(`\n${HEADING}\n`)
  if (start === -1) return ''
  const end = readme.indexOf('\n## ', start + HEADING.length + 1)
  return readme.slice(start, end === -1 ? undefined : end)
}

/**
 * Makes Markdown and message text comparable: code spans, escapes and
 * emphasis markers are dropped and whitespace is collapsed, so a message
 * may be quoted with its names in backticks.
 */
function normalize(text: string): string {
  return text
    .replace(/\\(.)/g, '$1')
    .replace(/`/g, '')
    .replace(/<br>/g, ' ')
    .replace(/\s+/g, ' ')
}

/** Returns the runs of `message` that `section` does not quote. */
function missingRuns(message: SourceMessage, section: string): string[] {
  return quotedRuns(message).filter((run) => !section.includes(normalize(run)))
}

describe('message extraction', () => {
  const source = `
    import { InputError } from './inputs.ts'
    const HINT = 'Fix it.'
    export function check(name: string, log: Logger) {
      const where = \`Input \\\`tokens\\\` line \${name}\`
      if (name === '') throw new InputError(\`\${where} is empty. \${HINT}\`)
      log.warning(name.length > 3 ? 'Too long.' : \`Short: \${name}.\`)
      log.info('Not a warning.')
      return { status: 'expired', reason: 'The access token expired.' }
    }
  `
  const messages = extractFromSource('src/sample.ts', source)
  const texts = messages.map(showMessage)

  it('reads thrown errors', () => {
    expect(texts).toContain('Input `tokens` line … is empty. Fix it.')
  })

  it('splits conditional texts', () => {
    expect(texts).toContain('Too long.')
    expect(texts).toContain('Short: ….')
  })

  it('reads failed report reasons', () => {
    expect(texts).toContain('The access token expired.')
  })

  it('leaves out info lines', () => {
    expect(texts).not.toContain('Not a warning.')
    expect(messages).toHaveLength(4)
  })

  it('keeps runs of 4+ characters', () => {
    const [message] = messages
    expect(quotedRuns(message!)).toEqual([
      'Input `tokens` line',
      'is empty. Fix it',
    ])
  })

  it('finds messages in src', () => {
    const all = extractMessages(ROOT)
    const files = new Set(all.map((message) => message.file))

    expect(all.length).toBeGreaterThan(100)
    for (const file of [
      'src/cli.ts',
      'src/inputs.ts',
      'src/clients.ts',
      'src/keeper.ts',
      'src/main.ts',
      'src/verdict.ts',
      'src/meta/errors.ts',
      'src/meta/token-info.ts',
      'src/github/secret-diagnostics.ts',
    ]) {
      expect(files, file).toContain(file)
    }
  })
})

describe('README troubleshooting', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = normalize(troubleshootingSection(readme))

  it('has the section', () => {
    expect(section.length).toBeGreaterThan(1000)
  })

  it('quotes every message from src', () => {
    const missing = extractMessages(ROOT)
      .map((message) => ({ message, runs: missingRuns(message, section) }))
      .filter(({ runs }) => runs.length > 0)
      .map(
        ({ message, runs }) =>
          `${message.file}:${message.line}: ${showMessage(message)}\n    missing: ${runs.map((run) => JSON.stringify(run)).join(', ')}`,
      )

    expect(
      missing,
      `Add these messages to the "${HEADING}" section of README.md, with what they mean and what to do (… stands for a value):\n${missing.join('\n')}`,
    ).toEqual([])
  })

  it('names each 190 subcode', () => {
    for (const subcode of [458, 459, 460, 463, 464, 467, 492]) {
      expect(section).toContain(`190/${subcode}`)
    }
  })

  it('names GitHub statuses', () => {
    for (const status of ['401', '403', '404', 'rate limit']) {
      expect(section).toContain(status)
    }
  })
})
