import type { FunctionStore } from './functions.js';
import type { AliasState, FunctionState, VersionState } from './model.js';

/** Lambda's LastModified format: 2024-05-01T12:00:00.000+0000. */
export const lambdaTimestamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

/** FunctionConfiguration as the API returns it. `qualifier` is what the caller asked for (alias or version). */
export function functionConfiguration(
  store: FunctionStore,
  fn: FunctionState,
  v: VersionState,
  qualifier?: string,
): Record<string, unknown> {
  const s = v.snapshot;
  const isLatest = v.version === '$LATEST';
  const arnQualifier = qualifier ?? (isLatest ? undefined : v.version);
  // Read before RevisionId: an update that finishes now gives $LATEST its final RevisionId.
  const lastUpdateStatus = isLatest ? store.lastUpdateStatus(fn) : 'Successful';
  return {
    FunctionName: fn.name,
    FunctionArn: store.functionArn(fn.name, arnQualifier),
    Runtime: s.runtime,
    Role: s.role,
    Handler: s.handler,
    CodeSize: s.codeSize,
    Description: isLatest ? s.description : v.description,
    Timeout: s.timeoutSeconds,
    MemorySize: s.memorySize,
    LastModified: lambdaTimestamp(v.lastModified),
    CodeSha256: s.codeSha256,
    Version: v.version,
    Environment: Object.keys(s.environment).length > 0 ? { Variables: s.environment } : undefined,
    TracingConfig: { Mode: 'PassThrough' },
    // The sandbox stores no layer contents, so every layer reports a size of 0.
    Layers: s.layers.length > 0 ? s.layers.map((Arn) => ({ Arn, CodeSize: 0 })) : undefined,
    RevisionId: v.revisionId,
    // Published versions are complete snapshots: only $LATEST carries the function's state and update status.
    State: isLatest ? store.state(fn) : 'Active',
    LastUpdateStatus: lastUpdateStatus,
    PackageType: s.packageType,
    ImageConfigResponse: s.imageConfig ? { ImageConfig: s.imageConfig } : undefined,
    Architectures: s.architectures,
    EphemeralStorage: { Size: s.ephemeralStorageMb },
  };
}

export function codeLocation(v: VersionState, endpoint: string): Record<string, unknown> {
  const s = v.snapshot;
  if (s.packageType === 'Image')
    return { RepositoryType: 'ECR', ImageUri: s.imageUri, ResolvedImageUri: s.imageUri };
  return { RepositoryType: 'S3', Location: `${endpoint}/_sandbox/code/${encodeURIComponent(s.codeSha256)}` };
}

export function aliasConfiguration(
  store: FunctionStore,
  fn: FunctionState,
  a: AliasState,
): Record<string, unknown> {
  return {
    AliasArn: store.functionArn(fn.name, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    RoutingConfig:
      Object.keys(a.additionalVersionWeights).length > 0
        ? { AdditionalVersionWeights: a.additionalVersionWeights }
        : undefined,
    RevisionId: a.revisionId,
  };
}
