import { describe, expect, it } from '@jest/globals';
import { mapConcurrent } from '../src/concurrency.js';

describe('mapConcurrent', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrent([5, 1, 4, 2, 3, 0], 2, async (item) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return item * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('lets every call finish before it throws the first failure', async () => {
    const finished: number[] = [];
    const failing = mapConcurrent([1, 2, 3], 3, async (item) => {
      await new Promise((resolve) => setImmediate(resolve));
      finished.push(item);
      if (item !== 3) throw new Error(`item ${item} failed`);
      return item;
    });
    await expect(failing).rejects.toThrow('item 1 failed');
    expect(finished.sort()).toEqual([1, 2, 3]);
  });
});
