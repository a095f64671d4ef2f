/**
 * Issues, comments and labels of the simulated GitHub REST API. Pull
 * requests share the issue numbers and appear in the issue list with a
 * `pull_request` key, as on GitHub.
 */
import {
  isoTime,
  jsonBody,
  notFound,
  paginate,
  problemsParsingJson,
  validationFailed,
  type GitHubReply,
} from './github-http.ts'

/** GitHub rejects issue and comment bodies longer than this many characters. */
export const MAX_BODY_LENGTH = 65_536

export interface LabelRecord {
  id: number
  name: string
  color: string
  description: string | null
}

export interface IssueRecord {
  id: number
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  stateReason: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null
  labels: string[]
  author: string
  createdAt: number
  updatedAt: number
  closedAt: number | null
  comments: number
  pullRequest: boolean
}

export interface CommentRecord {
  id: number
  issueNumber: number
  body: string
  author: string
  createdAt: number
}

/** What a test gives `seedIssue`. */
export interface IssueSeed {
  title: string
  body?: string
  state?: 'open' | 'closed'
  stateReason?: IssueRecord['stateReason']
  labels?: string[]
  author?: string
  pullRequest?: boolean
  createdAt?: number
}

const STATE_REASONS = ['completed', 'not_planned', 'reopened', 'duplicate']

export interface IssueRequest {
  url: URL
  body: string
  baseUrl: string
  owner: string
  repo: string
  login: string
  /** False when GitHub drops labels silently because the token lacks push access. */
  mayLabel: boolean
  now: number
}

export class IssuesApi {
  /** Issues in creation order, pull requests left out. */
  readonly issues: IssueRecord[] = []
  readonly pullRequests: IssueRecord[] = []
  readonly comments: CommentRecord[] = []
  readonly labels = new Map<string, LabelRecord>()
  readonly #byNumber = new Map<number, IssueRecord>()
  #nextNumber = 1
  #nextId = 1_000_001

