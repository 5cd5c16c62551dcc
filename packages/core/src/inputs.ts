import { formatDuration, parseDuration } from './duration.js';
import { MAX_DOCUMENT_CHARS } from './document.js';
import { InputError } from './errors.js';

/** Reads an input's raw text ('' when unset), e.g. `(name) => core.getInput(name)`. */
export type RawInputReader = (name: string) => string;

/** Quotes a value for an error message: JSON escapes newlines (so no workflow command can be injected), long values are cut. */
export function quoteValue(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(shown);
}

export function inputError(name: string, value: string, expected: string): InputError {
  return new InputError(`input '${name}' has ${quoteValue(value)} — expected ${expected}`);
}

interface RangeOptions {
  min?: number;
  max?: number;
}

/**
 * Typed, validated readers over the raw action inputs. Every reader throws an InputError naming the input, the
 * value given and what is accepted, so an action can validate everything before its first AWS call.
 */
export class Inputs {
  constructor(private readonly raw: RawInputReader) {}

  private text(name: string): string {
    const value = this.raw(name).trim();
    if (value.length > MAX_DOCUMENT_CHARS) {
      throw new InputError(
        `input '${name}' is ${value.length} characters long — expected at most ${MAX_DOCUMENT_CHARS}`,
      );
    }
    return value;
  }

  /** True when the input was given a non-empty value. */
  has(name: string): boolean {
    return this.text(name) !== '';
  }

  string(
    name: string,
    options?: { default?: string; pattern?: RegExp; expected?: string },
  ): string | undefined;
  string(name: string, options: { required: true; pattern?: RegExp; expected?: string }): string;
  string(name: string, options: { default: string; pattern?: RegExp; expected?: string }): string;
  string(
    name: string,
    options: { required?: boolean; default?: string; pattern?: RegExp; expected?: string } = {},
  ): string | undefined {
    const value = this.text(name);
    if (value === '') {
      if (options.required) throw new InputError(`input '${name}' is required but was not given`);
      return options.default;
    }
    if (options.pattern && !options.pattern.test(value)) {
      throw inputError(name, value, options.expected ?? `a value matching ${options.pattern}`);
    }
    return value;
  }

  boolean(name: string, defaultValue: boolean): boolean {
    const value = this.text(name).toLowerCase();
    if (value === '') return defaultValue;
    if (['true', 'yes', 'on', '1'].includes(value)) return true;
    if (['false', 'no', 'off', '0'].includes(value)) return false;
    throw inputError(name, value, 'true or false (also yes/no)');
  }

  integer(name: string, options: RangeOptions & { default: number }): number;
  integer(name: string, options?: RangeOptions): number | undefined;
  integer(name: string, options: RangeOptions & { default?: number } = {}): number | undefined {
    const value = this.text(name);
    if (value === '') return options.default;
    const parsed = /^-?\d+$/.test(value) ? Number(value) : NaN;
    return checkRange(name, value, parsed, options, 'a whole number');
  }

  number(name: string, options: RangeOptions & { default: number }): number;
  number(name: string, options?: RangeOptions): number | undefined;
  number(name: string, options: RangeOptions & { default?: number } = {}): number | undefined {
    const value = this.text(name);
    if (value === '') return options.default;
    const parsed = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    return checkRange(name, value, parsed, options, 'a number');
  }

  /** A duration such as "90s", "5m", "1h30m" or a number of seconds, in milliseconds. */
  duration(name: string, options: RangeOptions & { default: number }): number;
  duration(name: string, options?: RangeOptions): number | undefined;
  duration(name: string, options: RangeOptions & { default?: number } = {}): number | undefined {
    const value = this.text(name);
    if (value === '') return options.default;
    const parsed = parseDuration(value) ?? NaN;
    return checkRange(name, value, parsed, options, 'a duration like "90s", "5m" or "1h30m"', formatDuration);
  }

  /** A percentage "10%" or a fraction "0.1", as a fraction between 0 and 1. */
  percentage(name: string, options: { default: number }): number;
  percentage(name: string, options?: { default?: number }): number | undefined;
  percentage(name: string, options: { default?: number } = {}): number | undefined {
    const value = this.text(name);
    if (value === '') return options.default;
    const parsed = parsePercentage(value);
    if (parsed === undefined)
      throw inputError(name, value, 'a percentage like "0.5%" or a fraction like "0.005"');
    return parsed;
  }

  enum<T extends string>(name: string, allowed: readonly T[], defaultValue: T): T;
  enum<T extends string>(name: string, allowed: readonly T[]): T | undefined;
  enum<T extends string>(name: string, allowed: readonly T[], defaultValue?: T): T | undefined {
    const value = this.text(name);
    if (value === '') return defaultValue;
    const match = allowed.find((option) => option.toLowerCase() === value.toLowerCase());
    if (!match) throw inputError(name, value, `one of ${allowed.join(', ')}`);
    return match;
  }

  /** Items separated by newlines or commas, trimmed, empty items dropped. */
  list(name: string): string[] {
    return splitList(this.text(name));
  }

  /** "key=value" pairs separated by newlines or commas. */
  map(name: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const item of splitList(this.text(name))) {
      const at = item.indexOf('=');
      if (at <= 0) throw inputError(name, item, 'key=value pairs separated by newlines or commas');
      result[item.slice(0, at).trim()] = item.slice(at + 1).trim();
    }
    return result;
  }

  /**
   * A JSON or YAML document (JSON is YAML); undefined when not given. The YAML parser is loaded on first use so
   * runs without document inputs (a rollback) do not pay for it at start-up.
   */
  async document(name: string): Promise<unknown> {
    const value = this.text(name);
    if (value === '') return undefined;
    const { parse: parseYaml } = await import('yaml');
    try {
      return parseYaml(value);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new InputError(
        `input '${name}' is not valid JSON or YAML (${reason}) — expected a JSON or YAML document`,
      );
    }
  }
}

export function parsePercentage(text: string): number | undefined {
  const value = text.trim();
  const percent = value.match(/^(\d+(?:\.\d+)?)\s*%$/);
  const fraction = percent ? Number(percent[1]) / 100 : /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(fraction) && fraction >= 0 && fraction <= 1 ? fraction : undefined;
}

export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function checkRange(
  name: string,
  raw: string,
  parsed: number,
  range: RangeOptions,
  kind: string,
  format: (value: number) => string = String,
): number {
  const bounds =
    range.min !== undefined && range.max !== undefined
      ? ` between ${format(range.min)} and ${format(range.max)}`
      : range.min !== undefined
        ? ` of at least ${format(range.min)}`
        : range.max !== undefined
          ? ` of at most ${format(range.max)}`
          : '';
  const inRange =
    Number.isFinite(parsed) &&
    (range.min === undefined || parsed >= range.min) &&
    (range.max === undefined || parsed <= range.max);
  if (!inRange) throw inputError(name, raw, `${kind}${bounds}`);
  return parsed;
}
