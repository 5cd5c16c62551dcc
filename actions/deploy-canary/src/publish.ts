import {
  GetFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  awsErrorName,
  errorMessage,
  type Logger,
  formatVersionDescription,
  type S3Object,
  UserError,
  type VersionRef,
  waitForFunctionUpdated,
  compact,
} from '@lambda-release-kit/core';
import { configurationRef, configurationRequest, sameConfiguration } from './configuration.js';
import { differentSettings, expectedSettings, type Settings, settingsOf } from './latest-settings.js';
import type { CodeSource, FunctionDeploy } from './plan.js';
import type { CurrentState } from './preflight.js';

export type PublishOutcome =
  | { kind: 'published'; target: VersionRef }
  /** The code (and configuration, when given) equals what the alias already serves: nothing to deploy. */
  | { kind: 'unchanged'; codeSha256: string };

/** Another writer changed the function while this deploy did: what it left in $LATEST is not ours to undo. */
export class AnotherWriterError extends UserError {}

const UPDATE_TIMEOUT_MS = 10 * 60_000;
const CONFLICT_ATTEMPTS = 4;

/**
 * Puts the new configuration and code into $LATEST and publishes them as a version. UpdateFunctionConfiguration
 * is guarded by the RevisionId read in preflight and waited for; UpdateFunctionCode by the RevisionId read after
 * that; PublishVersion by the CodeSha256 that our own update produced and the RevisionId read once our updates
 * finished, after every setting of that read (role, VPC, KMS key, layers...) was found as preflight read it plus
 * our change. What another run put into $LATEST meanwhile is never published under our name: the deploy fails
 * naming the other code or settings, alias untouched. Code (and configuration) equal to the alias's version ends as unchanged.
 */
export async function publishNewVersion(
  lambda: LambdaClient,
  plan: FunctionDeploy,
  state: CurrentState,
  logger: Logger,
  signal?: AbortSignal,
): Promise<PublishOutcome> {
  const fn = plan.functionName;
  const previousSha = state.previous?.codeSha256;
  const { source, configuration } = plan;
  if (!configuration && source.kind === 'zip' && source.codeSha256 === previousSha)
    return { kind: 'unchanged', codeSha256: source.codeSha256 };

  let latest = state.latest;
  if (configuration) {
    logger.info(`updating the configuration of ${fn} (${describeConfiguration(configuration)})`);
    await retryConflicts(lambda, fn, logger, signal, 'updating the configuration', () =>
      lambda.send(
        new UpdateFunctionConfigurationCommand(configurationRequest(fn, configuration, latest.RevisionId)),
        signal ? { abortSignal: signal } : {},
      ),
    );
    latest = await waitForFunctionUpdated(
      lambda,
      fn,
      compact({ timeoutMs: UPDATE_TIMEOUT_MS, signal, onProgress: (line: string) => logger.info(line) }),
    );
  }
  let ours = latest.CodeSha256;
  const revisionId = latest.RevisionId;
  if (source.kind !== 'latest') {
    logger.info(`updating the code of ${fn} from ${describeSource(plan)}`);
    const updated = await retryConflicts(lambda, fn, logger, signal, 'updating the code', () =>
      lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: fn,
          RevisionId: revisionId,
          ...(source.kind === 'zip' ? { ZipFile: source.bytes } : {}),
          ...(source.kind === 's3'
            ? { S3Bucket: source.bucket, S3Key: source.key, S3ObjectVersion: source.objectVersion }
            : {}),
          ...(source.kind === 'image' ? { ImageUri: source.imageUri } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      ),
    );
    ours = updated.CodeSha256;
    latest = await waitForFunctionUpdated(
      lambda,
      fn,
      compact({ timeoutMs: UPDATE_TIMEOUT_MS, signal, onProgress: (line: string) => logger.info(line) }),
    );
  }
  if (latest.CodeSha256 !== ours) throw replacedUnderUs(fn, ours, latest.CodeSha256);
  // Every setting, not only those the release sets: a role, VPC or key another writer set is not ours to publish.
  const expected = expectedSettings(state.latest, configuration);
  assertOurSettings(fn, expected, latest);
  const settings = configurationRef(latest);
  const previousSettings = state.previous?.configuration;
  const sameSettings =
    !configuration || (previousSettings !== undefined && sameConfiguration(settings, previousSettings));
  if (previousSha !== undefined && latest.CodeSha256 === previousSha && sameSettings)
    return { kind: 'unchanged', codeSha256: previousSha };

  // Guarded by the RevisionId read once $LATEST was confirmed to hold our code and configuration, not the one an
  // update returned: Lambda changes RevisionId again when the update finishes, and may change it after that too.
  const published = await publishOurs(
    lambda,
    plan,
    { finished: latest, expected, replaces: state.alias?.version },
    ours,
    logger,
    signal,
  );
  const version = published.Version;
  if (!version)
    throw new Error(`publishing a version of ${fn} failed: PublishVersion answered no version number`);
  logger.info(`published version ${version} of ${fn} (CodeSha256 ${published.CodeSha256})`);
  return {
    kind: 'published',
    target: compact({
      version,
      codeSha256: published.CodeSha256,
      configuration: configurationRef(published),
      imageUri: source.kind === 'image' ? source.imageUri : await imageOf(lambda, fn, version, published),
      s3: source.kind === 's3' ? s3Object(source) : undefined,
    }),
  };
}

