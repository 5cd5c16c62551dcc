import { describe, expect, it } from '@jest/globals';
import { InputError, Inputs, parsePercentage, splitList } from '@lambda-release-kit/core';

const reader = (values: Record<string, string>) => new Inputs((name) => values[name] ?? '');

describe('Inputs', () => {
  it('reads strings, required and optional, with defaults and patterns', () => {
    const inputs = reader({ name: '  orders-api  ', tag: 'v1.2' });
    expect(inputs.string('name', { required: true })).toBe('orders-api');
    expect(inputs.string('missing')).toBeUndefined();
    expect(inputs.string('missing', { default: 'live' })).toBe('live');
    expect(() => inputs.string('missing', { required: true })).toThrow(
      "input 'missing' is required but was not given",
    );
    expect(() =>
      inputs.string('tag', { pattern: /^v\d+\.\d+\.\d+$/, expected: 'a tag like "v1.2.3"' }),
    ).toThrow(`input 'tag' has "v1.2" — expected a tag like "v1.2.3"`);
  });

  it('reads booleans in the spellings users write', () => {
    const inputs = reader({ a: 'true', b: 'No', c: 'YES', d: 'maybe' });
    expect(inputs.boolean('a', false)).toBe(true);
    expect(inputs.boolean('b', true)).toBe(false);
    expect(inputs.boolean('c', false)).toBe(true);
    expect(inputs.boolean('unset', true)).toBe(true);
    expect(() => inputs.boolean('d', false)).toThrow(
      `input 'd' has "maybe" — expected true or false (also yes/no)`,
    );
  });

  it('checks integer and number ranges', () => {
    const inputs = reader({ n: '5', big: '500', frac: '2.5', word: 'ten', neg: '-1' });
    expect(inputs.integer('n', { min: 1, max: 10 })).toBe(5);
    expect(inputs.integer('unset', { default: 3 })).toBe(3);
    expect(() => inputs.integer('big', { min: 1, max: 100 })).toThrow(
      `input 'big' has "500" — expected a whole number between 1 and 100`,
    );
    expect(() => inputs.integer('frac')).toThrow('expected a whole number');
    expect(inputs.number('frac', { min: 0 })).toBe(2.5);
    expect(() => inputs.number('word')).toThrow(`input 'word' has "ten" — expected a number`);
    expect(() => inputs.number('neg', { min: 0 })).toThrow('expected a number of at least 0');
  });

  it('parses durations into milliseconds', () => {
    const inputs = reader({ a: '90s', b: '5m', c: '1h30m', d: '250ms', e: '30', f: '5 minutes', g: '2h' });
    expect(inputs.duration('a')).toBe(90_000);
    expect(inputs.duration('b')).toBe(300_000);
    expect(inputs.duration('c')).toBe(5_400_000);
    expect(inputs.duration('d')).toBe(250);
    expect(inputs.duration('e')).toBe(30_000);
    expect(() => inputs.duration('f')).toThrow(
      `input 'f' has "5 minutes" — expected a duration like "90s", "5m" or "1h30m"`,
    );
    expect(() => inputs.duration('g', { max: 3_600_000 })).toThrow('of at most 1h');
  });

  it('parses percentages as fractions', () => {
    const inputs = reader({ a: '10%', b: '0.5%', c: '0.1', d: '150%', e: 'lots' });
    expect(inputs.percentage('a')).toBeCloseTo(0.1);
    expect(inputs.percentage('b')).toBeCloseTo(0.005);
    expect(inputs.percentage('c')).toBeCloseTo(0.1);
    expect(() => inputs.percentage('d')).toThrow(`input 'd' has "150%"`);
    expect(() => inputs.percentage('e')).toThrow(InputError);
    expect(parsePercentage('100%')).toBe(1);
  });

  it('reads enums case-insensitively and lists the accepted values', () => {
    const inputs = reader({ s: 'Alias-Weights', bad: 'blue-green' });
    const strategies = ['codedeploy', 'alias-weights', 'all-at-once'] as const;
    expect(inputs.enum('s', strategies)).toBe('alias-weights');
    expect(inputs.enum('unset', strategies, 'codedeploy')).toBe('codedeploy');
    expect(() => inputs.enum('bad', strategies)).toThrow(
      `input 'bad' has "blue-green" — expected one of codedeploy, alias-weights, all-at-once`,
    );
  });

  it('reads lists, maps and documents', async () => {
    const inputs = reader({
      list: 'a, b\nc,,\n',
      map: 'team=payments\nenv = prod',
      badmap: 'team',
      json: '{"a": [1, 2]}',
      yaml: '- name: health\n  url: http://x',
      broken: '{ "a": ',
    });
    expect(inputs.list('list')).toEqual(['a', 'b', 'c']);
    expect(splitList('')).toEqual([]);
    expect(inputs.map('map')).toEqual({ team: 'payments', env: 'prod' });
    expect(() => inputs.map('badmap')).toThrow(`input 'badmap' has "team" — expected key=value pairs`);
    expect(await inputs.document('json')).toEqual({ a: [1, 2] });
    expect(await inputs.document('yaml')).toEqual([{ name: 'health', url: 'http://x' }]);
    expect(await inputs.document('unset')).toBeUndefined();
    await expect(inputs.document('broken')).rejects.toThrow(`input 'broken' is not valid JSON or YAML`);
  });

  it('never echoes a hostile value in a way that could inject a workflow command', () => {
    const inputs = reader({ tag: 'v1\n::set-output name=x::y', huge: 'x'.repeat(2_000_000) });
    let message = '';
    try {
      inputs.string('tag', { pattern: /^v\d+$/, expected: 'a tag' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('\n');
    expect(message).toContain('\\n::set-output');
    expect(() => inputs.string('huge')).toThrow("input 'huge' is 2000000 characters long");
  });
});
