import { createHash } from 'node:crypto';
import {
  type FunctionConfiguration,
  Runtime,
  type UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import { type ConfigurationRef, InputError, parseDuration, type Redactor } from '@lambda-release-kit/core';
import type { ConfigurationChange } from './plan.js';

/** The keys a `configuration` map takes, as written in the workflow. */
export const CONFIGURATION_KEYS = [
  'environment',
  'memory-size',
  'timeout',
  'handler',
  'runtime',
  'layers',
  'ephemeral-storage',
  'description',
] as const;

const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const LAYER_ARN = /^arn:[\w-]+:lambda:[\w-]+:\d{12}:layer:[A-Za-z0-9_-]{1,140}:\d+$/;
/** The runtimes Lambda knows, from the SDK (so they stay as current as the SDK). */
const RUNTIMES: readonly string[] = Object.values(Runtime);
const MAX_LAYERS = 5;
/** Lambda refuses a request whose variables take more than 4 KB. */
const MAX_ENVIRONMENT_BYTES = 4096;
/** Variables Lambda sets itself and refuses in Environment (AWS Lambda, "Defined runtime environment variables"). */
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
/**
 * Variable names that say their value is a credential: those values are masked when they can be secrets at all
 * (Redactor.addNamed: not "true", "3000" or a short word). Every other value is never printed or recorded either,
 * but masking it would black out every line that happens to contain it ("production", "eu-west-1").
 */
const SECRET_NAME = /SECRET|TOKEN|PASS|KEY|CREDENTIAL|PRIVATE|AUTH|SIGNATURE|SALT|DSN|COOKIE|SESSION|CERT/i;

/**
 * Reads a `configuration` map (already parsed from YAML or JSON). Environment values named like credentials, and the
 * user info of URLs in any value, go to the redactor before anything else is looked at; no message ever quotes a
 * value.
 * `where` names the input ("input 'configuration'", "input 'functions' item 2 'configuration'").
 */
export function readConfiguration(value: unknown, where: string, redactor: Redactor): ConfigurationChange {
  if (!isMap(value)) throw new InputError(`${where} is not a map — expected keys like "memory-size: 512"`);
  // Layer ARNs are printed in the log: a variable equal to one must not blank it.
  if (Array.isArray(value.layers))
    redactor.keepVisible(...value.layers.filter((layer) => typeof layer === 'string'));
  const environment = value.environment;
  if (isMap(environment)) {
    for (const [name, entry] of Object.entries(environment)) {
      const text = textOf(entry) ?? '';
      if (SECRET_NAME.test(name)) redactor.addNamed(text);
      redactor.addUrlsIn(text);
    }
  }
  const change: ConfigurationChange = {};
  for (const [key, entry] of Object.entries(value)) {
    const at = `${where} key '${key}'`;
    switch (key) {
      case 'environment':
        change.environment = readEnvironment(entry, at);
        break;
      case 'memory-size':
        change.memorySize = readInteger(entry, at, 128, 10_240, 'megabytes');
        break;
      case 'timeout':
        change.timeoutSeconds = readTimeout(entry, at);
        break;
      case 'handler':
        change.handler = readText(entry, at, /^\S{1,128}$/, 'a handler like "index.handler"');
        break;
      case 'runtime':
        change.runtime = readRuntime(entry, at);
        break;
      case 'layers':
        change.layers = readLayers(entry, at);
        break;
      case 'ephemeral-storage':
        change.ephemeralStorage = readInteger(entry, at, 512, 10_240, 'megabytes');
        break;
      case 'description':
        change.description = readText(entry, at, /^[^\n]{0,256}$/, 'one line of at most 256 characters');
        break;
      default:
        throw new InputError(
          `${where} has the key ${JSON.stringify(key)} — expected only ${CONFIGURATION_KEYS.join(', ')}`,
        );
    }
  }
  return change;
}

function readEnvironment(value: unknown, at: string): Record<string, string> {
  if (!isMap(value)) throw new InputError(`${at} is not a map — expected variables like "STAGE: production"`);
  const variables: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (!VARIABLE_NAME.test(name)) {
      throw new InputError(
        `${at} has the variable name ${JSON.stringify(name)} — expected letters, digits and "_", starting with a letter`,
      );
    }
    if (RESERVED_VARIABLES.has(name)) {
      throw new InputError(
        `${at} sets ${name} — expected variables Lambda does not reserve (it sets ${name} itself and refuses it)`,
      );
    }
    const text = textOf(entry);
    // The value is never shown: it may be a secret.
    if (text === undefined) throw new InputError(`${at} variable ${name} is not a string, number or boolean`);
    variables[name] = text;
  }
  const bytes = Buffer.byteLength(JSON.stringify(variables));
  if (bytes > MAX_ENVIRONMENT_BYTES) {
    throw new InputError(
      `${at} takes ${bytes} bytes — expected at most ${MAX_ENVIRONMENT_BYTES} bytes of variables (Lambda's limit); move large values to a parameter store`,
    );
  }
  return variables;
}

