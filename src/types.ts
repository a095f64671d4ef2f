/**
 * Shapes shared across the phases of a run: inputs → clients → inspection →
 * decisions → refresh → report. Nothing here performs I/O.
 */

export type TokenType = 'USER' | 'PAGE' | 'SYSTEM_USER' | 'APP' | 'UNKNOWN'

export type Status =
  'healthy' | 'refreshed' | 'expiring' | 'expired' | 'invalid' | 'error'

export type Priority = 'high' | 'normal' | 'low'

export type FailOn = 'expired' | 'expiring' | 'never'

/** Where a client's secret lives, and so where a refreshed token is written. */
export type SecretScope =
  | { kind: 'repository' }
  | { kind: 'environment'; name: string }
  | { kind: 'organization' }

/** Settings of one run, validated; the Action and the CLI both build one. */
export interface Settings {
  appId: string
  appSecret: string
  /** Empty: inspect and report only, no exchange and no write. */
  githubToken: string
  issueToken: string
  githubApiUrl: string
  /** `owner/repo` the secrets and the tracking issue belong to. */
  repository: { owner: string; repo: string }
  secretScope: SecretScope
  refreshBeforeDays: number
  warnBeforeDays: number
  failOn: FailOn
  dryRun: boolean
  trackingIssue: boolean
  issueLabels: string[]
  revokeReplaced: boolean
  graphApiVersion: string
  graphApiUrl: string
  /** Link to the workflow run, shown in the tracking issue. */
  runUrl: string | null
}

/** One client: a secret name, its token and what the clients file says of it. */
export interface Client {
  /** Secret name as GitHub stores it (upper case). */
  secret: string
  /** Display name from the clients file, or derived from the secret name. */
  name: string
  token: string
  priority: Priority
  /** GitHub login without the `@`. */
  owner: string | null
  note: string | null
  scope: SecretScope
}

/** Facts read from one `debug_token` response. */
export interface TokenInfo {
  type: TokenType
  isValid: boolean
  appId: string | null
  userId: string | null
  /** Page ID for PAGE tokens. */
  profileId: string | null
  /** Null means the token never expires (`expires_at: 0` on a valid token). */
  expiresAt: Date | null
  /** Null means data access never expires or was not reported. */
  dataAccessExpiresAt: Date | null
  issuedAt: Date | null
  scopes: string[]
  /** Meta's reason when `is_valid` is false; the message is already redacted. */
  error: { code: number; subcode: number | null; message: string } | null
}

/** One line of the `report` output. Never holds a token. */
export interface ClientReport {
  client: string
  secret: string
  tokenType: TokenType
  status: Status
  /** ISO 8601; null means never. */
  expiresAt: string | null
  /** ISO 8601; null means never or not reported. */
  dataAccessExpiresAt: string | null
  needsMigration: boolean
  /** True when a verified new token was written to the secret in this run. */
  written: boolean
  /** What happened, in plain words. */
  reason: string
  /** What a person should do, or null when nothing. */
  fix: string | null
  priority: Priority
  owner: string | null
  note: string | null
  /** `repository`, `environment:NAME` or `organization`. */
  scope: string
  /** Expiry before the refresh, for refreshed tokens. */
  previousExpiresAt: string | null
  /** True when the replaced token was revoked after the write. */
  revoked: boolean
}

/** Totals of one run. The first three are also the Action's outputs. */
export interface RunTotals {
  checked: number
  refreshed: number
  attention: number
  /**
   * Clients not checked, or due for a refresh that wrote no new token: the
   * refresh failed, or the run had no `github-token` or was a dry run.
   */
  unfinished: number
}

/** Where a run writes its progress; the Action maps it to `@actions/core`, the CLI to stderr. */
export interface Logger {
  info(message: string): void
  warning(message: string, title?: string): void
  error(message: string, title?: string): void
  debug(message: string): void
}
