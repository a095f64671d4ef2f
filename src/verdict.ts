/**
 * Whether a run fails, by the `fail-on` rule, and the one line that says why.
 * Shared by the Action and the CLI so both exit alike.
 */
import { needsAttention, type KeeperResult } from './keeper.ts'
import type { FailOn } from './types.ts'

/**
 * Returns the one line that explains why the run fails, or null when it
 * passes. `listedIn` names where the run listed the clients, such as "the
 * job summary".
 */
export function failureReason(
  failOn: FailOn,
  result: Pick<KeeperResult, 'reports' | 'problems'>,
  listedIn: string,
): string | null {
  if (failOn === 'never') return null
  const count = (statuses: string[]) =>
    result.reports.filter((report) => statuses.includes(report.status)).length

  const broken = count(['expired', 'invalid'])
  const errors = count(['error'])
  const expiring = failOn === 'expiring' ? count(['expiring']) : 0
  const parts = [
    broken && `${broken} expired or invalid`,
    errors && `${errors} could not be checked or refreshed`,
    expiring && `${expiring} expiring`,
  ].filter(Boolean)
  if (parts.length === 0 && result.problems.length === 0) return null

  const attention = result.reports.filter(needsAttention).length
  const detail = parts.length > 0 ? parts.join(', ') : result.problems[0]
  return `Meta tokens need attention (fail-on: ${failOn}): ${detail}. ${attention} client(s) listed in ${listedIn}.`
}
