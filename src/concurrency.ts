/**
 * Runs `task` for every item with at most `limit` tasks in flight and returns
 * the results in input order. A rejected task rejects the whole call, so tasks
 * that must not stop their neighbours catch their own errors.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0

  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index] as T, index)
    }
  }

  const workers = Array.from(
    { length: Math.min(Math.max(1, limit), items.length) },
    () => worker(),
  )
  await Promise.all(workers)
  return results
}
