/**
 * Agencies loaded into the simulators: the incident agency of 16 clients
 * (most user tokens expired together weeks ago) and a large agency for the
 * benchmark. Client names are invented. Each scenario seeds the repository
 * secrets with the current tokens and returns the `tokens` input and the
 * clients file a workflow would have.
 */
import { stringify } from 'yaml'
import type { Credential, GitHubSimulator } from './github.ts'
import type { MetaSimulator, TokenSpec } from './meta.ts'
import { base62, digits, mulberry32 } from './random.ts'

const DAY = 86_400
const SIXTY_DAYS = 5_183_944

export type ClientKind =
  | 'expired-user'
  | 'never-expiring-system-user'
  | 'long-lived-user'
  | 'expiring-system-user'
  | 'short-lived-user'
  | 'invalidated-user'

export interface ScenarioClient {
  /** Secret name, `META_TOKEN_<NAME>`. */
  secret: string
  name: string
  token: string
  kind: ClientKind
}

export interface Scenario {
  clients: ScenarioClient[]
  /** `SECRET=token` lines, the `tokens` input. */
  tokensInput: string
  /** The `.github/meta-clients.yml` file. */
  clientsFileYaml: string
}

interface ClientPlan {
  name: string
  kind: ClientKind
  priority: 'high' | 'normal' | 'low'
  owner: string
  note?: string
  spec: (nowSeconds: number, userId: string) => TokenSpec
}

const EXPIRED_NAMES = [
  'Northwind Bikes',
  'Harbor Bakery',
  'Alpine Dental Group',
  'Riverside Yoga',
  'Cedar Furniture',
  'Bluefin Swim School',
  'Maple Street Books',
  'Copperline Coffee',
  'Lakeshore Florist',
  'Summit Climbing Gym',
  'Orchard Lane Cider',
]
const OWNERS = ['dana-ops', 'lee-accounts', 'sam-media']

/** 11 long-lived user tokens that expired about five weeks ago, 5 minutes apart (all within one hour). */
function expiredPlans(): ClientPlan[] {
  return EXPIRED_NAMES.map((name, index) => ({
    name,
    kind: 'expired-user' as const,
    priority:
      index < 3
        ? ('high' as const)
        : index < 8
          ? ('normal' as const)
          : ('low' as const),
    owner: OWNERS[index % OWNERS.length] as string,
    ...(index === 0
      ? { note: 'Spring campaign runs until May. Renew before any launch.' }
      : {}),
    spec: (now, userId) => {
      const expiresAt = now - 35 * DAY + index * 300
      return {
        type: 'USER',
        userId,
        expiresAt,
        issuedAt: expiresAt - SIXTY_DAYS,
      }
    },
  }))
}

const OTHER_PLANS: ClientPlan[] = [
  {
    name: 'Granite Works Roofing',
    kind: 'never-expiring-system-user',
    priority: 'normal',
    owner: 'lee-accounts',
    spec: (now, userId) => ({
      type: 'SYSTEM_USER',
      userId,
      expiresAt: 0,
      issuedAt: now - 200 * DAY,
    }),
  },
  {
    name: 'Juniper Pet Care',
    kind: 'long-lived-user',
    priority: 'normal',
    owner: 'sam-media',
    note: 'Still on a user token. Ask their admin for a System User.',
    spec: (now, userId) => ({
      type: 'USER',
      userId,
      expiresAt: now + 50 * DAY,
      issuedAt: now + 50 * DAY - SIXTY_DAYS,
    }),
  },
  {
    name: 'Redwood Realty',
    kind: 'expiring-system-user',
    priority: 'high',
    owner: 'dana-ops',
    spec: (now, userId) => ({
      type: 'SYSTEM_USER',
      userId,
      expiresAt: now + 10 * DAY,
      issuedAt: now + 10 * DAY - SIXTY_DAYS,
    }),
  },
  {
    name: 'Pinecone Toys',
    kind: 'short-lived-user',
    priority: 'low',
    owner: 'lee-accounts',
    note: 'Token pasted from the Graph API Explorer.',
    spec: (now, userId) => ({
      type: 'USER',
      userId,
      expiresAt: now + 90 * 60,
      shortLived: true,
    }),
  },
  {
    name: 'Silverleaf Spa',
    kind: 'invalidated-user',
    priority: 'high',
    owner: 'sam-media',
    spec: (now, userId) => ({
      type: 'USER',
      userId,
      expiresAt: now + 20 * DAY,
      issuedAt: now + 20 * DAY - SIXTY_DAYS,
      invalidated: { subcode: 460 },
    }),
  },
]

/** `Northwind Bikes` → `META_TOKEN_NORTHWIND_BIKES`. */
export function secretNameOf(name: string): string {
  return `META_TOKEN_${name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '')}`
}

/**
 * Loads the incident agency and seeds the repository secrets. The agency has
 * 11 expired long-lived user tokens, a never-expiring System User token, a
 * user token with 50 days left and a 60-day System User token with 10 days
 * left. It also has a short-lived user token and a user token invalidated by
 * a password change.
 */