function readRuntime(value: unknown, at: string): string {
  if (typeof value !== 'string' || !RUNTIMES.includes(value)) {
    throw new InputError(
      `${at} has ${JSON.stringify(value)} — expected one of Lambda's runtimes: ${RUNTIMES.join(', ')}`,
    );
  }
  return value;
}

function readInteger(value: unknown, at: string, min: number, max: number, unit: string): number {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw new InputError(
      `${at} has ${JSON.stringify(value)} — expected a whole number of ${unit} from ${min} to ${max}`,
    );
  }
  return number;
}

function readTimeout(value: unknown, at: string): number {
  const ms =
    typeof value === 'number' ? value * 1000 : typeof value === 'string' ? parseDuration(value) : undefined;
  const seconds = ms === undefined ? undefined : ms / 1000;
  if (seconds === undefined || !Number.isInteger(seconds) || seconds < 1 || seconds > 900) {
    throw new InputError(
      `${at} has ${JSON.stringify(value)} — expected whole seconds from 1 to 900, like 30 or "30s" or "5m"`,
    );
  }
  return seconds;
}

function readText(value: unknown, at: string, pattern: RegExp, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new InputError(`${at} has ${JSON.stringify(value)} — expected ${expected}`);
  }
  return value;
}

function readLayers(value: unknown, at: string): string[] {
  const expected = `a list of at most ${MAX_LAYERS} layer version ARNs like "arn:aws:lambda:us-east-1:123456789012:layer:deps:3"`;
  if (!Array.isArray(value) || value.length > MAX_LAYERS) {
    throw new InputError(`${at} has ${JSON.stringify(value)} — expected ${expected}`);
  }
  return value.map((layer) => readText(layer, at, LAYER_ARN, expected));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The UpdateFunctionConfiguration request for a change, guarded by the RevisionId read. */
export function configurationRequest(
  functionName: string,
  change: ConfigurationChange,
  revisionId: string | undefined,
): UpdateFunctionConfigurationCommandInput {
  return {
    FunctionName: functionName,
    RevisionId: revisionId,
    ...(change.environment ? { Environment: { Variables: change.environment } } : {}),
    ...(change.memorySize !== undefined ? { MemorySize: change.memorySize } : {}),
    ...(change.timeoutSeconds !== undefined ? { Timeout: change.timeoutSeconds } : {}),
    ...(change.handler !== undefined ? { Handler: change.handler } : {}),
    ...(change.runtime !== undefined ? { Runtime: change.runtime as Runtime } : {}),
    ...(change.layers ? { Layers: change.layers } : {}),
    ...(change.ephemeralStorage !== undefined ? { EphemeralStorage: { Size: change.ephemeralStorage } } : {}),
    ...(change.description !== undefined ? { Description: change.description } : {}),
  };
}

/**
 * A version's release-relevant settings as the record keeps them: environment variable names and a sha256 of the
 * sorted name=value pairs, never the values.
 */
export function configurationRef(config: FunctionConfiguration): ConfigurationRef {
  const ref: ConfigurationRef = {};
  if (config.MemorySize !== undefined) ref.memorySize = config.MemorySize;
  if (config.Timeout !== undefined) ref.timeout = config.Timeout;
  if (config.Handler !== undefined) ref.handler = config.Handler;
  if (config.Runtime !== undefined) ref.runtime = config.Runtime;
  const layers = (config.Layers ?? []).flatMap((layer) => (layer.Arn ? [layer.Arn] : []));
  if (layers.length > 0) ref.layers = layers;
  if (config.EphemeralStorage?.Size !== undefined) ref.ephemeralStorage = config.EphemeralStorage.Size;
  const variables = config.Environment?.Variables ?? {};
  const names = Object.keys(variables).sort();
  if (names.length > 0) {
    const pairs = names.map((name) => `${name}=${variables[name] ?? ''}`).join('\n');
    ref.environment = { names, valuesSha256: createHash('sha256').update(pairs).digest('hex') };
  }
  return ref;
}

/** Whether two versions' recorded settings are the same (environment values compared by their hash). */
export function sameConfiguration(a: ConfigurationRef, b: ConfigurationRef): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
