/**
 * The one place where text from outside (fetch, Octokit and Meta errors) is
 * made safe to print. Every message that may carry a URL, a request body or a
 * token passes through `redact` before it reaches a log, an output, a summary,
 * an issue or an error message.
 */

const REPLACEMENT = '***'

/** Tokens shorter than this are not registered: masking them would hide ordinary words. */
const MIN_SECRET_LENGTH = 8

const secrets = new Set<string>()

let maskListener: ((value: string) => void) | null = null

/**
 * Sets the function told of each newly registered secret; the Action passes
 * `core.setSecret`, so a token Meta returns is masked in the runner's log the
 * moment it is parsed, before anything can print it.
 */
export function onSecretRegistered(listener: (value: string) => void): void {
  maskListener = listener
  for (const secret of secrets) listener(secret)
}

/**
 * Patterns of token-shaped strings that are hidden even when nobody
 * registered them: Meta access tokens start with `EAA`, GitHub tokens with
 * `ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_` or `github_pat_`, app tokens are
 * `APP_ID|APP_SECRET`, and sealed boxes or proofs are long base64 or hex runs.
 */
const TOKEN_PATTERNS: RegExp[] = [
  /\bEA[A-Za-z0-9]{20,}/g,
  /\b(?:gh[oprsu]_|github_pat_)[A-Za-z0-9_]{16,}/g,
  /\b\d{5,}\|[A-Za-z0-9_-]{16,}/g,
  /\b[A-Fa-f0-9]{40,}\b/g,
]

/** A long run of base64 characters that mixes cases and digits, as a token or sealed box does. */
const OPAQUE_RUN = /[A-Za-z0-9+/_-]{40,}={0,2}/g

function looksOpaque(run: string): boolean {
  return /[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run)
}

/** URL query strings can carry `access_token`, `client_secret` or `input_token`. */
const URL_WITH_QUERY = /(https?:\/\/[^\s?#"']+)\?[^\s"']*/g

/** Fields of a form or JSON body that hold a credential. */
const CREDENTIAL_FIELDS =
  /((?:access_token|input_token|fb_exchange_token|client_secret|appsecret_proof|revoke_token|encrypted_value|authorization)["']?\s*[=:]\s*["']?)[^\s&"',}]+/gi

/**
 * Registers a value that must never be printed. Returns the value so a caller
 * can mask at the point of use: `const token = registerSecret(raw)`.
 */
export function registerSecret(value: string): string {
  if (
    value.length >= MIN_SECRET_LENGTH &&
    !isTypoLiteral(value) &&
    !secrets.has(value)
  ) {
    secrets.add(value)
    maskListener?.(value)
  }
  return value
}

/**
 * A workflow that names a missing secret through a string expression can pass
 * the text "undefined" or "null"; such text is no secret, and masking it would
 * hide the very word that explains the mistake.
 */
function isTypoLiteral(value: string): boolean {
  return /^(undefined|null)$/i.test(value.trim())
}

/** Returns `text` with every registered secret, URL query, credential field and token-shaped string replaced. */
export function redact(text: string): string {
  let result = text
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REPLACEMENT)
  }
  result = result.replace(URL_WITH_QUERY, `$1?${REPLACEMENT}`)
  result = result.replace(CREDENTIAL_FIELDS, `$1${REPLACEMENT}`)
  for (const pattern of TOKEN_PATTERNS) {
    result = result.replace(pattern, REPLACEMENT)
  }
  result = result.replace(OPAQUE_RUN, (run) =>
    looksOpaque(run) ? REPLACEMENT : run,
  )
  return result
}

/** Returns a one-line, redacted description of any thrown value. */
export function describeError(error: unknown): string {
  const text =
    error instanceof Error
      ? error.message
      : typeof error === 'string'
        ? error
        : 'unknown error'
  return redact(text.split('\n')[0] ?? '').trim()
}

/** Forgets every registered secret; for tests that run several scenarios in one process. */
export function clearSecretsForTesting(): void {
  secrets.clear()
}
