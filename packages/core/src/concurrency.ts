/**
 * Maps `items` with at most `limit` calls of `fn` running at once, results in the order of `items`. Every call is
 * let finish before a failure is thrown (the first, in the order of `items`), so no call is left running behind it.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const settled: Array<PromiseSettledResult<R>> = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      settled[index] = await fn(items[index] as T, index).then(
        (value): PromiseFulfilledResult<R> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseRejectedResult => ({ status: 'rejected', reason }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}
