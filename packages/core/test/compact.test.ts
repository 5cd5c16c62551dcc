import { describe, expect, it } from '@jest/globals';
import { compact } from '../src/compact.js';

describe('compact', () => {
  it('drops undefined properties and keeps every other value, falsy ones included', () => {
    const source: { a: number; b?: string | undefined; c: string | undefined; d: null; e: number } = {
      a: 1,
      b: undefined,
      c: '',
      d: null,
      e: 0,
    };
    const result = compact(source);
    expect(result).toEqual({ a: 1, c: '', d: null, e: 0 });
    expect('b' in result).toBe(false);
  });
});
