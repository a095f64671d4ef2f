import { startEarly } from './early.ts'

// The first request to Meta goes out before the rest of the Action loads.
const early = startEarly(process.env)
const { run } = await import('./main.ts')
await run(early)
