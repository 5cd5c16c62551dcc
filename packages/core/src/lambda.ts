import {
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { abortOptions } from './abort.js';
import { awsErrorName, UserError } from './errors.js';
import { formatPercent } from './percent.js';
import { backoffDelay, pause, waitFor } from './wait.js';

/** Where an alias sends traffic. `weights` holds the one additional version AWS allows, if any. */
export interface AliasState {
  name: string;
  arn?: string | undefined;
  version: string;
  weights: Record<string, number>;
  revisionId?: string | undefined;
}

export function describeAlias(state: AliasState): string {
  const extra = Object.entries(state.weights)[0];
  if (!extra) return `100% on version ${state.version}`;
  const [version, weight] = extra;
  return `${formatPercent(1 - weight, { decimals: 1 })} on version ${state.version}, ${formatPercent(weight, { decimals: 1 })} on version ${version}`;
}

/** Reads an alias; undefined when the function or alias does not exist. */
export async function readAlias(
  lambda: LambdaClient,
  functionName: string,
  alias: string,
  signal?: AbortSignal,
): Promise<AliasState | undefined> {
  try {
    const result = await lambda.send(
      new GetAliasCommand({ FunctionName: functionName, Name: alias }),
      abortOptions(signal),
    );
    return {
      name: alias,
      arn: result.AliasArn,
      version: result.FunctionVersion ?? '',
      weights: result.RoutingConfig?.AdditionalVersionWeights ?? {},
      revisionId: result.RevisionId,
    };
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** Attempts at UpdateAlias while Lambda answers that another update of the function is in progress (409). */
const ALIAS_CONFLICT_ATTEMPTS = 4;

/**
 * Points an alias at `version` with the given extra weights ({} clears routing). Guarded by the RevisionId we
 * last read, so a concurrent change fails with PreconditionFailedException instead of being overwritten. A 409
 * (ResourceConflictException: another operation on the function is in progress) is retried with backoff: the
 * RevisionId guard makes a repeat safe.
 */
export async function updateAlias(
  lambda: LambdaClient,
  request: {
    functionName: string;
    alias: string;
    version: string;
    weights?: Record<string, number>;
    revisionId?: string | undefined;
  },
  options: { signal?: AbortSignal } = {},
): Promise<AliasState> {
  const command = new UpdateAliasCommand({
    FunctionName: request.functionName,
    Name: request.alias,
    FunctionVersion: request.version,
    RoutingConfig: { AdditionalVersionWeights: request.weights ?? {} },
    RevisionId: request.revisionId,
  });
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await lambda.send(command, abortOptions(options.signal));
      return {
        name: request.alias,
        arn: result.AliasArn,
        version: result.FunctionVersion ?? request.version,
        weights: result.RoutingConfig?.AdditionalVersionWeights ?? {},
        revisionId: result.RevisionId,
      };
    } catch (error) {
      if (awsErrorName(error) !== 'ResourceConflictException' || attempt + 1 >= ALIAS_CONFLICT_ATTEMPTS)
        throw error;
      await pause(
        backoffDelay(attempt, { initialDelayMs: 200, maxDelayMs: 2_000, factor: 2, jitter: 0.2 }),
        options.signal,
      );
    }
  }
}

/** Every published version (never $LATEST), oldest first, following pagination. */
export async function listPublishedVersions(
  lambda: LambdaClient,
  functionName: string,
  signal?: AbortSignal,
): Promise<FunctionConfiguration[]> {
  const versions: FunctionConfiguration[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const result = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker }),
      abortOptions(signal),
    );
    versions.push(...(result.Versions ?? []).filter((v) => v.Version && v.Version !== '$LATEST'));
    marker = result.NextMarker;
    if (!marker) break;
  }
  return versions.sort((a, b) => Number(a.Version) - Number(b.Version));
}

export async function getFunctionConfiguration(
  lambda: LambdaClient,
  functionName: string,
  qualifier?: string,
  signal?: AbortSignal,
): Promise<FunctionConfiguration | undefined> {
  try {
    return await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: qualifier }),
      abortOptions(signal),
    );
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/**
 * Waits until the function's last update has finished (LastUpdateStatus leaves InProgress) and returns the
 * configuration; an update that failed becomes an error with AWS's reason. It polls with GetFunction, which has
 * its own quota (100 requests/s per account) outside the 15 requests/s the other control-plane calls share, so
 * ten functions waiting at once, each backing off from 200 ms, leave that budget to the updates and publishes.
 */
export async function waitForFunctionUpdated(
  lambda: LambdaClient,
  functionName: string,
  options: { timeoutMs: number; signal?: AbortSignal; onProgress?: (line: string) => void },
): Promise<FunctionConfiguration> {
  const config = await waitFor<FunctionConfiguration>({
    what: `the update of ${functionName} to finish`,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onProgress: options.onProgress,
    initialDelayMs: 200,
    maxDelayMs: 3_000,
    check: async () => {
      const { Configuration: current = {} } = await lambda.send(
        new GetFunctionCommand({ FunctionName: functionName }),
        abortOptions(options.signal),
      );
      const busy = current.LastUpdateStatus === 'InProgress' || current.State === 'Pending';
      return {
        done: !busy,
        value: current,
        status: `State ${current.State}, LastUpdateStatus ${current.LastUpdateStatus}`,
      };
    },
  });
  if (config?.LastUpdateStatus === 'Failed') {
    throw new UserError(
      `the update of ${functionName} failed: ${config.LastUpdateStatusReasonCode ?? 'unknown'}: ${config.LastUpdateStatusReason ?? ''}`.trim(),
    );
  }
  if (!config) throw new Error(`waiting for the update of ${functionName} ended without its configuration`);
  return config;
}
