/**
 * Bad inputs run through the bundled action (dist/index.js) as a runner runs
 * it, each against its own simulators. Each run must exit non-zero with one
 * `::error::` line that names the input and the fix. It must print no stack
 * trace unless step debug logging is on, write nothing to Meta or GitHub and
 * show no secret in any channel. The values are the sandbox's own token
 * strings, so a leak would show.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, it } from 'vitest'
import { startSandbox, type Sandbox } from '../sim/index.ts'
import { runAction, type ActionRun } from '../harness/run-action.ts'
import { describeLeaks, findLeaks, visibleLog } from '../harness/leaks.ts'

/** Values a case builds its inputs from: real tokens of the sandbox and its credentials. */
interface CaseValues {
  /** Two access tokens the Meta simulator issued. */
  tokenA: string
  tokenB: string
  appId: string
  appSecret: string
}

interface BadInputCase {
  name: string
  /** Inputs that replace the valid ones of `validInputs`. */
  inputs: (values: CaseValues) => Record<string, string>
  /** Files written into the workspace, by path relative to it. */
  files?: (values: CaseValues) => Record<string, string>
  /** Text the message must contain to name the input (or the file and line). */
  names: string
  /** Text the message must contain to say what to do. */
  fix: string
  message: RegExp
  /**
   * True when the inputs themselves are valid, so the action has already
   * sent the tokens to `debug_token` (a read) when it finds the problem.
   */
  inspectedEarly?: boolean
}

const CLIENTS_FILE = '.github/meta-clients.yml'

