import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { ConfigurationChange } from './plan.js';

/**
 * Every setting of a function's configuration, so that whatever another writer changes in $LATEST while a deploy
 * runs is seen before it could be published under the deploy's release. Each field of the SDK's
 * FunctionConfiguration is classified here (the type makes a new field a compile error until it is): a `setting`
 * is compared; `state` is what Lambda itself changes (code, revision, status) or what names the function.
 */
const FIELDS: Record<keyof FunctionConfiguration, 'setting' | 'state'> = {
  FunctionName: 'state',
  FunctionArn: 'state',
  Runtime: 'setting',
  Role: 'setting',
  Handler: 'setting',
  CodeSize: 'state',
  CodeSha256: 'state',
  // A hash of the settings themselves: they are compared one by one instead.
  ConfigSha256: 'state',
  Description: 'setting',
  Timeout: 'setting',
  MemorySize: 'setting',
  LastModified: 'state',
  Version: 'state',
  VpcConfig: 'setting',
  DeadLetterConfig: 'setting',
  Environment: 'setting',
  KMSKeyArn: 'setting',
  TracingConfig: 'setting',
  MasterArn: 'state',
  RevisionId: 'state',
  Layers: 'setting',
  State: 'state',
  StateReason: 'state',
  StateReasonCode: 'state',
  LastUpdateStatus: 'state',
  LastUpdateStatusReason: 'state',
  LastUpdateStatusReasonCode: 'state',
  FileSystemConfigs: 'setting',
  // Signing describes the uploaded code: it changes with our own code update.
  SigningProfileVersionArn: 'state',
  SigningJobArn: 'state',
  PackageType: 'setting',
  ImageConfigResponse: 'setting',
  Architectures: 'setting',
  EphemeralStorage: 'setting',
  SnapStart: 'setting',
  // Lambda moves the runtime version itself (automatic runtime updates).
  RuntimeVersionConfig: 'state',
  LoggingConfig: 'setting',
  TenancyConfig: 'setting',
  CapacityProviderConfig: 'setting',
  DurableConfig: 'setting',
};

/** A function's settings by FunctionConfiguration field name, normalised so that equal settings compare equal. */
export type Settings = Record<string, unknown>;

/** The settings of a configuration as GetFunction reports it. */
export function settingsOf(config: FunctionConfiguration): Settings {
  const settings: Settings = {};
  for (const field of Object.keys(FIELDS) as Array<keyof FunctionConfiguration>) {
    if (FIELDS[field] !== 'setting') continue;
    const value = normalise(settingValue(field, config));
    if (value !== undefined) settings[field] = value;
  }
  return settings;
}

/** The parts of a setting that a writer sets (errors and statuses Lambda reports inside it are left out). */
function settingValue(field: keyof FunctionConfiguration, config: FunctionConfiguration): unknown {
  switch (field) {
    case 'Environment':
      return config.Environment?.Variables;
    case 'Layers':
      return config.Layers?.map((layer) => layer.Arn);
    case 'ImageConfigResponse':
      return config.ImageConfigResponse?.ImageConfig;
    case 'SnapStart':
      return config.SnapStart?.ApplyOn;
    default:
      return config[field];
  }
}

/** The settings $LATEST should have once `change` is applied to `before` (the configuration read before it). */
export function expectedSettings(
  before: FunctionConfiguration,
  change: ConfigurationChange | undefined,
): Settings {
  const settings = settingsOf(before);
  if (!change) return settings;
  const set = (field: string, value: unknown) => {
    const normalised = normalise(value);
    if (normalised === undefined) delete settings[field];
    else settings[field] = normalised;
  };
  if (change.environment) set('Environment', change.environment);
  if (change.memorySize !== undefined) set('MemorySize', change.memorySize);
  if (change.timeoutSeconds !== undefined) set('Timeout', change.timeoutSeconds);
  if (change.handler !== undefined) set('Handler', change.handler);
  if (change.runtime !== undefined) set('Runtime', change.runtime);
  if (change.layers) set('Layers', change.layers);
  if (change.ephemeralStorage !== undefined) set('EphemeralStorage', { Size: change.ephemeralStorage });
  if (change.description !== undefined) set('Description', change.description);
  return settings;
}

/** The fields whose settings differ, by their FunctionConfiguration names (values are never shown). */
export function differentSettings(a: Settings, b: Settings): string[] {
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return fields.filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field])).sort();
}

/**
 * Empty strings, lists and maps read as absent (Lambda reports a function without a VPC as empty lists, or not
 * at all), map keys are sorted; lists keep their order (layer order matters).
 */
function normalise(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (Array.isArray(value)) {
    const items = value.map(normalise).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([key, item]): [string, unknown] => [key, normalise(item)])
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value;
}
