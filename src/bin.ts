#!/usr/bin/env node
import { main } from './cli.ts'

/** package.json declares Node.js 24 or later, the version the CLI is built and tested with. */
const MIN_NODE_MAJOR = 24

const major = Number(process.versions.node.split('.')[0])
if (major < MIN_NODE_MAJOR) {
  process.stderr.write(
    `error: meta-token-keeper needs Node.js ${MIN_NODE_MAJOR} or later, but this is Node.js ${process.versions.node}. Install Node.js ${MIN_NODE_MAJOR}; in a clone of the repository, \`npx node dist/cli/index.js check\` uses the Node.js 24 that \`npm ci\` installs.\n`,
  )
  process.exitCode = 2
} else {
  process.exitCode = await main(process.argv.slice(2), process.env)
}
