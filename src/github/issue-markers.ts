/** Hidden marker that identifies the tracking issue among the issues carrying its label. */
export const ISSUE_MARKER = '<!-- meta-token-keeper:tracking-issue -->'

/** Starts the line that links the run; what follows it does not count as a change of the body. */
export const RUN_LINK_MARKER = '<!-- meta-token-keeper:run-link -->'
