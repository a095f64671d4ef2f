import { describe, expect, it } from 'vitest'
import { planSync, type FoundIssue } from '../../src/github/issue-plan.ts'

const BODY = [
  '<!-- meta-token-keeper:tracking-issue -->',
  '## Expiring soon (1)',
  '',
  '- **Acme** (`META_TOKEN_ACME`) · expires 2026-12-20 (16 days left as of 2026-12-04) · normal priority',
].join('\n')

function openIssue(body: string): FoundIssue {
  return {
    number: 7,
    state: 'open',
    title: 'Meta tokens: 1 expiring soon',
    body,
  }
}

describe('planSync countdowns', () => {
  it('skips an edit for a moved countdown', () => {
    const next = BODY.replace(
      '16 days left as of 2026-12-04',
      '15 days left as of 2026-12-05',
    )
    const { plan } = planSync([openIssue(BODY)], {
      title: 'Meta tokens: 1 expiring soon',
      body: next,
      needsAction: true,
    })

    expect(plan.action).toBe('unchanged')
  })

  it('edits when the expiry itself changed', () => {
    const next = BODY.replace(
      'expires 2026-12-20 (16 days',
      'expires 2026-12-27 (23 days',
    )
    const { plan } = planSync([openIssue(BODY)], {
      title: 'Meta tokens: 1 expiring soon',
      body: next,
      needsAction: true,
    })

    expect(plan.action).toBe('updated')
  })
})