/**
 * PublishVersion guarded by our CodeSha256 and the RevisionId of `finished` (the $LATEST our update left). Lambda
 * may give $LATEST a new RevisionId after reporting the update Successful, so one PreconditionFailed re-reads the
 * function: still our code and every setting as `expected`, it publishes again with the new RevisionId; otherwise
 * it fails naming what changed.
 */
async function publishOurs(
  lambda: LambdaClient,
  plan: FunctionDeploy,
  {
    finished,
    expected,
    replaces,
  }: { finished: FunctionConfiguration; expected: Settings; replaces?: string | undefined },
  ours: string | undefined,
  logger: Logger,
  signal: AbortSignal | undefined,
): Promise<FunctionConfiguration> {
  const fn = plan.functionName;
  const publish = (revisionId: string | undefined) =>
    retryConflicts(lambda, fn, logger, signal, 'publishing a version', () =>
      lambda.send(
        new PublishVersionCommand({
          FunctionName: fn,
          CodeSha256: ours,
          RevisionId: revisionId,
          Description: versionDescription(plan, replaces),
        }),
        signal ? { abortSignal: signal } : {},
      ),
    );
  try {
    return await publish(finished.RevisionId);
  } catch (error) {
    if (!(error instanceof UserError && awsErrorName(error.cause) === 'PreconditionFailedException'))
      throw error;
  }
  const now = await waitForFunctionUpdated(lambda, fn, compact({ timeoutMs: UPDATE_TIMEOUT_MS, signal }));
  if (now.CodeSha256 !== ours) throw replacedUnderUs(fn, ours, now.CodeSha256);
  assertOurSettings(fn, expected, now);
  logger.info(
    `the RevisionId of ${fn} changed after its update finished; $LATEST still holds our code and configuration: publishing again`,
  );
  return publish(now.RevisionId);
}

/** Fails naming every setting of $LATEST that differs from what this deploy read and changed. */
function assertOurSettings(fn: string, expected: Settings, latest: FunctionConfiguration): void {
  const changed = differentSettings(expected, settingsOf(latest));
  if (changed.length === 0) return;
  throw new AnotherWriterError(
    `the configuration of $LATEST of ${fn} differs from what this deploy read and set (${changed.join(', ')}): another writer changed it meanwhile (two deploys at once?). ` +
      `No version of ${fn} was published; deploy again when the other run has finished`,
  );
}

/** The settings changed, environment variables by name only (their values may be secrets). */
export function describeConfiguration(change: FunctionDeploy['configuration']): string {
  if (!change) return 'no change';
  const parts = [
    change.environment && `environment ${Object.keys(change.environment).sort().join(', ') || '(none)'}`,
    change.memorySize !== undefined && `memory ${change.memorySize} MB`,
    change.timeoutSeconds !== undefined && `timeout ${change.timeoutSeconds}s`,
    change.handler !== undefined && `handler ${change.handler}`,
    change.runtime !== undefined && `runtime ${change.runtime}`,
    change.layers && `layers ${change.layers.join(', ') || '(none)'}`,
    change.ephemeralStorage !== undefined && `ephemeral storage ${change.ephemeralStorage} MB`,
    change.description !== undefined && 'description',
  ];
  return parts.filter(Boolean).join('; ');
}

