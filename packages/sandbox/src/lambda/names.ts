import { LambdaApiError, invalidParameter, notFound, validationError } from './errors.js';

/**
 * FunctionName as the service model constrains it (botocore lambda/2015-03-31 shapes FunctionName, max 140, and
 * NamespacedFunctionName, max 170 with dots, which GetFunction, GetFunctionConfiguration, Invoke and
 * ListVersionsByFunction take).
 */
const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const NAMESPACED_FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const NAMESPACED_OPERATIONS = new Set([
  'GetFunction',
  'GetFunctionConfiguration',
  'Invoke',
  'ListVersionsByFunction',
]);
/** "If you specify only the function name, it is limited to 64 characters in length" (every FunctionName). */
const MAX_NAME = 64;

/** A FunctionName parameter split into its parts; `account` and `region` when an ARN or partial ARN gave them. */
export interface FunctionRef {
  name: string;
  qualifier?: string;
  account?: string;
  region?: string;
}

/** Where the sandbox's functions live: its one account and region. */
export interface Home {
  accountId: string;
  region: string;
}

/**
 * Splits a FunctionName parameter into name and qualifier. Lambda accepts a name ("my-fn"), a name with a
 * qualifier ("my-fn:live"), a partial ARN ("123456789012:function:my-fn") or a full ARN, each optionally
 * qualified (API reference, e.g. GetFunction "FunctionName" and "Qualifier").
 */
export function parseFunctionName(raw: string, operation = 'GetFunction'): FunctionRef {
  const value = decodeURIComponent(raw);
  const namespaced = NAMESPACED_OPERATIONS.has(operation);
  const max = namespaced ? 170 : 140;
  if (value.length > max) {
    throw validationError(value, 'functionName', `Member must have length less than or equal to ${max}`);
  }
  const pattern = namespaced ? NAMESPACED_FUNCTION_NAME : FUNCTION_NAME;
  if (!pattern.test(value)) {
    throw validationError(
      value,
      'functionName',
      `Member must satisfy regular expression pattern: ${pattern.source.slice(1, -1)}`,
    );
  }
  const parts = value.split(':');
  let ref: {
    name?: string | undefined;
    rest: string[];
    account?: string | undefined;
    region?: string | undefined;
  };
  if (value.startsWith('arn:')) {
    if (parts.length < 7 || parts[5] !== 'function') throw invalidParameter(`Invalid function ARN: ${value}`);
    ref = { region: parts[3], account: parts[4], name: parts[6], rest: parts.slice(7) };
  } else if (parts.length >= 3 && parts[1] === 'function') {
    ref = { account: parts[0], name: parts[2], rest: parts.slice(3) };
  } else {
    ref = { name: parts[0], rest: parts.slice(1) };
  }
  const [qualifier] = ref.rest;
  if (!ref.name || ref.rest.length > 1) throw invalidParameter(`Invalid function name: ${value}`);
  if (ref.name.length > MAX_NAME) {
    throw validationError(
      ref.name,
      'functionName',
      `Member must have length less than or equal to ${MAX_NAME}`,
    );
  }
  return {
    name: ref.name,
    ...(qualifier === undefined ? {} : { qualifier }),
    ...(ref.account === undefined ? {} : { account: ref.account }),
    ...(ref.region === undefined ? {} : { region: ref.region }),
  };
}

/** IAM action names differ from operation names only for Invoke. */
const iamAction = (operation: string) => `lambda:${operation === 'Invoke' ? 'InvokeFunction' : operation}`;

/**
 * Refuses a function of another region or account, as Lambda does: a regional endpoint cannot reach another
 * region's functions (ResourceNotFoundException "Functions from 'us-west-2' are not reachable in this region"), and
 * another account's function needs a resource-based policy granting the caller the action, which no function
 * outside the sandbox has (AccessDeniedException, 403).
 */
export function assertHome(ref: FunctionRef, home: Home, operation: string): void {
  if (ref.region !== undefined && ref.region !== home.region) {
    throw notFound(`Functions from '${ref.region}' are not reachable in this region ('${home.region}')`);
  }
  if (ref.account !== undefined && ref.account !== home.accountId) {
    const resource = `arn:aws:lambda:${ref.region ?? home.region}:${ref.account}:function:${ref.name}`;
    throw new LambdaApiError(
      'AccessDeniedException',
      403,
      `User: arn:aws:sts::${home.accountId}:assumed-role/sandbox-caller/sandbox is not authorized to perform: ${iamAction(operation)} on resource: ${resource} because no resource-based policy allows the ${iamAction(operation)} action`,
    );
  }
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
