import { describe, expect, it } from '@jest/globals';
import { mapConcurrent } from '../src/concurrency.js';

describe('mapConcurrent', () => {
  it('answers in input order with at most `limit` calls in flight', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrent([30, 10, 20, 5, 15], 2, async (delay, index) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running--;
      return `${index}:${delay}`;
    });
    expect(results).toEqual(['0:30', '1:10', '2:20', '3:5', '4:15']);
    expect(peak).toBe(2);
  });

  it('rejects with the first error', async () => {
    await expect(
      mapConcurrent([1, 2, 3], 4, async (item) => {
        if (item === 2) throw new Error('two failed');
        return item;
      }),
    ).rejects.toThrow('two failed');
  });

  it('answers an empty list without calling fn', async () => {
    await expect(mapConcurrent([], 4, async () => 1)).resolves.toEqual([]);
  });
});
