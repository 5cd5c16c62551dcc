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

/** Replaces known secret values in any text; captures marked secret are added while the suite runs. */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Values shorter than 4 characters are ignored: masking "a" or "1" would mangle every message. */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a secret containing another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join(REDACTED);
    }
    return result;
  }

  /** A header value as it may be shown. */
  header(name: string, value: string): string {
    return SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : this.redact(value);
  }

  /** Redacts every string inside a JSON-like value (for reports). */
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
