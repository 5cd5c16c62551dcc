import { answerJson, isJson, type Answer } from './answer.js';
import { queryPath } from './jsonpath.js';
import type { CaptureSpec } from './types.js';

/** Reads every capture from an answer; a capture that finds nothing fails the check with the reason. */
export function captureValues(
  captures: Record<string, CaptureSpec>,
  answer: Answer,
):
  { values: Record<string, unknown> } | { failure: { assertion: string; expected: string; reason: string } } {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(captures)) {
    const found = read(spec, answer);
    if (found === undefined) {
      const source =
        'json' in spec ? spec.json : 'regex' in spec ? `/${spec.regex}/` : `header ${spec.header}`;
      const why = 'json' in spec && !isJson(answer) ? ' (the body is not JSON)' : '';
      return {
        failure: {
          assertion: `capture ${name}`,
          expected: `a value at ${source}`,
          reason: `capture ${name}: nothing found at ${source}${why}`,
        },
      };
    }
    values[name] = found;
  }
  return { values };
}

function read(spec: CaptureSpec, answer: Answer): unknown {
  if ('json' in spec) {
    const result = queryPath(answerJson(answer), spec.json);
    return result.found && result.value !== undefined ? result.value : undefined;
  }
  if ('regex' in spec) {
    const text = spec.header === undefined ? answer.body : answer.headers[spec.header];
    if (text === undefined) return undefined;
    const match = new RegExp(spec.regex).exec(text);
    return match ? (match[1] ?? match[0]) : undefined;
  }
  return answer.headers[spec.header];
}
