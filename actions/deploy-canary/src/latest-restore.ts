import {
  type FunctionConfiguration,
  type LambdaClient,
  type Runtime,
  UpdateFunctionConfigurationCommand,
  type UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import { errorMessage, type Logger, waitForFunctionUpdated } from '@lambda-release-kit/core';
import { differentSettings, expectedSettings, type Settings, settingsOf } from './latest-settings.js';
import type { ConfigurationChange } from './plan.js';

const RESTORE_TIMEOUT_MS = 5 * 60_000;

/** Each key of a configuration change: its FunctionConfiguration field and how messages name it. */
const CHANGED_FIELDS: Record<keyof ConfigurationChange, { field: string; label: string }> = {
  environment: { field: 'Environment', label: 'environment' },
  memorySize: { field: 'MemorySize', label: 'memory' },
  timeoutSeconds: { field: 'Timeout', label: 'timeout' },
  handler: { field: 'Handler', label: 'handler' },
  runtime: { field: 'Runtime', label: 'runtime' },
  layers: { field: 'Layers', label: 'layers' },
  ephemeralStorage: { field: 'EphemeralStorage', label: 'ephemeral storage' },
  description: { field: 'Description', label: 'description' },
};

const changedKeys = (change: ConfigurationChange) =>
  (Object.keys(CHANGED_FIELDS) as Array<keyof ConfigurationChange>).filter(
    (key) => change[key] !== undefined,
  );

/** The settings of `change`'s fields only. */
function pick(settings: Settings, change: ConfigurationChange): Settings {
  const fields = changedKeys(change).map((key) => CHANGED_FIELDS[key].field);
  return Object.fromEntries(Object.entries(settings).filter(([field]) => fields.includes(field)));
}

/**
 * After a failed release: puts the settings `change` set on $LATEST of `fn` back to `before` (read before this
 * deploy changed anything), guarded by the RevisionId read just before, and only while every setting of $LATEST is
 * as this deploy left it (another writer's changes are left alone). Never throws: returns one sentence naming the function,
 * with the command that undoes the change by hand when the restore itself fails.
 */
export async function restoreLatestConfiguration(
  lambda: LambdaClient,
  fn: string,
  before: FunctionConfiguration,
  change: ConfigurationChange,
  logger: Logger,
): Promise<string> {
  const labels = changedKeys(change)
    .map((key) => CHANGED_FIELDS[key].label)
    .join(', ');
  try {
    const now = await waitForFunctionUpdated(lambda, fn, { timeoutMs: RESTORE_TIMEOUT_MS });
    if (differentSettings(pick(settingsOf(before), change), pick(settingsOf(now), change)).length === 0) {
      return `the configuration of $LATEST of ${fn} was not changed`;
    }
    const theirs = differentSettings(expectedSettings(before, change), settingsOf(now));
    if (theirs.length > 0) {
      return `the configuration of $LATEST of ${fn} was changed by another writer since (${theirs.join(', ')}): left as it is`;
    }
    logger.info(
      `putting back the configuration of $LATEST of ${fn} (${labels}) as it was before this deploy`,
    );
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        ...restoreRequest(fn, before, change),
        RevisionId: now.RevisionId,
      }),
    );
    await waitForFunctionUpdated(lambda, fn, { timeoutMs: RESTORE_TIMEOUT_MS });
    return `the ${labels} of $LATEST of ${fn} were put back as they were before this deploy`;
  } catch (error) {
    return (
      `putting back the configuration of $LATEST of ${fn} failed (${errorMessage(error)}): $LATEST of ${fn} still has ` +
      `this release's ${labels}; undo it with ${undoCommand(fn, before, change)}`
    );
  }
}

/** UpdateFunctionConfiguration with `before`'s value of every setting `change` set. */
function restoreRequest(
  fn: string,
  before: FunctionConfiguration,
  change: ConfigurationChange,
): UpdateFunctionConfigurationCommandInput {
  const request: UpdateFunctionConfigurationCommandInput = { FunctionName: fn };
  for (const key of changedKeys(change)) {
    switch (key) {
      case 'environment':
        request.Environment = { Variables: { ...before.Environment?.Variables } };
        break;
      case 'memorySize':
        if (before.MemorySize !== undefined) request.MemorySize = before.MemorySize;
        break;
      case 'timeoutSeconds':
        if (before.Timeout !== undefined) request.Timeout = before.Timeout;
        break;
      case 'handler':
        if (before.Handler !== undefined) request.Handler = before.Handler;
        break;
      case 'runtime':
        if (before.Runtime !== undefined) request.Runtime = before.Runtime as Runtime;
        break;
      case 'layers':
        request.Layers = (before.Layers ?? []).flatMap((layer) => (layer.Arn ? [layer.Arn] : []));
        break;
      case 'ephemeralStorage':
        if (before.EphemeralStorage?.Size !== undefined) request.EphemeralStorage = before.EphemeralStorage;
        break;
      case 'description':
        request.Description = before.Description ?? '';
        break;
    }
  }
  return request;
}

/**
 * The AWS CLI command that puts the settings back. Environment values are never shown (they may be secrets): when
 * $LATEST had variables before, the command leaves the environment out and the sentence names the variables.
 */
export function undoCommand(fn: string, before: FunctionConfiguration, change: ConfigurationChange): string {
  const { Environment, ...request } = restoreRequest(fn, before, change);
  const settings: Partial<typeof request> = { ...request };
  delete settings.FunctionName;
  const variables = Object.keys(Environment?.Variables ?? {}).sort();
  const input = { ...settings, ...(Environment && variables.length === 0 ? { Environment } : {}) };
  const command =
    Object.keys(input).length > 0
      ? `aws lambda update-function-configuration --function-name ${fn} --cli-input-json '${JSON.stringify(input).replace(/'/g, "'\\''")}'`
      : undefined;
  const hidden =
    variables.length > 0
      ? `set the environment variables ${variables.join(', ')} of ${fn} back to their values before this deploy (not shown here)`
      : undefined;
  return [command, hidden].filter(Boolean).join(', and ');
}
