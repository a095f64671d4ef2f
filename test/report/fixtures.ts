/**
 * Client reports for the rendering tests: one builder with defaults, the
 * incident agency (eleven user tokens that expired on the same day, and the
 * rest of a typical agency), and a large agency for the size limits.
 */
import type { ClientReport, Priority, Status } from '../../src/types.ts'

/** Builds a healthy System User report and applies `overrides`. */
export function makeReport(
  overrides: Partial<ClientReport> = {},
): ClientReport {
  return {
    client: 'Northwind Bikes',
    secret: 'META_TOKEN_NORTHWIND_BIKES',
    tokenType: 'SYSTEM_USER',
    status: 'healthy',
    expiresAt: null,
    dataAccessExpiresAt: null,
    needsMigration: false,
    written: false,
    reason: 'System User token that never expires.',
    fix: null,
    priority: 'normal',
    owner: null,
    note: null,
    scope: 'repository',
    previousExpiresAt: null,
    revoked: false,
    ...overrides,
  }
}

const CLUSTER_NAMES = [
  'Alder Outdoor',
  'Birch Coffee',
  'Cedar Dental',
  'Dogwood Books',
  'Elm Street Bakery',
  'Fir Fitness',
  'Ginkgo Garden',
  'Hazel Hair Studio',
  'Ironwood Tools',
  'Juniper Jewelry',
  'Kauri Kitchens',
]

function secretOf(name: string): string {
  return `META_TOKEN_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`
}

/** The 16 clients of the incident: 11 expired together, one password change, and five in other states. */
export function incidentReports(): ClientReport[] {
  const expired = CLUSTER_NAMES.map((name, index) =>
    makeReport({
      client: name,
      secret: secretOf(name),
      tokenType: 'USER',
      status: 'expired',
      // All eleven within one hour on 2026-10-30 (UTC).
      expiresAt: `2026-10-30T14:${String(index * 5).padStart(2, '0')}:00.000Z`,
      needsMigration: true,
      reason: 'The long-lived user token expired on 2026-10-30.',
      fix: 'Log in again through the app to get a new token, then move the client to a System User token.',
      priority: (['high', 'normal', 'low'] as Priority[])[index % 3],
      owner: index % 2 === 0 ? 'octocat' : null,
    }),
  )
  return [
    ...expired,
    makeReport({
      client: 'Northwind Bikes',
      secret: 'META_TOKEN_NORTHWIND_BIKES',
      priority: 'high',
      owner: 'hubot',
      note: 'Black Friday campaign running',
    }),
    makeReport({
      client: 'Oak Optics',
      secret: 'META_TOKEN_OAK_OPTICS',
      tokenType: 'USER',
      expiresAt: '2027-01-23T09:00:00.000Z',
      needsMigration: true,
      reason: 'Long-lived user token; it expires on 2027-01-23.',
    }),
    makeReport({
      client: 'Pine Pharmacy',
      secret: 'META_TOKEN_PINE_PHARMACY',
      status: 'expiring',
      expiresAt: '2026-12-14T08:00:00.000Z',
      reason:
        'System User token that expires on 2026-12-14 and could not be refreshed.',
      fix: 'Generate a new System User token and replace the secret.',
      owner: 'monalisa',
    }),
    makeReport({
      client: 'Quince Quilts',
      secret: 'META_TOKEN_QUINCE_QUILTS',
      tokenType: 'USER',
      status: 'expiring',
      expiresAt: '2026-12-04T16:00:00.000Z',
      needsMigration: true,
      reason: 'Short-lived user token; it cannot be refreshed.',
      fix: 'Exchange it for a long-lived token, or move to a System User token.',
      priority: 'low',
    }),
    makeReport({
      client: 'Rowan Realty',
      secret: 'META_TOKEN_ROWAN_REALTY',
      tokenType: 'USER',
      status: 'invalid',
      expiresAt: '2027-01-10T00:00:00.000Z',
      needsMigration: true,
      reason:
        'The user changed their Facebook password (code 190, subcode 460).',
      fix: 'Ask the user to log in again, then replace the secret.',
      priority: 'high',
      owner: 'octocat',
    }),
  ]
}

const STATUSES: Status[] = [
  'expired',
  'invalid',
  'error',
  'expiring',
  'refreshed',
  'healthy',
]

/** `count` reports in every state, with long names, notes and reasons, as a stress case for the size limits. */
export function largeReports(count: number): ClientReport[] {
  return Array.from({ length: count }, (_, index) => {
    const status = STATUSES[index % STATUSES.length] as Status
    const day = 1 + (index % 28)
    return makeReport({
      client: `Client number ${index} with a rather long display name | and a pipe`,
      secret: `META_TOKEN_CLIENT_${String(index).padStart(5, '0')}`,
      tokenType: index % 2 === 0 ? 'USER' : 'SYSTEM_USER',
      status,
      expiresAt:
        index % 7 === 0
          ? null
          : `2027-${String(1 + (index % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}T00:00:00.000Z`,
      needsMigration: index % 2 === 0,
      reason:
        'A reason that is long enough to matter when two thousand clients are listed in one issue body.',
      fix: status === 'healthy' ? null : 'Replace the secret with a new token.',
      priority: (['high', 'normal', 'low'] as Priority[])[index % 3],
      owner: index % 5 === 0 ? `owner-${index}` : null,
      note: index % 4 === 0 ? 'Note with *stars* and <tags>' : null,
    })
  })
}
