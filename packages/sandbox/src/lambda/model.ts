/** The Lambda state the sandbox keeps: functions, their immutable versions, and aliases. */

export type PackageType = 'Zip' | 'Image';

/** Code plus configuration: what $LATEST holds and what a published version freezes. */
export interface FunctionSnapshot {
  packageType: PackageType;
  runtime?: string | undefined;
  handler?: string | undefined;
  role: string;
  description: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  /** Layer version ARNs, in the order given (the sandbox keeps no layer contents). */
  layers: string[];
  /** Size of /tmp in MB. */
  ephemeralStorageMb: number;
  architectures: string[];
  imageConfig?: { Command?: string[]; EntryPoint?: string[]; WorkingDirectory?: string } | undefined;
  /** Base64 SHA-256 of the zip, or derived from the image digest. */
  codeSha256: string;
  codeSize: number;
  imageUri?: string;
}

export interface VersionState {
  version: string;
  snapshot: FunctionSnapshot;
  revisionId: string;
  /** Simulated epoch ms. */
  lastModified: number;
  /** Version description given to PublishVersion ($LATEST: the function's description). */
  description: string;
}

export interface AliasState {
  name: string;
  functionVersion: string;
  additionalVersionWeights: Record<string, number>;
  description: string;
  revisionId: string;
}

export interface FunctionState {
  name: string;
  latest: VersionState;
  /** Simulated epoch ms when the function leaves Pending (creation). */
  activeAt: number;
  /** Simulated epoch ms when the last code/configuration update finishes (LastUpdateStatus InProgress until then). */
  updateCompletesAt: number;
  /**
   * The RevisionId $LATEST takes when the update in progress finishes: Lambda changes it again then, so the one
   * UpdateFunctionCode answered with is already stale once the update is done.
   */
  revisionOnceUpdated?: string | undefined;
  /** Published versions by number, in publishing order. */
  versions: Map<string, VersionState>;
  /** Version numbers are never reused, even after a version is deleted. */
  nextVersion: number;
  aliases: Map<string, AliasState>;
  /** Reserved concurrency; 0 throttles every invocation. */
  reservedConcurrency?: number | undefined;
}

/** Fields that make two snapshots "the same code and configuration" for PublishVersion. */
export function snapshotFingerprint(s: FunctionSnapshot): string {
  return JSON.stringify([
    s.packageType,
    s.runtime,
    s.handler,
    s.role,
    s.description,
    s.timeoutSeconds,
    s.memorySize,
    Object.entries(s.environment).sort(),
    s.layers,
    s.ephemeralStorageMb,
    s.architectures,
    s.imageConfig,
    s.codeSha256,
    s.imageUri,
  ]);
}
