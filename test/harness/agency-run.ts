/**
 * Runs the bundled action on a sandbox the way a scheduled workflow would:
 * each run reads the secrets as they are when it starts, so a token written
 * back by one run is the token the next run inspects.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  runAction,
  type ActionRun,
  type RunActionOptions,
} from './run-action.ts'
import type { Sandbox } from '../sim/index.ts'

export interface AgencyWorkspace {
  /** Folder the action runs in; holds .github/meta-clients.yml. */
  directory: string
}

/** Creates a workspace with the scenario's clients file at the default path. */
export async function createWorkspace(
  sandbox: Sandbox,
): Promise<AgencyWorkspace> {
  const directory = await mkdtemp(join(tmpdir(), 'mtk-workspace-'))
  await mkdir(join(directory, '.github'), { recursive: true })
  await writeFile(
    join(directory, '.github/meta-clients.yml'),
    sandbox.scenario.clientsFileYaml,
  )
  return { directory }
}

/** Builds the `tokens` input from the secrets as they are stored now. */
export function currentTokensInput(sandbox: Sandbox): string {
  return sandbox.scenario.clients
    .map((client) => {
      const value = sandbox.github.readSecret(
        { kind: 'repository' },
        client.secret,
      )
      return `${client.secret}=${value ?? ''}`
    })
    .join('\n')
}

/** Runs dist/index.js once against the sandbox with the scenario's secrets. */
export function runOnAgency(
  sandbox: Sandbox,
  workspace: AgencyWorkspace,
  inputs: Record<string, string> = {},
  options: Pick<
    RunActionOptions,
    'killAfterMs' | 'env' | 'signal' | 'killSignal'
  > = {},
): Promise<ActionRun> {
  return runAction({
    githubApiUrl: sandbox.githubUrl,
    githubToken: sandbox.issueToken,
    repository: sandbox.repository,
    workspace: workspace.directory,
    killAfterMs: options.killAfterMs,
    env: options.env,
    signal: options.signal,
    killSignal: options.killSignal,
    inputs: {
      'app-id': sandbox.appId,
      'app-secret': sandbox.appSecret,
      'github-token': sandbox.writerToken,
      'graph-api-url': sandbox.graphUrl,
      tokens: currentTokensInput(sandbox),
      ...inputs,
    },
  })
}
