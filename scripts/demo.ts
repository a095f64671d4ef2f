/**
 * The demo: the incident agency of 16 clients in the local Meta and GitHub
 * simulators, and the bundled action (dist/index.js) run twice the way a
 * runner runs it. Prints the job summary and the tracking issue, then checks
 * that the second run exchanges nothing, writes nothing and leaves the issue
 * alone. Exits 1 when the action did not behave as described.
 */
import { startSandbox } from '../test/sim/index.ts'
import { createWorkspace, runOnAgency } from '../test/harness/agency-run.ts'

const rule = (title: string) =>
  console.log(`\n${'='.repeat(78)}\n${title}\n${'='.repeat(78)}\n`)

const sandbox = await startSandbox({ clients: 16 })
const problems: string[] = []
const expect = (condition: boolean, message: string) => {
  if (!condition) problems.push(message)
}

try {
  const workspace = await createWorkspace(sandbox)

  rule('Run 1: the daily scheduled run')
  const first = await runOnAgency(sandbox, workspace)
  console.log(
    `Exit code ${first.exitCode}; outputs: checked=${first.outputs.checked}, refreshed=${first.outputs.refreshed}, attention=${first.outputs.attention}, issue-number=${first.outputs['issue-number']}`,
  )
  const failure = first.stdout
    .split('\n')
    .find((line) => line.startsWith('::error::Meta tokens need attention'))
  console.log(failure ? failure.replace('::error::', 'Failed: ') : '')

  rule('Job summary (run 1)')
  console.log(first.summary.trim())

  const issues = sandbox.github.issues
  rule(
    `Tracking issue #${issues[0]?.number ?? '?'}: ${issues[0]?.title ?? '(none)'}`,
  )
  console.log(issues[0]?.body.trim() ?? '(no issue was created)')

  expect(first.exitCode === 1, 'run 1 should fail: tokens expired')
  expect(first.outputs.checked === '16', 'run 1 should check 16 clients')
  expect(first.outputs.refreshed === '2', 'run 1 should refresh 2 tokens')
  expect(first.outputs.attention === '14', 'run 1 should list 14 clients')
  expect(issues.length === 1, 'run 1 should open exactly one issue')

  rule('Run 2: the next day, same secrets as run 1 left them')
  const before = sandbox.counters()
  const second = await runOnAgency(sandbox, workspace)
  const after = sandbox.counters()
  const exchanges = after.exchanges - before.exchanges
  const writes = after.secretWrites - before.secretWrites
  const issueEdits = after.issueWrites - before.issueWrites
  console.log(
    `Exit code ${second.exitCode}; exchanges: ${exchanges}, secret writes: ${writes}, issue edits: ${issueEdits}`,
  )
  expect(exchanges === 0, 'run 2 should exchange nothing')
  expect(writes === 0, 'run 2 should write no secret')
  expect(issueEdits === 0, 'run 2 should leave the issue untouched')
} finally {
  await sandbox.close()
}

rule('Result')
if (problems.length > 0) {
  for (const problem of problems) console.log(`NOT AS EXPECTED: ${problem}`)
  process.exitCode = 1
} else {
  console.log(
    'As expected: run 1 refreshed the 60-day System User token and the short-lived token, wrote both secrets, opened one tracking issue for 14 clients and failed; run 2 changed nothing.',
  )
}