const CASES: BadInputCase[] = [
  {
    name: 'app-id missing',
    inputs: () => ({ 'app-id': '' }),
    names: 'Input `app-id`',
    fix: 'Set it to the App ID shown in the App Dashboard',
    message:
      /^Input `app-id` must be the numeric Meta app ID, got an empty value\. /,
  },
  {
    name: 'app-id not numeric',
    inputs: () => ({ 'app-id': 'northwind-app' }),
    names: 'Input `app-id`',
    fix: 'Set it to the App ID shown in the App Dashboard',
    message:
      /^Input `app-id` must be the numeric Meta app ID, got "northwind-app"\. /,
  },
  {
    name: 'app-id and app-secret swapped',
    inputs: (values) => ({
      'app-id': values.appSecret,
      'app-secret': values.appId,
    }),
    names: 'Input `app-id`',
    fix: 'Set it to the App ID shown in the App Dashboard',
    message: /^Input `app-id` must be the numeric Meta app ID, got "\*\*\*"\. /,
  },
  {
    name: 'app-secret missing',
    inputs: () => ({ 'app-secret': '' }),
    names: 'Input `app-secret`',
    fix: 'Pass it from a secret',
    message:
      /^Input `app-secret` must be the Meta app secret, got an empty value\. /,
  },
  {
    name: 'app-secret blank',
    inputs: () => ({ 'app-secret': '  \n ' }),
    names: 'Input `app-secret`',
    fix: 'Pass it from a secret',
    message:
      /^Input `app-secret` must be the Meta app secret, got an empty value\. /,
  },
  {
    name: 'app-secret literal undefined',
    inputs: () => ({ 'app-secret': 'undefined' }),
    names: 'Input `app-secret`',
    fix: 'check that the secret exists and its name is spelled right',
    message:
      /^Input `app-secret` must be the Meta app secret, got the text "undefined", which a missing or misspelled secret gives\. /,
  },
  {
    name: 'github-token literal null',
    inputs: () => ({ 'github-token': 'null' }),
    names: 'Input `github-token`',
    fix: 'Check that the secret passed to it exists',
    message: /^Input `github-token` must be .*, got the text "null", /,
  },
  {
    name: 'tokens line without =',
    inputs: (values) => ({
      tokens: `META_TOKEN_ACME=${values.tokenA}\nMETA_TOKEN_GLOBEX ${values.tokenB}`,
    }),
    names: 'Input `tokens` line 2',
    fix: 'Write each line as SECRET_NAME=${{ secrets.SECRET_NAME }}.',
    message: /^Input `tokens` line 2 has no `=`\. /,
  },
  {
    name: 'tokens line of a bare token',
    inputs: (values) => ({ tokens: values.tokenA }),
    names: 'Input `tokens` line 1',
    fix: 'Write each line as SECRET_NAME=${{ secrets.SECRET_NAME }}.',
    message: /^Input `tokens` line 1 has no `=`\. /,
  },
  {
    name: 'tokens empty value',
    inputs: (values) => ({
      tokens: `META_TOKEN_ACME=${values.tokenA}\nMETA_TOKEN_GLOBEX=`,
    }),
    names: 'Input `tokens` line 2',
    fix: 'Check that `${{ secrets.META_TOKEN_GLOBEX }}` names an existing secret.',
    message: /^Input `tokens` line 2: META_TOKEN_GLOBEX is empty, /,
  },
  {
    name: 'tokens literal undefined',
    inputs: () => ({ tokens: 'META_TOKEN_ACME=undefined' }),
    names: 'Input `tokens` line 1',
    fix: 'Check that `${{ secrets.META_TOKEN_ACME }}` names an existing secret.',
    message:
      /^Input `tokens` line 1: META_TOKEN_ACME is the text "undefined", /,
  },
  {
    name: 'tokens literal null',
    inputs: () => ({ tokens: 'META_TOKEN_ACME=null' }),
    names: 'Input `tokens` line 1',
    fix: 'Check that `${{ secrets.META_TOKEN_ACME }}` names an existing secret.',
    message: /^Input `tokens` line 1: META_TOKEN_ACME is the text "null", /,
  },
  {
    name: 'tokens duplicate name',
    inputs: (values) => ({
      tokens: `META_TOKEN_ACME=${values.tokenA}\nMETA_TOKEN_ACME=${values.tokenB}`,
    }),
    names: 'Input `tokens` line 2',
    fix: 'Remove one of the two lines.',
    message:
      /^Input `tokens` line 2: META_TOKEN_ACME is listed twice \(first on line 1; /,
  },
  {
    name: 'tokens duplicate name in other case',
    inputs: (values) => ({
      tokens: `META_TOKEN_ACME=${values.tokenA}\n\nmeta_token_Acme=${values.tokenB}`,
    }),
    names: 'Input `tokens` line 3',
    fix: 'Remove one of the two lines.',
    message:
      /^Input `tokens` line 3: META_TOKEN_ACME is listed twice \(first on line 1; GitHub secret names ignore case\)/,
  },
  {
    name: 'secret name starting with a digit',
    inputs: (values) => ({ tokens: `1META_TOKEN=${values.tokenA}` }),
    names: 'Input `tokens` line 1',
    fix: "Use the GitHub secret's name",
    message: /^Input `tokens` line 1: secret name "1META_TOKEN" is invalid\. /,
  },
  {
    name: 'secret name starting with GITHUB_',
    inputs: (values) => ({ tokens: `GITHUB_META_TOKEN=${values.tokenA}` }),
    names: 'Input `tokens` line 1',
    fix: "Use the GitHub secret's name",
    message:
      /^Input `tokens` line 1: secret name "GITHUB_META_TOKEN" is invalid\. /,
  },
  {
    name: 'secret name with a hyphen',
    inputs: (values) => ({ tokens: `META-TOKEN-ACME=${values.tokenA}` }),
    names: 'Input `tokens` line 1',
    fix: "Use the GitHub secret's name",
    message:
      /^Input `tokens` line 1: secret name "META-TOKEN-ACME" is invalid\. /,
  },
  {
    name: 'token written where the name belongs',
    inputs: (values) => ({ tokens: `${values.tokenA}=META_TOKEN_ACME` }),
    names: 'Input `tokens` line 1',
    fix: 'Write each line as SECRET_NAME=${{ secrets.SECRET_NAME }}.',
    message:
      /^Input `tokens` line 1: the text before `=` looks like an access token, not a secret name, so it is not shown\. /,
  },
  {
    name: 'secrets a JSON array',
    inputs: (values) => ({
      tokens: '',
      secrets: JSON.stringify([values.tokenA]),
    }),
    names: 'Input `secrets`',
    fix: 'Pass `${{ toJSON(secrets) }}`.',
    message:
      /^Input `secrets` must be a JSON object of secret names to values, got an array\. /,
  },
  {
    name: 'secrets a JSON string',
    inputs: (values) => ({
      tokens: '',
      secrets: JSON.stringify(values.tokenA),
    }),
    names: 'Input `secrets`',
    fix: 'Pass `${{ toJSON(secrets) }}`.',
    message:
      /^Input `secrets` must be a JSON object of secret names to values, got a string\. /,
  },
  {
    name: 'secrets broken JSON',
    inputs: (values) => ({
      tokens: '',
      secrets: `{"META_TOKEN_ACME": "${values.tokenA}", "META_TOKEN_GLOBEX": "${values.tokenB}`,
    }),
    names: 'Input `secrets`',
    fix: 'Pass `${{ toJSON(secrets) }}`',
    message: /^Input `secrets` is not valid JSON\. /,
  },
  {
    name: 'secrets duplicate name in other case',
    inputs: (values) => ({
      tokens: '',
      secrets: JSON.stringify({
        META_TOKEN_ACME: values.tokenA,
        meta_token_acme: values.tokenB,
      }),
    }),
    names: 'Input `secrets`',
    fix: 'Keep one of them.',
    message:
      /^Input `secrets` has both "META_TOKEN_ACME" and "meta_token_acme", which GitHub treats as one secret name\. /,
  },
  {
    name: 'tokens and secrets disagree',
    inspectedEarly: true,
    inputs: (values) => ({
      tokens: `META_TOKEN_ACME=${values.tokenA}`,
      secrets: JSON.stringify({ META_TOKEN_ACME: values.tokenB }),
    }),
    names: 'Inputs `tokens` and `secrets`',
    fix: 'Pass each client once.',
    message:
      /^Inputs `tokens` and `secrets` both pass META_TOKEN_ACME, with different values\. /,
  },
  {
    name: 'no client at all',
    inputs: () => ({ tokens: '', secrets: '' }),
    names: '`tokens`',
    fix: 'pass `tokens` lines or `secrets` with names starting with META_TOKEN_',
    message: /^No client token found: /,
  },
  {
    name: 'secrets without a prefixed name',
    inputs: (values) => ({
      tokens: '',
      secrets: JSON.stringify({ OTHER_TOKEN: values.tokenA }),
    }),
    names: '`secrets`',
    fix: 'pass `tokens` lines or `secrets` with names starting with META_TOKEN_',
    message: /^No client token found: /,
  },
  {
    name: 'secret-scope unknown',
    inputs: () => ({ 'secret-scope': 'repo' }),
    names: 'Input `secret-scope`',
    fix: 'Set it to one of these, for example `environment:production`.',
    message:
      /^Input `secret-scope` must be `repository`, `environment:NAME` or `organization`, got "repo"\. /,
  },
  {
    name: 'secret-scope environment without a name',
    inputs: () => ({ 'secret-scope': 'environment:' }),
    names: 'Input `secret-scope`',
    fix: 'Set it to one of these',
    message: /^Input `secret-scope` must be .*, got "environment:"\. /,
  },
  {
    name: 'fail-on unknown',
    inputs: () => ({ 'fail-on': 'always' }),
    names: 'Input `fail-on`',
    fix: 'Set it to one of these three words.',
    message:
      /^Input `fail-on` must be `expired`, `expiring` or `never`, got "always"\. /,
  },
  {
    name: 'refresh-before-days not a number',
    inputs: () => ({ 'refresh-before-days': 'thirty' }),
    names: 'Input `refresh-before-days`',
    fix: 'Set it to a number such as 30.',
    message:
      /^Input `refresh-before-days` must be a whole number of days \(0 or more\), got "thirty"\. Set it to a number such as 30\.$/,
  },
  {
    name: 'refresh-before-days negative',
    inputs: () => ({ 'refresh-before-days': '-5' }),
    names: 'Input `refresh-before-days`',
    fix: 'Set it to a number such as 30.',
    message:
      /^Input `refresh-before-days` must be a whole number of days \(0 or more\), got "-5"\. Set it to a number such as 30\.$/,
  },
  {
    name: 'warn-before-days negative',
    inputs: () => ({ 'warn-before-days': '-1' }),
    names: 'Input `warn-before-days`',
    fix: 'Set it to a number such as 14.',
    message:
      /^Input `warn-before-days` must be a whole number of days \(0 or more\), got "-1"\. Set it to a number such as 14\.$/,
  },
  {
    name: 'warn-before-days a fraction',
    inputs: () => ({ 'warn-before-days': '7.5' }),
    names: 'Input `warn-before-days`',
    fix: 'Set it to a number such as 14.',
    message:
      /^Input `warn-before-days` must be a whole number of days \(0 or more\), got "7\.5"\. Set it to a number such as 14\.$/,
  },
  {
    name: 'warn-before-days above refresh-before-days',
    inputs: () => ({ 'warn-before-days': '45', 'refresh-before-days': '30' }),
    names: 'Input `warn-before-days`',
    fix: 'Lower `warn-before-days` or raise `refresh-before-days`.',
    message:
      /^Input `warn-before-days` must not exceed `refresh-before-days` \(30\), got "45"\. /,
  },
  {
    name: 'graph-api-version without v',
    inputs: () => ({ 'graph-api-version': '27.0' }),
    names: 'Input `graph-api-version`',
    fix: 'Set it to `v` followed by the major and minor version',
    message:
      /^Input `graph-api-version` must be a Graph API version such as v27\.0, got "27\.0"\. /,
  },
  {
    name: 'graph-api-version without minor',
    inputs: () => ({ 'graph-api-version': 'v27' }),
    names: 'Input `graph-api-version`',
    fix: 'Set it to `v` followed by the major and minor version',
    message:
      /^Input `graph-api-version` must be a Graph API version such as v27\.0, got "v27"\. /,
  },
  {
    name: 'graph-api-url over http',
    inputs: () => ({ 'graph-api-url': 'http://graph.facebook.com' }),
    names: 'Input `graph-api-url`',
    fix: 'Set it to https://graph.facebook.com or remove the input.',
    message:
      /^Input `graph-api-url` must be an https URL .*, got "http:\/\/graph\.facebook\.com"\. /,
  },
  {
    name: 'graph-api-url with a token in the query',
    inputs: (values) => ({
      'graph-api-url': `https://graph.facebook.com/?access_token=${values.tokenA}`,
    }),
    names: 'Input `graph-api-url`',
    fix: 'Set it to https://graph.facebook.com or remove the input.',
    message:
      /^Input `graph-api-url` must be an https URL .*, got "https:\/\/graph\.facebook\.com\/\?\*\*\*"\. /,
  },
  {
    name: 'github-api-url over http',
    inputs: () => ({ 'github-api-url': 'http://github.example.com/api/v3' }),
    names: 'Input `github-api-url`',
    fix: 'Set it to https://api.github.com',
    message:
      /^Input `github-api-url` must be an https URL .*, got "http:\/\/github\.example\.com\/api\/v3"\. /,
  },
  {
    name: 'clients-file missing',
    inspectedEarly: true,
    inputs: () => ({ 'clients-file': 'config/clients.yml' }),
    names: 'Input `clients-file`',
    fix: 'Fix the path or remove the input.',
    message:
      /^Input `clients-file` names config\/clients\.yml, which does not exist\. /,
  },
  {
    name: 'clients file not valid YAML',
    inspectedEarly: true,
    inputs: () => ({}),
    files: () => ({
      [CLIENTS_FILE]:
        'clients:\n  META_TOKEN_ACME:\n    name: [Acme Corp\n    priority: high\n',
    }),
    names: `${CLIENTS_FILE}:`,
    fix: 'Fix the syntax on that line.',
    message: /^\.github\/meta-clients\.yml:\d+: invalid YAML \(/,
  },
  {
    name: 'clients file indented with a tab',
    inspectedEarly: true,
    inputs: () => ({}),
    files: () => ({
      [CLIENTS_FILE]: 'clients:\n\tMETA_TOKEN_ACME:\n    priority: high\n',
    }),
    names: `${CLIENTS_FILE}:2`,
    fix: 'Fix the syntax on that line.',
    message:
      /^\.github\/meta-clients\.yml:2: invalid YAML \(Tabs are not allowed as indentation\)/,
  },
  {
    name: 'clients file with an unknown field',
    inspectedEarly: true,
    inputs: () => ({}),
    files: () => ({
      [CLIENTS_FILE]:
        'clients:\n  META_TOKEN_ACME:\n    name: Acme Corp\n    prio: high\n',
    }),
    names: `${CLIENTS_FILE}:4`,
    fix: 'The fields are name, priority, owner, note, scope and ignore.',
    message:
      /^\.github\/meta-clients\.yml:4: unknown field "prio" in META_TOKEN_ACME\. /,
  },
  {
    name: 'clients file with an unknown top-level key',
    inspectedEarly: true,
    inputs: () => ({}),
    files: () => ({
      [CLIENTS_FILE]:
        '# Clients\nclient:\n  META_TOKEN_ACME:\n    name: Acme\n',
    }),
    names: `${CLIENTS_FILE}:2`,
    fix: 'The file has one top-level key, `clients`.',
    message:
      /^\.github\/meta-clients\.yml:2: unknown top-level key "client"\. /,
  },
  {
    name: 'clients file with a token as key',
    inspectedEarly: true,
    inputs: () => ({}),
    files: (values) => ({
      [CLIENTS_FILE]: `clients:\n  ${values.tokenB}:\n    priority: high\n`,
    }),
    names: `${CLIENTS_FILE}:2`,
    fix: "Use the secret's name as the key",
    message:
      /^\.github\/meta-clients\.yml:2: a key looks like an access token, not a secret name, so it is not shown\. /,
  },
  {
    name: 'clients file with a bad priority',
    inspectedEarly: true,
    inputs: () => ({}),
    files: (values) => ({
      [CLIENTS_FILE]: `clients:\n  META_TOKEN_ACME:\n    owner: dana-ops\n    priority: ${values.tokenA}\n`,
    }),
    names: `${CLIENTS_FILE}:4`,
    fix: 'Fix the value or remove the field.',
    message:
      /^\.github\/meta-clients\.yml:4: field `priority` of META_TOKEN_ACME must be high, normal or low, got "\*\*\*"\. /,
  },
]

/** Returns the inputs of a run that would succeed, which the cases partly replace. */
function validInputs(sandbox: Sandbox, values: CaseValues) {
  return {
    'app-id': values.appId,
    'app-secret': values.appSecret,
    'github-token': sandbox.writerToken,
    'graph-api-url': sandbox.graphUrl,
    tokens: `META_TOKEN_ACME=${values.tokenA}\nMETA_TOKEN_GLOBEX=${values.tokenB}`,
  }
}

function valuesOf(sandbox: Sandbox): CaseValues {
  const [first, second] = sandbox.scenario.clients
  return {
    tokenA: first?.token ?? '',
    tokenB: second?.token ?? '',
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
  }
}

interface CaseRun {
  run: ActionRun
  sandbox: Sandbox
  counters: ReturnType<Sandbox['counters']>
}

/** Runs the bundle once on a fresh sandbox and workspace, then closes them. */
async function runCase(
  testCase: Pick<BadInputCase, 'inputs' | 'files'>,
  env: Record<string, string> = {},
): Promise<CaseRun> {
  // The Graph simulator replies after 300 ms, so that an early inspection is
  // still in flight when the action finds a problem in the clients file.
  const sandbox = await startSandbox({
    clients: 2,
    agency: 'large',
    latencyGraphMs: 300,
  })
  const workspace = await mkdtemp(join(tmpdir(), 'mtk-bad-input-'))
  try {
    const values = valuesOf(sandbox)
    for (const [path, text] of Object.entries(testCase.files?.(values) ?? {})) {
      await mkdir(dirname(join(workspace, path)), { recursive: true })
      await writeFile(join(workspace, path), text)
    }
    const run = await runAction({
      githubApiUrl: sandbox.githubUrl,
      githubToken: sandbox.issueToken,
      repository: sandbox.repository,
      workspace,
      env,
      inputs: { ...validInputs(sandbox, values), ...testCase.inputs(values) },
    })
    return { run, sandbox, counters: sandbox.counters() }
  } finally {
    await sandbox.close()
    await rm(workspace, { recursive: true, force: true })
  }
}

/** Returns the lines of workflow commands of one kind, such as `error` or `debug`. */
function commandLines(stdout: string, command: string): string[] {
  return stdout
    .split('\n')
    .filter(
      (line) =>
        line.startsWith(`::${command}::`) || line.startsWith(`::${command} `),
    )
}

/** True when text contains a stack frame, on its own line or escaped as `%0A` inside a workflow command. */
function hasStackFrame(text: string): boolean {
  return /(^|%0A|\n)\s+at \S/.test(text)
}

/** Lists every secret a channel must not show: the credentials and every token the Meta simulator stores. */
function secretsOf(sandbox: Sandbox): string[] {
  return [
    sandbox.appSecret,
    sandbox.writerToken,
    sandbox.issueToken,
    ...sandbox.meta.tokens().map((record) => record.token),
  ]
}

function channelsOf(run: ActionRun): Record<string, string> {
  return {
    stdout: visibleLog(run.stdout),
    stderr: run.stderr,
    GITHUB_OUTPUT: run.outputFile,
    summary: run.summary,
  }
}

describe('bad inputs through the bundle', () => {
  it('covers at least 24 cases', ({ expect }) => {
    expect(CASES.length).toBeGreaterThanOrEqual(24)
  })

  it.concurrent.for(CASES)('$name', async (testCase, { expect }) => {
    const { run, sandbox, counters } = await runCase(testCase)

    expect(run.exitCode).not.toBe(0)
    const errors = commandLines(run.stdout, 'error')
    expect(errors).toHaveLength(1)
    const message = (errors[0] ?? '').replace(/^::error::/, '')
    expect(errors[0]).toMatch(/^::error::/)
    expect(message).toMatch(testCase.message)
    expect(message).toContain(testCase.names)
    expect(message).toContain(testCase.fix)
    expect(commandLines(run.stdout, 'warning')).toEqual([])

    expect(hasStackFrame(run.stdout)).toBe(false)
    expect(hasStackFrame(run.stderr)).toBe(false)

    // An early inspection is aborted when the problem is found, mostly
    // before the simulator counts it.
    expect(counters.graphRequests).toBeLessThanOrEqual(
      testCase.inspectedEarly ? 1 : 0,
    )
    expect(counters.batchRequests).toBe(counters.graphRequests)
    expect(counters.exchanges).toBe(0)
    expect(counters.revocations).toBe(0)
    expect(counters.githubRequests).toBe(0)
    expect(counters.secretWrites).toBe(0)
    expect(counters.issueWrites).toBe(0)
    expect(run.outputFile).toBe('')
    expect(run.summary).toBe('')

    const leaks = findLeaks(channelsOf(run), secretsOf(sandbox))
    expect(leaks, describeLeaks(leaks)).toEqual([])
  })
})

// The runner sets RUNNER_DEBUG=1 when step debug logging is on (the
// ACTIONS_STEP_DEBUG secret or variable, or a re-run with debug logging).
const STEP_DEBUG = { RUNNER_DEBUG: '1' }

describe('stack traces', () => {
  const debugCases = CASES.filter((testCase) =>
    [
      'app-secret literal undefined',
      'tokens duplicate name in other case',
      'secrets broken JSON',
      'clients file with an unknown field',
    ].includes(testCase.name),
  )

  it.concurrent.for(debugCases)(
    'bad input with step debug: $name',
    async (testCase, { expect }) => {
      const { run, sandbox, counters } = await runCase(testCase, STEP_DEBUG)

      expect(run.exitCode).not.toBe(0)
      const errors = commandLines(run.stdout, 'error')
      expect(errors).toHaveLength(1)
      expect((errors[0] ?? '').replace(/^::error::/, '')).toMatch(
        testCase.message,
      )
      const outsideDebug = run.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::debug::'))
        .join('\n')
      expect(hasStackFrame(outsideDebug)).toBe(false)
      expect(hasStackFrame(run.stderr)).toBe(false)
      expect(counters.exchanges).toBe(0)
      expect(counters.githubRequests).toBe(0)

      const leaks = findLeaks(channelsOf(run), secretsOf(sandbox))
      expect(leaks, describeLeaks(leaks)).toEqual([])
    },
  )

  // A failure that is not about an input: the job summary file cannot be
  // written. Its stack may help a maintainer, so it is logged, but only as a
  // debug line, which the runner shows with step debug logging alone.
  const unwritableSummary = {
    inputs: () => ({ 'tracking-issue': 'false', 'github-token': '' }),
  }
  const summaryEnv = {
    GITHUB_STEP_SUMMARY: join(tmpdir(), 'mtk-no-such-folder', 'summary'),
  }

  it.concurrent('internal failure without step debug', async ({ expect }) => {
    const { run } = await runCase(unwritableSummary, summaryEnv)

    expect(run.exitCode).not.toBe(0)
    const errors = commandLines(run.stdout, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^::error::Unable to access summary file/)
    expect(hasStackFrame(run.stdout)).toBe(false)
    expect(hasStackFrame(run.stderr)).toBe(false)
  })

  it.concurrent('internal failure with step debug', async ({ expect }) => {
    const { run, sandbox } = await runCase(unwritableSummary, {
      ...summaryEnv,
      ...STEP_DEBUG,
    })

    expect(run.exitCode).not.toBe(0)
    expect(commandLines(run.stdout, 'error')).toHaveLength(1)
    const stacks = commandLines(run.stdout, 'debug').filter(hasStackFrame)
    expect(stacks).toHaveLength(1)
    const outsideDebug = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::debug::'))
      .join('\n')
    expect(hasStackFrame(outsideDebug)).toBe(false)
    expect(hasStackFrame(run.stderr)).toBe(false)

    const leaks = findLeaks(channelsOf(run), secretsOf(sandbox))
    expect(leaks, describeLeaks(leaks)).toEqual([])
  })
})
