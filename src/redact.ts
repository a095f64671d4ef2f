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

/**
 * Registered secrets by a hash of their first MIN_SECRET_LENGTH characters
 * in lower case, longest first, so that `redact` looks each position of a
 * text up once instead of searching the text for every secret (an agency
 * registers thousands). Matching ignores the case of ASCII letters, so a
 * secret that a message upper-cases, as secret names are, stays hidden.
 */
const byPrefix = new Map<number, string[]>()

/** Hash of the MIN_SECRET_LENGTH characters of `text` from `at`, computed without allocating a string. */
function prefixHash(text: string, at: number): number {
  let hash = 0
  for (let index = at; index < at + MIN_SECRET_LENGTH; index++) {
    hash = (Math.imul(hash, 31) + lowerCode(text.charCodeAt(index))) | 0
  }
  return hash
}

/** Returns the lower-case code of an ASCII letter, and any other code unchanged. */
function lowerCode(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code
}

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
 * `APP_ID|APP_SECRET`, and sealed boxes or proofs are long base64 or hex
 * runs. Meta app secrets are 32 hex digits, so one pasted into another input
 * by mistake (such as `app-id`) is hidden too.
 */
const TOKEN_PATTERNS: RegExp[] = [
  /\bEA[A-Za-z0-9]{20,}/g,
  /\b(?:gh[oprsu]_|github_pat_)[A-Za-z0-9_]{16,}/g,
  /\b\d{5,}\|[A-Za-z0-9_-]{16,}/g,
  /\b[A-Fa-f0-9]{32,}\b/g,
]

/** A long run of base64 characters that mixes cases and digits, as a token or sealed box does. */
const OPAQUE_RUN = /[A-Za-z0-9+/_-]{40,}={0,2}/g

function looksOpaque(run: string): boolean {
  return /[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run)
}

/** URL query strings can carry `access_token`, `client_secret` or `input_token`. */
const URL_WITH_QUERY = /(https?:\/\/[^\s?#"']+)\?[^\s"']*/g

/** The `user:password@` part of a URL. */
const URL_USER_INFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']+@/gi

/**
 * Fields of a form or JSON body that hold a credential. A name that ends a
 * URL path, as in `GET /v27.0/oauth/access_token: HTTP 200`, is no field.
 */
const CREDENTIAL_FIELDS =
  /((?<![/\w])(?:access_token|input_token|fb_exchange_token|client_secret|appsecret_proof|revoke_token|encrypted_value|authorization)["']?\s*[=:]\s*["']?)[^\s&"',}]+/gi

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
    const prefix = prefixHash(value, 0)
    const group = byPrefix.get(prefix)
    if (group) {
      group.push(value)
      group.sort((a, b) => b.length - a.length)
    } else {
      // An array literal reserves room for its one element, but an empty
      // array that grows by `push` reserves 17 (V8 in Node 24), which adds
      // up for thousands of secrets.
      byPrefix.set(prefix, [value])
    }
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

/** Returns `text` with every registered secret, URL user info and query, credential field and token-shaped string replaced. */
export function redact(text: string): string {
  return redactShapes(hideRegistered(text))
}

/**
 * Replaces every occurrence of a registered secret. Occurrences that overlap
 * or touch are hidden together, so no piece of either is left showing.
 */
function hideRegistered(text: string): string {
  if (byPrefix.size === 0) return text
  let result = ''
  let copiedUpTo = 0
  let hiddenUpTo = -1
  for (let at = 0; at + MIN_SECRET_LENGTH <= text.length; at++) {
    const group = byPrefix.get(prefixHash(text, at))
    const secret = group?.find((candidate) => occursAt(text, at, candidate))
    if (secret === undefined) continue
    if (at > hiddenUpTo) {
      if (hiddenUpTo >= 0) result += REPLACEMENT
      result += text.slice(copiedUpTo, at)
    }
    hiddenUpTo = Math.max(hiddenUpTo, at + secret.length)
    copiedUpTo = hiddenUpTo
  }
  if (hiddenUpTo < 0) return text
  return result + REPLACEMENT + text.slice(copiedUpTo)
}

/** True when `secret` occurs in `text` at `at`, ignoring the case of ASCII letters. */
function occursAt(text: string, at: number, secret: string): boolean {
  if (at + secret.length > text.length) return false
  for (let index = 0; index < secret.length; index++) {
    const expected = lowerCode(secret.charCodeAt(index))
    if (lowerCode(text.charCodeAt(at + index)) !== expected) return false
  }
  return true
}

/** Replaces what looks like a credential whether or not it was registered. */
function redactShapes(text: string): string {
  let result = text.replace(URL_USER_INFO, `$1${REPLACEMENT}@`)
  result = result.replace(URL_WITH_QUERY, `$1?${REPLACEMENT}`)
  result = result.replace(CREDENTIAL_FIELDS, `$1${REPLACEMENT}`)
  for (const pattern of TOKEN_PATTERNS) {
    result = result.replace(pattern, REPLACEMENT)
  }
  return result.replace(OPAQUE_RUN, (run) =>
    looksOpaque(run) ? REPLACEMENT : run,
  )
}

/** The patterns of redactShapes except OPAQUE_RUN, whose matches also need looksOpaque. */
const SHAPES = [
  URL_USER_INFO,
  URL_WITH_QUERY,
  CREDENTIAL_FIELDS,
  ...TOKEN_PATTERNS,
]

/**
 * True when `text` contains something `redact` hides by its shape alone,
 * such as a Meta access token typed where a secret name belongs.
 */
export function looksLikeCredential(text: string): boolean {
  // Tests the shapes of redactShapes without building a new string, because
  // the parsers call this for every name in inputs of thousands of lines.
  return (
    SHAPES.some((shape) => text.search(shape) !== -1) ||
    (text.match(OPAQUE_RUN)?.some(looksOpaque) ?? false)
  )
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
  byPrefix.clear()
}