function replacedUnderUs(fn: string, ours: string | undefined, theirs: string | undefined): UserError {
  return new AnotherWriterError(
    `$LATEST of ${fn} holds code sha256 ${theirs}, not the ${ours} this deploy uploaded: another run changed it meanwhile (two deploys at once?). ` +
      `No version of ${fn} was published; deploy again when the other run has finished`,
  );
}

export function describeSource(plan: FunctionDeploy): string {
  const { source } = plan;
  switch (source.kind) {
    case 'zip':
      return `${source.path} (CodeSha256 ${source.codeSha256})`;
    case 's3':
      return `s3://${source.bucket}/${source.key}${source.objectVersion ? ` (version ${source.objectVersion})` : ''}`;
    case 'image':
      return source.imageUri;
    case 'latest':
      return '$LATEST as it is';
  }
}

/**
 * PublishVersion's description (core's formatVersionDescription, at most 256 characters): the release, so the console
 * shows what each version is; for S3 code the object it came from, so the next deploy can record it as `previous.s3`
 * (code rollbacks need it); the version it replaces on the alias and this run, so a rollback without the record can
 * prove the live version is this run's and find what to restore.
 */
export function versionDescription(plan: FunctionDeploy, replaces: string | undefined): string {
  const { tag, commit, runUrl } = plan.release;
  const { source } = plan;
  const release = [tag ? `release ${tag}` : 'deploy-canary', commit ? `commit ${commit}` : ''];
  return formatVersionDescription({
    release: release.filter(Boolean).join(' '),
    s3: source.kind === 's3' ? s3Object(source) : undefined,
    replaces,
    runUrl,
    attempt: plan.runAttempt,
  });
}

/** The S3 object of an S3 code source, as records and version descriptions name it. */
function s3Object(source: Extract<CodeSource, { kind: 's3' }>): S3Object {
  return compact({ bucket: source.bucket, key: source.key, objectVersion: source.objectVersion });
}

async function imageOf(
  lambda: LambdaClient,
  fn: string,
  version: string,
  config: FunctionConfiguration,
): Promise<string | undefined> {
  if (config.PackageType !== 'Image') return undefined;
  const result = await lambda.send(new GetFunctionCommand({ FunctionName: fn, Qualifier: version }));
  return result.Code?.ImageUri;
}

/**
 * Lambda answers ResourceConflictException while an update is still being applied: wait for it to finish and
 * try again (with the same guards, so a real concurrent change still fails). A stale RevisionId or CodeSha256
 * (PreconditionFailedException) means someone else changed the function: stop and say so.
 */
async function retryConflicts<T>(
  lambda: LambdaClient,
  fn: string,
  logger: Logger,
  signal: AbortSignal | undefined,
  doing: string,
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'PreconditionFailedException' || isCodeShaMismatch(error)) {
        throw new AnotherWriterError(
          `${doing} of ${fn} failed: ${errorMessage(error)} — the function changed since it was read (another deploy running?); run this again when it has finished`,
          { cause: error },
        );
      }
      if (name !== 'ResourceConflictException' || attempt >= CONFLICT_ATTEMPTS) {
        throw new Error(`${doing} of ${fn} failed: ${errorMessage(error)}`, { cause: error });
      }
      logger.info(
        `${doing} of ${fn} hit ${name}; waiting for the function's update to finish (attempt ${attempt})`,
      );
      await waitForFunctionUpdated(lambda, fn, compact({ timeoutMs: UPDATE_TIMEOUT_MS, signal }));
    }
  }
}

/** PublishVersion's answer when $LATEST no longer holds the CodeSha256 we gave (400, not 412). */
function isCodeShaMismatch(error: unknown): boolean {
  return awsErrorName(error) === 'InvalidParameterValueException' && /CodeSHA256/i.test(errorMessage(error));
}
