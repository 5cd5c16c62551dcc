import { splitUrlCredentials } from './url-credentials.js';

/** Headers whose values are never shown. */
export const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-amz-security-token',
]);

export const REDACTED = '***';

/** `scheme://user:pass@`: user info in any URL is masked even when its value was never registered. */
const URL_USER_INFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** Shorter values are never masked: masking "a" or "1" would mangle every message. */
const MIN_SECRET_LENGTH = 4;
/** Below this length, a value of letters only is a word ("strict", "enabled"), not a credential. */
const MIN_WORD_SECRET_LENGTH = 8;
const BOOLEAN_OR_NULL = /^(?:true|false|yes|no|on|off|null|none)$/i;
/** Ports, sizes, counts, account ids, epoch seconds: at most 12 digits (longer digit strings can be keys). */
const ORDINARY_NUMBER = /^[-+]?\d{1,12}(?:\.\d+)?$/;
const LAMBDA_FUNCTION_ARN = /^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[\w$-]+)?$/;

/**
 * Whether a value thought secret only because of its name (a variable called `*_TOKEN`, `COOKIE_*`) can be one.
 * Not: a boolean or null word, a number of at most 12 digits, a word of fewer than 8 letters, anything shorter
 * than 4 characters. Masking those would blank every "true", "3000" or "strict" of the job's log on GitHub.
 */
export function canBeSecret(value: string): boolean {
  const text = value.trim();
  if (text.length < MIN_SECRET_LENGTH) return false;
  if (BOOLEAN_OR_NULL.test(text) || ORDINARY_NUMBER.test(text)) return false;
  return !(text.length < MIN_WORD_SECRET_LENGTH && /^[A-Za-z]+$/.test(text));
}

/**
 * The one redactor: replaces known secret values in any text, and the user info of any URL. Secrets are added
 * the moment they are read (inputs, secret headers, captures marked secret); `onAdd` lets the runner adapter
 * register each one with the runner's own masking as well. Values the run prints anyway (its function names,
 * alias, environment, region: see keepVisible) are never masked, so a secret that happens to equal one cannot
 * blank the outputs and records that name them.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly visible = new Set<string>();

  constructor(
    secrets: Iterable<string | undefined> = [],
    private readonly onAdd: (secret: string) => void = () => {},
  ) {
    for (const secret of secrets) this.add(secret);
  }

  /** A value given as a secret (a secret input, header or capture): masked from 4 characters on. */
  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret) || this.isVisible(secret))
      return;
    this.secrets.add(secret);
    this.onAdd(secret);
  }

  /** A value secret only by its name (a credential-named variable): masked when it can be a secret at all. */
  addNamed(value: string | undefined): void {
    if (value !== undefined && canBeSecret(value)) this.add(value);
  }

  /**
   * Names the run prints anyway (function names and ARNs, aliases, environment, region, layer ARNs): a secret
   * equal to one, or part of one, is not masked. Call before reading secrets: the runner cannot unmask.
   */
  keepVisible(...values: Array<string | undefined>): void {
    for (const value of values) if (value) this.visible.add(value);
  }

  private isVisible(value: string): boolean {
    const name = LAMBDA_FUNCTION_ARN.exec(value)?.[1];
    if (name !== undefined && this.visible.has(name)) return true;
    return [...this.visible].some((shown) => shown.includes(value));
  }

  /** A header value: secret headers are secret whole and without their scheme ("Bearer x" and "x"). */
  addHeader(name: string, value: string): void {
    if (!SECRET_HEADERS.has(name.toLowerCase())) return;
    this.add(value);
    this.add(value.replace(/^(Bearer|Basic|Token)\s+/i, ''));
  }

  /**
   * A URL that is a credential (webhooks): the whole URL, its path and query, and its user info. Text that is
   * not a URL is registered whole.
   */
  addUrl(text: string): void {
    this.add(text);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return;
    }
    this.add(url.href);
    if (url.pathname !== '/') this.add(url.pathname);
    this.add(url.search);
    this.addUserInfo(url);
  }

  /** The user info of a URL (`user:pass`, the password, encoded and decoded, and as the Basic header sent). */
  addUserInfo(url: URL): void {
    if (!url.password) return;
    const { authorization } = splitUrlCredentials(url);
    if (authorization) this.addHeader('authorization', authorization);
    this.add(`${url.username}:${url.password}`);
    this.add(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`);
    this.add(url.password);
    this.add(decodeURIComponent(url.password));
  }

  /** Registers the user info of every URL written in a text (a checks document, a `url` input). */
  addUrlsIn(text: string): void {
    for (const match of text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@'"]+@[^\s'"]*/gi)) {
      try {
        this.addUserInfo(new URL(match[0]));
      } catch {
        // Not a URL after all (a template, a typo): the URL_USER_INFO pattern still masks it in output.
      }
    }
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a secret containing another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join(REDACTED);
    }
    return result.replace(URL_USER_INFO, `$1${REDACTED}@`);
  }

  /** A header value as it may be shown. */
  header(name: string, value: string): string {
    return SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : this.redact(value);
  }

  /** Redacts every string inside a JSON-like value (for reports and records). */
  deep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.deep(item)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.deep(item)])) as T;
    }
    return value;
  }
}

const SNIPPET_LENGTH = 500;

/** A bounded one-piece snippet of a body for messages. */
export function snippet(text: string, limit = SNIPPET_LENGTH): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit)}… (${flat.length} chars)` : flat;
}

const SENSITIVE_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|private[-_]?key/i;

/** JSON text with the values of sensitive-looking keys (password, token, apiKey...) masked; other text unchanged. */
export function maskSensitiveJson(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  try {
    return JSON.stringify(maskKeys(JSON.parse(trimmed)));
  } catch {
    return text;
  }
}

function maskKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        SENSITIVE_KEY.test(key) && (typeof item === 'string' || typeof item === 'number')
          ? REDACTED
          : maskKeys(item),
      ]),
    );
  }
  return value;
}
