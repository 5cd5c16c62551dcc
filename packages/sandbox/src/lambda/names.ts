import { invalidParameter } from './errors.js';

/**
 * Splits a FunctionName parameter into name and qualifier. Lambda accepts a name ("my-fn"), a name with a
 * qualifier ("my-fn:live"), a partial ARN ("123456789012:function:my-fn") or a full ARN, each optionally
 * qualified (API reference, e.g. GetFunction "FunctionName" and "Qualifier").
 */
export function parseFunctionName(raw: string): { name: string; qualifier?: string } {
  const value = decodeURIComponent(raw);
  const parts = value.split(':');
  let rest: string[];
  if (value.startsWith('arn:')) {
    if (parts.length < 7 || parts[5] !== 'function') throw invalidParameter(`Invalid function ARN: ${value}`);
    rest = parts.slice(6);
  } else if (parts.length >= 3 && parts[1] === 'function') {
    rest = parts.slice(2);
  } else {
    rest = parts;
  }
  const [name, qualifier] = rest;
  if (!name || rest.length > 2 || !/^[a-zA-Z0-9-_]{1,64}$/.test(name)) {
    throw invalidParameter(
      `1 validation error detected: Value '${value}' at 'functionName' failed to satisfy constraint`,
    );
  }
  return qualifier === undefined ? { name } : { name, qualifier };
}

/** Resolves the effective qualifier: one given in the name and in Qualifier must agree. */
export function resolveQualifier(
  fromName: string | undefined,
  fromParam: string | undefined,
): string | undefined {
  if (fromName !== undefined && fromParam !== undefined && fromName !== fromParam) {
    throw invalidParameter(
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  return fromParam ?? fromName;
}