  seed(seed: IssueSeed, now: number): IssueRecord {
    for (const name of seed.labels ?? []) this.#ensureLabel(name)
    const state = seed.state ?? 'open'
    const record: IssueRecord = {
      id: this.#nextId++,
      number: this.#nextNumber++,
      title: seed.title,
      body: seed.body ?? '',
      state,
      stateReason:
        seed.stateReason ?? (state === 'closed' ? 'completed' : null),
      labels: (seed.labels ?? []).map((name) => this.#ensureLabel(name).name),
      author: seed.author ?? 'octocat',
      createdAt: seed.createdAt ?? now,
      updatedAt: seed.createdAt ?? now,
      closedAt: state === 'closed' ? (seed.createdAt ?? now) : null,
      comments: 0,
      pullRequest: seed.pullRequest ?? false,
    }
    this.#byNumber.set(record.number, record)
    if (record.pullRequest) this.pullRequests.push(record)
    else this.issues.push(record)
    return record
  }

  /** `GET /repos/{owner}/{repo}/issues`: state, labels, sort, direction and pages. */
  list(request: IssueRequest): GitHubReply {
    const query = request.url.searchParams
    const state = query.get('state') ?? 'open'
    const wanted = (query.get('labels') ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '')
    const sort = query.get('sort') ?? 'created'
    const ascending = query.get('direction') === 'asc'

    const matches = [...this.#byNumber.values()]
      .filter((issue) => state === 'all' || issue.state === state)
      .filter((issue) =>
        wanted.every((name) =>
          issue.labels.some((label) => label.toLowerCase() === name),
        ),
      )
      .sort((a, b) => {
        const key = (issue: IssueRecord) =>
          sort === 'updated'
            ? issue.updatedAt
            : sort === 'comments'
              ? issue.comments
              : issue.number
        return ascending ? key(a) - key(b) : key(b) - key(a)
      })
    const path = `/repos/${request.owner}/${request.repo}/issues`
    const { page, link } = paginate(matches, request.url, request.baseUrl, path)
    return {
      status: 200,
      body: page.map((issue) => this.#render(issue, request)),
      ...(link ? { headers: { link } } : {}),
    }
  }

  get(number: number, request: IssueRequest): GitHubReply {
    const issue = this.#byNumber.get(number)
    return issue
      ? { status: 200, body: this.#render(issue, request) }
      : notFound()
  }

  /** `POST /repos/{owner}/{repo}/issues`. Labels that do not exist are created. */
  create(request: IssueRequest): GitHubReply {
    const body = jsonBody(request.body)
    if (!body) return problemsParsingJson()
    if (typeof body.title !== 'string' || body.title.trim() === '') {
      return validationFailed({
        resource: 'Issue',
        code: 'missing_field',
        field: 'title',
      })
    }
    const text = typeof body.body === 'string' ? body.body : ''
    if (text.length > MAX_BODY_LENGTH) return bodyTooLong('Issue')
    const labels = request.mayLabel ? labelNames(body.labels) : []
    if (labels === null)
      return validationFailed({
        resource: 'Issue',
        code: 'invalid',
        field: 'labels',
      })

    const issue = this.seed(
      {
        title: body.title,
        body: text,
        labels,
        author: request.login,
        createdAt: request.now,
      },
      request.now,
    )
    return { status: 201, body: this.#render(issue, request) }
  }

  /** `PATCH /repos/{owner}/{repo}/issues/{number}`: title, body, state, state_reason, labels. */
  update(number: number, request: IssueRequest): GitHubReply {
    const issue = this.#byNumber.get(number)
    if (!issue) return notFound()
    const body = jsonBody(request.body)
    if (!body) return problemsParsingJson()

    const rejected = checkUpdate(body)
    if (rejected) return rejected
    const labels =
      body.labels === undefined || !request.mayLabel
        ? undefined
        : labelNames(body.labels)
    if (labels === null)
      return validationFailed({
        resource: 'Issue',
        code: 'invalid',
        field: 'labels',
      })

    if (typeof body.title === 'string') issue.title = body.title
    if (typeof body.body === 'string') issue.body = body.body
    if (body.body === null) issue.body = ''
    if (labels)
      issue.labels = labels.map((name) => this.#ensureLabel(name).name)
    this.#applyState(issue, body, request.now)
    issue.updatedAt = request.now
    return { status: 200, body: this.#render(issue, request) }
  }

  #applyState(
    issue: IssueRecord,
    body: Record<string, unknown>,
    now: number,
  ): void {
    const reason = body.state_reason as IssueRecord['stateReason'] | undefined
    if (body.state === 'closed' && issue.state !== 'closed') {
      issue.state = 'closed'
      issue.closedAt = now
      issue.stateReason = reason ?? 'completed'
    } else if (body.state === 'open' && issue.state !== 'open') {
      issue.state = 'open'
      issue.closedAt = null
      issue.stateReason = 'reopened'
    } else if (reason !== undefined) {
      issue.stateReason = reason
    }
  }

  /** `POST /repos/{owner}/{repo}/issues/{number}/comments`. */
  comment(number: number, request: IssueRequest): GitHubReply {
    const issue = this.#byNumber.get(number)
    if (!issue) return notFound()
    const body = jsonBody(request.body)
    if (!body) return problemsParsingJson()
    if (typeof body.body !== 'string' || body.body === '') {
      return validationFailed({
        resource: 'IssueComment',
        code: 'missing_field',
        field: 'body',
      })
    }
    if (body.body.length > MAX_BODY_LENGTH) return bodyTooLong('IssueComment')

    const comment: CommentRecord = {
      id: this.#nextId++,
      issueNumber: number,
      body: body.body,
      author: request.login,
      createdAt: request.now,
    }
    this.comments.push(comment)
    issue.comments++
    issue.updatedAt = request.now
    const { owner, repo, baseUrl } = request
    return {
      status: 201,
      body: {
        id: comment.id,
        node_id: `IC_${comment.id}`,
        url: `${baseUrl}/repos/${owner}/${repo}/issues/comments/${comment.id}`,
        html_url: `https://github.com/${owner}/${repo}/issues/${number}#issuecomment-${comment.id}`,
        issue_url: `${baseUrl}/repos/${owner}/${repo}/issues/${number}`,
        body: comment.body,
        user: { login: comment.author, type: 'User' },
        created_at: isoTime(comment.createdAt),
        updated_at: isoTime(comment.createdAt),
        author_association: 'MEMBER',
      },
    }
  }

  /** `GET /repos/{owner}/{repo}/labels/{name}`; names match without regard to case. */
  getLabel(name: string, request: IssueRequest): GitHubReply {
    const label = this.labels.get(name.toLowerCase())
    return label
      ? { status: 200, body: renderLabel(label, request) }
      : notFound()
  }

  /** `POST /repos/{owner}/{repo}/labels`. */
  createLabel(request: IssueRequest): GitHubReply {
    const body = jsonBody(request.body)
    if (!body) return problemsParsingJson()
    if (typeof body.name !== 'string' || body.name.trim() === '') {
      return validationFailed({
        resource: 'Label',
        code: 'missing_field',
        field: 'name',
      })
    }
    if (this.labels.has(body.name.toLowerCase())) {
      return validationFailed({
        resource: 'Label',
        code: 'already_exists',
        field: 'name',
      })
    }
    const color =
      typeof body.color === 'string' ? body.color.replace(/^#/, '') : 'ededed'
    if (!/^[0-9a-fA-F]{6}$/.test(color)) {
      return validationFailed({
        resource: 'Label',
        code: 'invalid',
        field: 'color',
      })
    }
    const description =
      typeof body.description === 'string' ? body.description : null
    const label = this.#ensureLabel(body.name, color, description)
    return { status: 201, body: renderLabel(label, request) }
  }

  #ensureLabel(
    name: string,
    color = 'ededed',
    description: string | null = null,
  ): LabelRecord {
    const known = this.labels.get(name.toLowerCase())
    if (known) return known
    const label: LabelRecord = { id: this.#nextId++, name, color, description }
    this.labels.set(name.toLowerCase(), label)
    return label
  }

  #render(issue: IssueRecord, request: IssueRequest): object {
    const { owner, repo, baseUrl } = request
    const url = `${baseUrl}/repos/${owner}/${repo}/issues/${issue.number}`
    const kind = issue.pullRequest ? 'pull' : 'issues'
    const rendered: Record<string, unknown> = {
      url,
      repository_url: `${baseUrl}/repos/${owner}/${repo}`,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `https://github.com/${owner}/${repo}/${kind}/${issue.number}`,
      id: issue.id,
      node_id: `I_${issue.id}`,
      number: issue.number,
      title: issue.title,
      user: { login: issue.author, type: 'User' },
      labels: issue.labels.map((name) => {
        const label = this.labels.get(name.toLowerCase())
        return label ? renderLabel(label, request) : { name }
      }),
      state: issue.state,
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: issue.comments,
      created_at: isoTime(issue.createdAt),
      updated_at: isoTime(issue.updatedAt),
      closed_at: issue.closedAt === null ? null : isoTime(issue.closedAt),
      author_association: 'MEMBER',
      body: issue.body === '' ? null : issue.body,
      state_reason: issue.stateReason,
    }
    if (issue.pullRequest) {
      rendered.pull_request = {
        url: `${baseUrl}/repos/${owner}/${repo}/pulls/${issue.number}`,
        html_url: `https://github.com/${owner}/${repo}/pull/${issue.number}`,
      }
    }
    return rendered
  }
}

function renderLabel(label: LabelRecord, request: IssueRequest): object {
  return {
    id: label.id,
    node_id: `LA_${label.id}`,
    url: `${request.baseUrl}/repos/${request.owner}/${request.repo}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  }
}

/** Label names from strings or `{name}` objects; null when the field is not such a list. */
function labelNames(value: unknown): string[] | null {
  if (value === undefined) return []
  if (!Array.isArray(value)) return null
  const names: string[] = []
  for (const item of value) {
    if (typeof item === 'string') names.push(item)
    else if (
      typeof item === 'object' &&
      item !== null &&
      typeof (item as { name?: unknown }).name === 'string'
    ) {
      names.push((item as { name: string }).name)
    } else return null
  }
  return names
}

function checkUpdate(body: Record<string, unknown>): GitHubReply | null {
  if (
    body.body !== undefined &&
    body.body !== null &&
    typeof body.body !== 'string'
  ) {
    return validationFailed({
      resource: 'Issue',
      code: 'invalid',
      field: 'body',
    })
  }
  if (typeof body.body === 'string' && body.body.length > MAX_BODY_LENGTH)
    return bodyTooLong('Issue')
  if (
    body.state !== undefined &&
    body.state !== 'open' &&
    body.state !== 'closed'
  ) {
    return validationFailed({
      resource: 'Issue',
      code: 'invalid',
      field: 'state',
    })
  }
  if (
    body.state_reason !== undefined &&
    body.state_reason !== null &&
    !STATE_REASONS.includes(String(body.state_reason))
  ) {
    return validationFailed({
      resource: 'Issue',
      code: 'invalid',
      field: 'state_reason',
    })
  }
  if (
    body.title !== undefined &&
    (typeof body.title !== 'string' || body.title.trim() === '')
  ) {
    return validationFailed({
      resource: 'Issue',
      code: 'invalid',
      field: 'title',
    })
  }
  return null
}

/** GitHub's reply to a body over 65,536 characters. */
function bodyTooLong(resource: string): GitHubReply {
  return validationFailed({
    resource,
    code: 'custom',
    field: 'body',
    message: `body is too long (maximum is ${MAX_BODY_LENGTH} characters)`,
  })
}
