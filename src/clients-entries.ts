/**
 * The fields of a clients-file entry, validated with zod, and the reader for
 * the layout nearly every clients file has. The YAML parser (clients-file.ts)
 * loads only for a file outside that layout, or to name a problem's line.
 */
import { z } from 'zod'
import { isValidSecretName, parseSecretScope } from './inputs.ts'
import type { ClientEntry } from './clients.ts'
import { readClientsFileLines } from './clients-file-lines.ts'
import { looksLikeCredential, redact } from './redact.ts'
import type { SecretScope } from './types.ts'

export const FIELD_LIST = 'name, priority, owner, note, scope and ignore'

/** Expected value of each field, for messages. */
export const FIELD_RULES: Record<string, string> = {
  name: 'text',
  priority: 'high, normal or low',
  owner: 'a GitHub login such as octocat (a leading @ is allowed)',
  note: 'text',
  scope: 'repository, environment:NAME or organization',
  ignore: 'true or false',
}

/** GitHub logins: up to 39 letters, digits or single hyphens, not starting or ending with a hyphen. */
const GITHUB_LOGIN = /^@?[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/

// Free text reaches the log, the summary and the tracking issue, so a token
// pasted into it is hidden like any other.
const textField = z
  .union([z.string(), z.number()])
  .transform((value) => redact(String(value).trim()))

export const entrySchema = z.strictObject({
  name: textField.pipe(z.string().min(1)).nullish(),
  priority: z.enum(['high', 'normal', 'low']).nullish(),
  owner: z
    .string()
    .regex(GITHUB_LOGIN)
    .refine((login) => !looksLikeCredential(login))
    .transform((login) => login.replace(/^@/, ''))
    .nullish(),
  note: textField.nullish(),
  scope: z
    .string()
    .transform(parseSecretScope)
    .pipe(z.custom<SecretScope>((scope) => scope !== null))
    .nullish(),
  ignore: z.boolean().nullish(),
})

/**
 * Reads a file in the common layout with the line reader and validates it.
 * Returns null when the line reader cannot read it or any entry is invalid,
 * so that the YAML parser, which keeps every position, names the problem.
 */
export function readCommonLayout(text: string): ClientEntry[] | null {
  const lineEntries = readClientsFileLines(text)
  if (!lineEntries) return null

  const entries: ClientEntry[] = []
  const secrets = new Set<string>()
  for (const { key, line, fields } of lineEntries) {
    const secret = key.toUpperCase()
    if (
      looksLikeCredential(key) ||
      !isValidSecretName(key) ||
      secrets.has(secret)
    ) {
      return null
    }
    secrets.add(secret)

    if (fields === null) {
      entries.push(defaultEntry(secret, line))
      continue
    }
    const parsed = entrySchema.safeParse(fields)
    if (!parsed.success) return null
    entries.push(toClientEntry(secret, parsed.data, line))
  }
  return entries
}

export function defaultEntry(secret: string, line: number): ClientEntry {
  return { secret, priority: 'normal', ignore: false, line }
}

export function toClientEntry(
  secret: string,
  fields: z.infer<typeof entrySchema>,
  line: number,
): ClientEntry {
  return {
    secret,
    ...(fields.name != null && { name: fields.name }),
    priority: fields.priority ?? 'normal',
    ...(fields.owner != null && { owner: fields.owner }),
    ...(fields.note != null && fields.note !== '' && { note: fields.note }),
    ignore: fields.ignore ?? false,
    ...(fields.scope != null && { scope: fields.scope }),
    line,
  }
}
