import { invalidParameter } from './errors.js';
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
const LAYER_ARN = /^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$/;
const MAX_LAYERS = 5;

const outOfRange = (value: unknown, member: string, min: number, max: number) =>
  invalidParameter(
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
  );

function checkRange(value: number | undefined, member: string, min: number, max: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
    throw outOfRange(value, member, min, max);
  }
}

/** Validates the settings as Lambda does, before anything is changed. */
export function validateConfiguration(input: ConfigurationInput): void {
  checkRange(input.Timeout, 'timeout', 1, 900);
  checkRange(input.MemorySize, 'memorySize', 128, 10240);
  checkRange(input.EphemeralStorage?.Size, 'ephemeralStorage.size', 512, 10240);
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
