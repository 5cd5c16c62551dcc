// The Scope of one check definition: typed field readers that record every problem with the check's name, the
// field and the line, plus the small value helpers the field readers share.
import { parseDuration } from './duration.js';
import { assertValidPath } from './jsonpath.js';
import { TemplateError, templateVariables } from '@lambda-release-kit/core/template';

export type Path = Array<string | number>;
export type Raw = Record<string, unknown>;

/** Where problems go: the suite being parsed, which knows file and line of every path. */
export interface ProblemSink {
  readonly problems: string[];
  where(path: Path): string | undefined;
}

/** Reads the fields of one check, recording problems with the check's name, the field and its line. */
export class Scope {
  readonly references: Array<{ variable: string; field: string; location?: string | undefined }> = [];

  constructor(
    private readonly parser: ProblemSink,
    private readonly label: string,
    private readonly base: Path,
  ) {}

  problem(path: Path, message: string): void {
    const where = this.parser.where([...this.base, ...path]);
    const field = fieldName(path);
    this.parser.problems.push(
      `${this.label}${where ? ` (${where})` : ''}: ${field ? `${field} ` : ''}${message}`,
    );
  }

  allowOnly(value: Raw, keys: string[], path: Path): void {
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) {
        const camel = key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
        const hint = keys.includes(camel)
          ? ` (did you mean "${camel}"?)`
          : ` — expected one of ${keys.join(', ')}`;
        this.problem([...path, key], `is not a known field${hint}`);
      }
    }
  }

  /** Records the variables used by a templated string and reports malformed templates. */
  template(value: string, path: Path): string {
    try {
      for (const variable of templateVariables(value)) {
        const location = this.parser.where([...this.base, ...path]);
        this.references.push({ variable, field: fieldName(path), location });
      }
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      this.problem(path, `has a bad template: ${error.message}`);
    }
    return value;
  }

  /** Walks any JSON-like value, recording templates in its strings (keys included). */
  templates(value: unknown, path: Path): unknown {
    if (typeof value === 'string') this.template(value, path);
    else if (Array.isArray(value)) value.forEach((item, index) => this.templates(item, [...path, index]));
    else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        this.template(key, [...path, key]);
        this.templates(item, [...path, key]);
      }
    }
    return value;
  }

  text(value: Raw, key: string, path: Path, required = false): string | undefined {
    const field = value[key];
    if (field === undefined || field === null) {
      if (required) this.problem([...path, key], 'is required');
      return undefined;
    }
    if (typeof field === 'number' || typeof field === 'boolean') return String(field);
    if (typeof field !== 'string' || (required && field.trim() === '')) {
      this.problem([...path, key], `must be text, got ${describe(field)}`);
      return undefined;
    }
    return this.template(field, [...path, key]);
  }

  duration(value: Raw, key: string, path: Path): number | undefined {
    const field = value[key];
    if (field === undefined) return undefined;
    const ms = parseDuration(field);
    if (ms === undefined)
      this.problem([...path, key], `has ${describe(field)} — expected a duration like 500ms, 5s, 2m`);
    return ms;
  }

  number(
    value: Raw,
    key: string,
    path: Path,
    range: { min: number; max: number; integer?: boolean },
  ): number | undefined {
    const field = value[key];
    if (field === undefined) return undefined;
    const number = typeof field === 'string' && field.trim() !== '' ? Number(field) : field;
    if (
      typeof number !== 'number' ||
      !Number.isFinite(number) ||
      number < range.min ||
      number > range.max ||
      (range.integer && !Number.isInteger(number))
    ) {
      const kind = range.integer ? 'a whole number' : 'a number';
      this.problem(
        [...path, key],
        `has ${describe(field)} — expected ${kind} from ${range.min} to ${range.max}`,
      );
      return undefined;
    }
    return number;
  }

  stringMap(value: unknown, path: Path): Record<string, string> {
    if (value === undefined) return {};
    if (!isObject(value)) {
      this.problem(path, `must be a map of names to text, got ${describe(value)}`);
      return {};
    }
    const result: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
        result[key] = this.template(String(item), [...path, key]);
      } else {
        this.problem([...path, key], `must be text, got ${describe(item)}`);
      }
    }
    return result;
  }

  regex(pattern: string, path: Path): string {
    try {
      new RegExp(pattern);
    } catch (error) {
      this.problem(path, `is not a valid regular expression: ${(error as Error).message}`);
    }
    return this.template(pattern, path);
  }

  jsonPath(path: string, at: Path): string {
    try {
      assertValidPath(path);
    } catch (error) {
      this.problem(at, `is not a valid JSONPath: ${(error as Error).message}`);
    }
    return path;
  }
}

export function fieldName(path: Path): string {
  return path.reduce<string>(
    (name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part),
    '',
  );
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function isObject(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function prune<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
