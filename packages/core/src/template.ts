import { randomBytes, randomUUID } from 'node:crypto';

/**
 * `{{ ... }}` templates for check definitions and notification texts.
 *
 *   {{ user.id }}                  a variable, dotted paths reach into objects and arrays (items.0.id)
 *   {{ env.NAME }}                 an environment variable (an error when it is not set)
 *   {{ now }}                      the current time, ISO 8601 (UTC)
 *   {{ now "+1d" "YYYY-MM-DD" }}   offsets (+1d -2h +30m +10s +1w +500ms, several allowed) and a format:
 *                                  iso, date (YYYY-MM-DD), unix (seconds), unix-ms, or a pattern with
 *                                  YYYY MM DD HH mm ss SSS (UTC)
 *   {{ timestamp }}                epoch milliseconds
 *   {{ uuid }}                     a random UUID v4
 *   {{ random 8 }}                 a random string (default 16 chars); optional charset: alnum, alpha, digits, hex
 *
 * Helper names win over variables of the same name. `\{{` renders a literal `{{`.
 */

export class TemplateError extends Error {
  override name = 'TemplateError';
  /** The variable path that could not be resolved, for callers that know where it moved. */
  readonly path: string | undefined;
  constructor(message: string, path?: string) {
    super(message);
    this.path = path;
  }
}

export interface TemplateOptions {
  env?: NodeJS.ProcessEnv | undefined;
  now?: (() => Date) | undefined;
}

export const TEMPLATE_HELPERS = ['now', 'timestamp', 'uuid', 'random'] as const;

const EXPRESSION = /\\\{\{|\{\{([\s\S]*?)\}\}/g;
const PATH = /^[A-Za-z_$][\w$-]*(\.[\w$-]+)*$/;
const OFFSET = /^([+-])(\d+)(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const CHARSETS: Record<string, string> = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  digits: '0123456789',
  hex: '0123456789abcdef',
};
const MAX_RANDOM_LENGTH = 1024;

type Expression =
  | { kind: 'variable'; path: string }
  | { kind: 'env'; name: string }
  | { kind: 'now'; offsetMs: number; format: string }
  | { kind: 'timestamp' }
  | { kind: 'uuid' }
  | { kind: 'random'; length: number; charset: string };

/** Renders every `{{ ... }}` in `text`; an unknown variable or a malformed expression throws a TemplateError. */
export function renderTemplate(
  text: string,
  vars: Record<string, unknown>,
  options: TemplateOptions = {},
): string {
  if (!text.includes('{{')) return text;
  return scan(text, (expression) => stringify(evaluate(expression, vars, options)));
}

/**
 * Evaluates a template, keeping the value's type when the whole text is one expression (`"{{ user.id }}"` gives
 * the number 42), so JSON bodies can carry captured numbers, booleans and objects unchanged.
 */
export function renderTemplateValue(
  text: string,
  vars: Record<string, unknown>,
  options: TemplateOptions = {},
): unknown {
  const inner = /^\{\{([\s\S]*?)\}\}$/.exec(text)?.[1];
  if (inner !== undefined && !inner.includes('{{')) return evaluate(parseExpression(inner), vars, options);
  return renderTemplate(text, vars, options);
}

/** Renders templates in every string of a JSON-like value (object keys included). */
export function renderDeep(
  value: unknown,
  vars: Record<string, unknown>,
  options: TemplateOptions = {},
): unknown {
  if (typeof value === 'string') return renderTemplateValue(value, vars, options);
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, vars, options));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        renderTemplate(key, vars, options),
        renderDeep(item, vars, options),
      ]),
    );
  }
  return value;
}

/**
 * The variables a template refers to, in order of first use, without helpers: `["user.id", "env.TOKEN"]`.
 * Throws a TemplateError for malformed expressions, so callers can validate before sending anything.
 */
export function templateVariables(text: string): string[] {
  const names = new Set<string>();
  if (!text.includes('{{')) return [];
  scan(text, (expression) => {
    if (expression.kind === 'variable') names.add(expression.path);
    if (expression.kind === 'env') names.add(`env.${expression.name}`);
    return '';
  });
  return [...names];
}

function scan(text: string, render: (expression: Expression) => string): string {
  const rendered = text.replace(EXPRESSION, (_match: string, body: string | undefined) =>
    body === undefined ? '{{' : render(parseExpression(body)),
  );
  if (text.replace(EXPRESSION, '').includes('{{')) {
    throw new TemplateError(`unclosed "{{" in template ${JSON.stringify(shorten(text))}`);
  }
  return rendered;
}

function parseExpression(body: string): Expression {
  if (body.includes('{{'))
    throw new TemplateError(`"{{" inside "{{${body}}}" — expressions cannot be nested`);
  const words = tokenize(body);
  const [head, ...args] = words;
  if (head === undefined) throw new TemplateError('empty expression "{{ }}"');
  switch (head) {
    case 'now':
      return parseNow(args);
    case 'timestamp':
    case 'uuid':
      noArguments(head, args);
      return { kind: head };
    case 'random':
      return parseRandom(args);
  }
  if (args.length > 0) {
    throw new TemplateError(
      `unknown helper "${head}" in "{{${body}}}" — helpers are ${TEMPLATE_HELPERS.join(', ')}; a variable takes no arguments`,
    );
  }
  if (!PATH.test(head)) throw new TemplateError(`"${head}" is not a variable name or path (like user.id)`);
  if (head.startsWith('env.')) {
    const name = head.slice(4);
    if (name.includes('.')) throw new TemplateError(`"${head}" is not an environment variable name`);
    return { kind: 'env', name };
  }
  return { kind: 'variable', path: head };
}