export function buildAgency(
  meta: MetaSimulator,
  github: GitHubSimulator,
  options: { now?: number } = {},
): Scenario {
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000)
  const random = mulberry32(16)
  const plans = [...expiredPlans(), ...OTHER_PLANS]
  const clients = plans.map((plan) => {
    const token = meta.addToken(plan.spec(nowSeconds, digits(random, 16)))
    return {
      secret: secretNameOf(plan.name),
      name: plan.name,
      token,
      kind: plan.kind,
    }
  })
  return finish(github, clients, plans)
}

/**
 * Loads `count` clients for the benchmark: `dueFraction` of them hold 60-day
 * System User tokens with 1 to 20 days left, the rest are split between
 * never-expiring System User tokens and 60-day ones with 35 to 59 days left.
 * GitHub allows at most 100 secrets per repository. Above that the limit is
 * raised so the benchmark can run, which GitHub itself would not allow.
 */
export function buildLargeAgency(
  meta: MetaSimulator,
  github: GitHubSimulator,
  options: { count: number; dueFraction: number; seed?: number; now?: number },
): Scenario {
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000)
  const random = mulberry32(options.seed ?? 1)
  const due = Math.round(
    options.count * Math.min(1, Math.max(0, options.dueFraction)),
  )
  if (options.count > 100) github.setSecretLimit('repository', options.count)

  const width = Math.max(4, String(options.count).length)
  const clients: ScenarioClient[] = []
  const plans: ClientPlan[] = []
  for (let index = 0; index < options.count; index++) {
    const name = `Client ${String(index + 1).padStart(width, '0')}`
    const { kind, spec } = largePlan(index < due, random, nowSeconds)
    const token = meta.addToken({ ...spec, userId: digits(random, 16) })
    clients.push({ secret: secretNameOf(name), name, token, kind })
    plans.push({
      name,
      kind,
      priority: 'normal',
      owner: OWNERS[index % OWNERS.length] as string,
      spec: () => spec,
    })
  }
  shuffle(clients, plans, random)
  return finish(github, clients, plans)
}

function largePlan(
  isDue: boolean,
  random: () => number,
  now: number,
): { kind: ClientKind; spec: TokenSpec } {
  if (!isDue && random() < 0.5) {
    return {
      kind: 'never-expiring-system-user',
      spec: {
        type: 'SYSTEM_USER',
        userId: '',
        expiresAt: 0,
        issuedAt: now - 100 * DAY,
      },
    }
  }
  const daysLeft = isDue ? 1 + random() * 19 : 35 + random() * 24
  const expiresAt = now + Math.floor(daysLeft * DAY)
  return {
    kind: 'expiring-system-user',
    spec: {
      type: 'SYSTEM_USER',
      userId: '',
      expiresAt,
      issuedAt: expiresAt - SIXTY_DAYS,
    },
  }
}

/** Shuffles both lists in the same order, so due clients are spread over the batches. */
function shuffle(
  clients: ScenarioClient[],
  plans: ClientPlan[],
  random: () => number,
): void {
  for (let i = clients.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[clients[i], clients[j]] = [
      clients[j] as ScenarioClient,
      clients[i] as ScenarioClient,
    ]
    ;[plans[i], plans[j]] = [plans[j] as ClientPlan, plans[i] as ClientPlan]
  }
}

function finish(
  github: GitHubSimulator,
  clients: ScenarioClient[],
  plans: ClientPlan[],
): Scenario {
  for (const client of clients) {
    github.seedSecret({ kind: 'repository' }, client.secret, client.token)
  }
  const entries: Record<string, object> = {}
  plans.forEach((plan, index) => {
    const client = clients[index] as ScenarioClient
    entries[client.secret] = {
      name: plan.name,
      priority: plan.priority,
      owner: plan.owner,
      ...(plan.note ? { note: plan.note } : {}),
    }
  })
  return {
    clients,
    tokensInput: clients
      .map((client) => `${client.secret}=${client.token}`)
      .join('\n'),
    clientsFileYaml: stringify({ clients: entries }),
  }
}

export interface AgencyCredentials {
  /** A personal access token with write access to repository and organization secrets and to issues. */
  writerToken: string
  /** The workflow's GITHUB_TOKEN: Issues write, no secrets permission. */
  issueToken: string
  credentials: Record<string, Credential>
}

/** Builds the two GitHub tokens of a workflow run, text shaped like GitHub's and fixed by `seed`. */
export function agencyCredentials(seed = 1): AgencyCredentials {
  const random = mulberry32(seed ^ 0x6174)
  const writerToken = `github_pat_${base62(random, 22)}_${base62(random, 59)}`
  const issueToken = `ghs_${base62(random, 36)}`
  return {
    writerToken,
    issueToken,
    credentials: {
      [writerToken]: {
        kind: 'pat',
        secrets: 'write',
        orgSecrets: 'write',
        issues: 'write',
        login: 'keeper-bot',
      },
      [issueToken]: {
        kind: 'github-token',
        secrets: 'none',
        issues: 'write',
        login: 'github-actions[bot]',
      },
    },
  }
}
