/** What came back from one HTTP request or Lambda invoke, in one shape the assertions understand. */
export interface Answer {
  kind: 'http' | 'invoke';
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
  durationMs: number;
  /** Invoke's executed version; for HTTP, filled from the check's version source when present. */
  executedVersion?: string | undefined;
  /** Invoke's FunctionError ("Unhandled"), if any. */
  functionError?: string | undefined;
  /** One line naming what was sent, secrets redacted ("POST http://host/login"). */
  request: string;
}

const NOT_JSON = Symbol('not json');
const parsed = new WeakMap<Answer, unknown>();

/** The body parsed as JSON, or undefined when it is not JSON (parsed once per answer). */
export function answerJson(answer: Answer): unknown {
  if (!parsed.has(answer)) {
    try {
      parsed.set(answer, JSON.parse(answer.body));
    } catch {
      parsed.set(answer, NOT_JSON);
    }
  }
  const value = parsed.get(answer);
  return value === NOT_JSON ? undefined : value;
}

export function isJson(answer: Answer): boolean {
  answerJson(answer);
  return parsed.get(answer) !== NOT_JSON;
}