function tokenize(body: string): string[] {
  const words: string[] = [];
  const token = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+))\s*/y;
  const text = body.trim();
  while (token.lastIndex < text.length) {
    const match = token.exec(text);
    if (!match) throw new TemplateError(`unbalanced quotes in "{{${body}}}"`);
    if (match[1] !== undefined) words.push(match[1].replace(/\\(.)/g, '$1'));
    else if (match[2] !== undefined) words.push(match[2]);
    else if (match[3] !== undefined) words.push(match[3]);
  }
  return words;
}

function noArguments(helper: string, args: string[]): void {
  if (args.length > 0)
    throw new TemplateError(`helper "${helper}" takes no arguments, got ${args.join(' ')}`);
}

function parseNow(args: string[]): Expression {
  let offsetMs = 0;
  let format: string | undefined;
  for (const arg of args) {
    const offset = OFFSET.exec(arg);
    if (offset) {
      const [, sign, amount, unit = ''] = offset;
      offsetMs += (sign === '-' ? -1 : 1) * Number(amount) * (UNIT_MS[unit] ?? 0);
    } else if (format === undefined) {
      format = arg;
    } else {
      throw new TemplateError(
        `helper "now" got ${JSON.stringify(arg)} after the format — expected offsets like "+1d" "-2h" "+30m" and one format`,
      );
    }
  }
  return { kind: 'now', offsetMs, format: format ?? 'iso' };
}

function parseRandom(args: string[]): Expression {
  if (args.length > 2)
    throw new TemplateError(`helper "random" takes a length and a charset, got ${args.join(' ')}`);
  const [lengthText = '16', charset = 'alnum'] = args;
  const length = Number(lengthText);
  if (!Number.isInteger(length) || length < 1 || length > MAX_RANDOM_LENGTH) {
    throw new TemplateError(
      `helper "random" has length ${JSON.stringify(lengthText)} — expected a whole number 1-${MAX_RANDOM_LENGTH}`,
    );
  }
  if (!(charset in CHARSETS)) {
    throw new TemplateError(
      `helper "random" has charset ${JSON.stringify(charset)} — expected one of ${Object.keys(CHARSETS).join(', ')}`,
    );
  }
  return { kind: 'random', length, charset };
}

function evaluate(expression: Expression, vars: Record<string, unknown>, options: TemplateOptions): unknown {
  switch (expression.kind) {
    case 'variable':
      return lookup(vars, expression.path);
    case 'env': {
      const value = (options.env ?? process.env)[expression.name];
      if (value === undefined) throw new TemplateError(`environment variable ${expression.name} is not set`);
      return value;
    }
    case 'now':
      return formatTime(
        new Date((options.now?.() ?? new Date()).getTime() + expression.offsetMs),
        expression.format,
      );
    case 'timestamp':
      return (options.now?.() ?? new Date()).getTime();
    case 'uuid':
      return randomUUID();
    case 'random':
      return randomString(expression.length, CHARSETS[expression.charset] ?? '');
  }
}

function lookup(vars: Record<string, unknown>, path: string): unknown {
  const parts = path.split('.');
  let value: unknown = vars;
  for (const [index, part] of parts.entries()) {
    const container = value as Record<string, unknown> | null | undefined;
    const found = container !== null && typeof container === 'object' && Object.hasOwn(container, part);
    if (!found) {
      const known = index === 0 ? Object.keys(vars) : [];
      const reached = parts.slice(0, index).join('.');
      throw new TemplateError(
        index === 0
          ? `unknown variable "${path}"${known.length > 0 ? ` (known: ${known.slice(0, 20).join(', ')})` : ' (no variables are defined)'}`
          : `unknown variable "${path}": "${reached}" has no "${part}"`,
        path,
      );
    }
    value = container[part];
  }
  if (value === undefined) throw new TemplateError(`unknown variable "${path}"`, path);
  return value;
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

function formatTime(date: Date, format: string): string {
  switch (format) {
    case 'iso':
      return date.toISOString();
    case 'date':
      return date.toISOString().slice(0, 10);
    case 'unix':
      return String(Math.floor(date.getTime() / 1000));
    case 'unix-ms':
      return String(date.getTime());
  }
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const parts: Record<string, string> = {
    YYYY: pad(date.getUTCFullYear(), 4),
    MM: pad(date.getUTCMonth() + 1),
    DD: pad(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
    SSS: pad(date.getUTCMilliseconds(), 3),
  };
  if (!/YYYY|MM|DD|HH|mm|ss|SSS/.test(format)) {
    throw new TemplateError(
      `helper "now" has format ${JSON.stringify(format)} — expected iso, date, unix, unix-ms or a pattern with YYYY MM DD HH mm ss SSS`,
    );
  }
  return format.replace(/YYYY|SSS|MM|DD|HH|mm|ss/g, (token) => parts[token] ?? token);
}

function randomString(length: number, alphabet: string): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let result = '';
  while (result.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && result.length < length) result += alphabet[byte % alphabet.length];
    }
  }
  return result;
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
