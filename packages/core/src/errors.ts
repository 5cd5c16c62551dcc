/** An input that failed validation: the message names the input, the value and what is accepted. */
export class InputError extends Error {
  override name = 'InputError';
}

/** A problem the user can fix; the message already says what happened and what to do. */
export class UserError extends Error {
  override name = 'UserError';
}

const PLAIN_ERRORS = new Set(['Error', 'InputError', 'UserError', 'RecordError', 'TransientError']);

/** One line describing an error; AWS SDK errors keep their exception name ("ResourceConflictException: ..."). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const message = error.message || String(error);
    const text = PLAIN_ERRORS.has(error.name) ? message : `${error.name}: ${message}`;
    return text.replace(/\s*\n\s*/g, ' ').trim();
  }
  return String(error);
}

/** The AWS exception name of an SDK error, or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error && error.name !== 'Error' ? error.name : undefined;
}

/** Runs `task`, re-throwing any failure as "<doing> failed: <cause>" with the original kept as `cause`. */
export async function withContext<T>(doing: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (error instanceof InputError || error instanceof UserError) throw error;
    const wrapped = new Error(`${doing} failed: ${errorMessage(error)}`, { cause: error });
    throw wrapped;
  }
}
