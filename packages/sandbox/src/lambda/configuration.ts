import { Runtime } from '@aws-sdk/client-lambda';
import { LambdaApiError, invalidParameter, validationError } from './errors.js';
import type { FunctionSnapshot } from './model.js';

/** The version-specific settings CreateFunction and UpdateFunctionConfiguration share (API reference shapes). */
export interface ConfigurationInput {
  Role?: string;
  Runtime?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, string> };
  Layers?: string[];
  EphemeralStorage?: { Size?: number };
  ImageConfig?: FunctionSnapshot['imageConfig'];
}

/** Variables Lambda sets itself and refuses in Environment ("Defined runtime environment variables"). */
const RESERVED_VARIABLES = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_DEFAULT_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_LAMBDA_RUNTIME_API',
  'AWS_REGION',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'LAMBDA_RUNTIME_DIR',
  'LAMBDA_TASK_ROOT',
]);
/** Model shape EnvironmentVariableName; the whole map, as JSON, may hold at most 4 KB ("Lambda quotas"). */
const VARIABLE_NAME = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const MAX_ENVIRONMENT_BYTES = 4096;
const LAYER_ARN = /^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$/;
const MAX_LAYERS = 5;

/** The runtimes the SDK models (its Runtime enum), so the sandbox accepts what Lambda's API does as the SDK moves. */
const RUNTIMES: readonly string[] = Object.values(Runtime);
/** Constraints of the service model (botocore lambda/2015-03-31: RoleArn, Handler, Description). */
const ROLE_ARN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const HANDLER = /^[^\s]+$/;
export const MAX_DESCRIPTION = 256;
/** Timeout's model has only a minimum; the 900-second maximum is the service's own check. */
const MAX_TIMEOUT = 900;

/** A value outside a model's min/max (MemorySize, EphemeralStorage.Size, Timeout's minimum). */
function checkModelRange(value: number | undefined, member: string, min: number, max?: number): void {
  if (value === undefined) return;
  if (value < min)
    throw validationError(value, member, `Member must have value greater than or equal to ${min}`);
  if (max !== undefined && value > max) {
    throw validationError(value, member, `Member must have value less than or equal to ${max}`);
  }
}

/** Description of a function, a version or an alias: at most 256 characters (model shape Description). */
export function checkDescription(value: string | undefined): void {
  if (value !== undefined && value.length > MAX_DESCRIPTION) {
    throw validationError(
      value,
      'description',
      `Member must have length less than or equal to ${MAX_DESCRIPTION}`,
    );
  }
}

/** Validates the model constraints first (ValidationException), then the service's own rules, before any change. */
export function validateConfiguration(input: ConfigurationInput): void {
  if (input.Runtime !== undefined && !RUNTIMES.includes(input.Runtime)) {
    throw validationError(
      input.Runtime,
      'runtime',
      `Member must satisfy enum value set: [${RUNTIMES.join(', ')}] or be a valid ARN`,
    );
  }
  if (input.Role !== undefined && !ROLE_ARN.test(input.Role)) {
    throw validationError(
      input.Role,
      'role',
      `Member must satisfy regular expression pattern: ${ROLE_ARN.source.slice(1, -1)}`,
    );
  }
  if (input.Handler !== undefined && (input.Handler.length > 128 || !HANDLER.test(input.Handler))) {
    throw validationError(
      input.Handler,
      'handler',
      'Member must satisfy regular expression pattern: [^\\s]+',
    );
  }
  checkDescription(input.Description);
  checkModelRange(input.Timeout, 'timeout', 1);
  checkModelRange(input.MemorySize, 'memorySize', 128, 10240);
  checkModelRange(input.EphemeralStorage?.Size, 'ephemeralStorage.size', 512, 10240);
  if (input.Timeout !== undefined && input.Timeout > MAX_TIMEOUT) {
    throw invalidParameter(
      `Timeout value of ${input.Timeout} seconds is out of range: a function can run for at most ${MAX_TIMEOUT} seconds.`,
    );
  }
  checkEnvironment(input.Environment?.Variables ?? {});
  const reserved = Object.keys(input.Environment?.Variables ?? {}).filter((k) => RESERVED_VARIABLES.has(k));
  if (reserved.length > 0) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const layers = input.Layers ?? [];
  if (layers.length > MAX_LAYERS) {
    throw invalidParameter(`Cannot add more than ${MAX_LAYERS} layers to your function.`);
  }
  const malformed = layers.find((arn) => !LAYER_ARN.test(arn));
  if (malformed !== undefined) {
    throw invalidParameter(
      `1 validation error detected: Value '[${malformed}]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy regular expression pattern: ${LAYER_ARN.source}]`,
    );
  }
}

/**
 * Variable names the model allows (a sensitive member: the refusal quotes no value), and the 4 KB limit on the map,
 * which Lambda reports with the measured string, values included, as it does.
 */
function checkEnvironment(variables: Record<string, string>): void {
  if (Object.keys(variables).some((name) => !VARIABLE_NAME.test(name))) {
    throw new LambdaApiError(
      'ValidationException',
      400,
      `1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${VARIABLE_NAME.source.slice(1, -1)}]`,
    );
  }
  const measured = JSON.stringify(variables);
  if (Buffer.byteLength(measured) > MAX_ENVIRONMENT_BYTES) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
}

/**
 * The snapshot after an update: given settings replace the current ones, omitted ones are kept. Environment
 * replaces every variable (`{}` or `{Variables: {}}` clears them), as Layers replaces the whole list.
 */
export function configure(current: FunctionSnapshot, input: ConfigurationInput): FunctionSnapshot {
  validateConfiguration(input);
  return {
    ...current,
    role: input.Role ?? current.role,
    runtime: input.Runtime ?? current.runtime,
    handler: input.Handler ?? current.handler,
    description: input.Description ?? current.description,
    timeoutSeconds: input.Timeout ?? current.timeoutSeconds,
    memorySize: input.MemorySize ?? current.memorySize,
    environment: input.Environment ? { ...(input.Environment.Variables ?? {}) } : current.environment,
    layers: input.Layers ? [...input.Layers] : current.layers,
    ephemeralStorageMb: input.EphemeralStorage?.Size ?? current.ephemeralStorageMb,
    imageConfig: input.ImageConfig ?? current.imageConfig,
  };
}
