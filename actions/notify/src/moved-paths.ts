import { FUNCTION_FIELDS } from '@lambda-release-kit/core';

/**
 * What to write instead of a template path into a field a v1 record kept at its top (`record.function.name`),
 * which schema v2 (suite 2.0.0) keeps per function; undefined for any other path.
 */
export function movedPathHint(path: string | undefined): string | undefined {
  const [root, field = '', ...rest] = path?.split('.') ?? [];
  if (root !== 'record' || !(FUNCTION_FIELDS as readonly string[]).includes(field)) return undefined;
  const now = ['record', 'functions', '0', field, ...rest].join('.');
  return `since schema v2 (2.0.0) a record keeps each function's fields in "record.functions": write "${now}" for the first function, or {{ function }} and {{ alias }}, which name every function of the release`;
}
