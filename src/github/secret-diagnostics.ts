/**
 * Turns a failed secrets request into one line that names the input
 * `github-token`, the scope and the permission it lacks.
 */
import type { SecretScope } from '../types.ts'
import { githubErrorMessage, githubStatus, isRateLimited } from './octokit.ts'

type Repository = { owner: string; repo: string }

/**
 * The message GitHub returns when an installation token (the workflow's
 * GITHUB_TOKEN among them) lacks a permission.
 */
const INTEGRATION_DENIED = 'Resource not accessible by integration'

/**
 * Returns the diagnostic for `error`, raised while trying to `operation` (a
 * verb phrase such as "read the public key of") the secrets of `scope`.
 */
export function accessDiagnostic(
  scope: SecretScope,
  repository: Repository,
  error: unknown,
  operation: string,
): string {
  const target = describeTarget(scope, repository)
  const permission = describePermission(scope)
  const detail = githubErrorMessage(error)
  const failed = `Input \`github-token\` could not ${operation} ${target} (${detail})`

  if (isRateLimited(error)) {
    return `${failed}. GitHub rate-limited the request, which says nothing about the token's permissions; re-run the workflow later.`
  }
  switch (githubStatus(error)) {
    case 401:
      return `${failed}. The token is expired or revoked. Replace it with a token that has ${permission}.`
    case 403:
      return detail.includes(INTEGRATION_DENIED)
        ? `${failed}. The token is an installation token without ${permission}. The workflow's GITHUB_TOKEN never has it, so pass a fine-grained personal access token or a GitHub App token that has it.`
        : `${failed}. The token lacks ${permission}.`
    case 404:
      return `${failed}. ${describeNotFound(scope, repository)} ${permission}.`
    default:
      return `${failed}.`
  }
}

function describeTarget(
  scope: SecretScope,
  { owner, repo }: Repository,
): string {
  switch (scope.kind) {
    case 'repository':
      return `the repository secrets of ${owner}/${repo}`
    case 'environment':
      return `the secrets of environment "${scope.name}" in ${owner}/${repo}`
    case 'organization':
      return `the organization secrets of ${owner}`
  }
}

/**
 * Permission names as GitHub's REST reference gives them for fine-grained
 * tokens and GitHub Apps, with the classic-token scope.
 */
function describePermission(scope: SecretScope): string {
  // NOTE: GitHub's reference does not settle whether environment secrets also
  // need the "Environments" permission, so only "Secrets" is named here.
  return scope.kind === 'organization'
    ? 'the organization permission "Secrets: read and write" (GitHub App permission `organization_secrets`; classic token: `admin:org` scope)'
    : 'the repository permission "Secrets: read and write" (GitHub App permission `secrets`; classic token: `repo` scope)'
}

/** GitHub returns 404, not 403, for a private resource the token cannot see. */
function describeNotFound(
  scope: SecretScope,
  { owner, repo }: Repository,
): string {
  switch (scope.kind) {
    case 'repository':
      return `The token cannot see the secrets of ${owner}/${repo}. Give it access to this repository with`
    case 'environment':
      return `The environment "${scope.name}" does not exist in ${owner}/${repo}, or the token cannot see its secrets. Create the environment in the repository settings, or give the token`
    case 'organization':
      return `${owner} is not an organization, or the token cannot see its organization secrets. Use \`secret-scope: repository\` for a personal account's repository, or give the token`
  }
}
