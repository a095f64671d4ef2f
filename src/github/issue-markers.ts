/** Hidden marker that identifies the tracking issue among the issues carrying its label. */
export const ISSUE_MARKER = '<!-- meta-token-keeper:tracking-issue -->'

/** Starts the line that links the run; what follows it does not count as a change of the body. */
export const RUN_LINK_MARKER = '<!-- meta-token-keeper:run-link -->'

/**
 * Matches the days left before an expiry, stamped with the day they were
 * counted on, as in " (16 days left as of 2026-12-04)". Bodies are compared
 * without it, so a count that only moved with the calendar causes no edit.
 */
export const COUNTDOWN = / \(\d[\d,]* days? left as of \d{4}-\d{2}-\d{2}\)/g
