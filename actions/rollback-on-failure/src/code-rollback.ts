import {
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  type GetFunctionResponse,
  type LambdaClient,
  type UpdateFunctionCodeRequest,
} from '@aws-sdk/client-lambda';
import {
  awsErrorName,
  errorMessage,
  s3Location,
  UserError,
  waitForFunctionUpdated,
  type DeploymentRecord,
  type Logger,
  type VersionRef,
} from '@lambda-release-kit/core';
import type { Call } from './rollback.js';
import { releaseOf } from './record-source.js';

const MAX_ATTEMPTS = 3;

/** What a code rollback found and did (or would do, in a dry run). */
export interface CodeRollbackResult {
  /** `gone`: the function was deleted since the release, so there is no code to restore. */
  outcome: 'rolled-back' | 'nothing-to-do' | 'dry-run' | 'gone';
  from: string;
  to: string;
  explanation: string;
  /** The exact UpdateFunctionCode request (dry run) or the one that was sent. */
  change?: string;
}

/** Where the previous code lives, as the record saw it: an image URI or an S3 object. */
export function previousCodeLocation(previous: VersionRef | undefined): string | undefined {
  if (previous?.imageUri) return previous.imageUri;
  if (previous?.s3) return s3Location(previous.s3);
  return undefined;
}

function codeRequest(
  functionName: string,
  previous: VersionRef,
  revisionId?: string,
): UpdateFunctionCodeRequest {
  const { imageUri, s3 } = previous;
  const source = imageUri
    ? { ImageUri: imageUri }
    : s3
      ? {
          S3Bucket: s3.bucket,
          S3Key: s3.key,
          ...(s3.objectVersion ? { S3ObjectVersion: s3.objectVersion } : {}),
        }
      : undefined;
  // previousCodeLocation found one of the two before this request was built.
  if (!source)
    throw new Error(`version ${previous.version} has neither an image URI nor an S3 object to restore`);
  return { FunctionName: functionName, ...source, RevisionId: revisionId, Publish: false };
}

function isPrevious(current: GetFunctionResponse, previous: VersionRef): boolean {
  const config = current.Configuration ?? {};
  if (previous.codeSha256 && config.CodeSha256 === previous.codeSha256) return true;
  return Boolean(previous.imageUri && current.Code?.ImageUri === previous.imageUri);
}

function currentCodeLocation(current: GetFunctionResponse): string {
  return current.Code?.ImageUri ?? `code sha256 ${current.Configuration?.CodeSha256 ?? 'unknown'}`;
}

/**
 * Puts a function's code ($LATEST) back to the record's previous image or S3 object and waits until the
 * update is live (rollback.ts then moves the alias, when the function has it, to the previous version). The
 * update is guarded by the RevisionId just read; a concurrent change is re-read and decided once more.
 */
export async function rollbackCode(
  lambda: LambdaClient,
  request: {
    functionName: string;
    alias: string;
    record?: DeploymentRecord | undefined;
    dryRun: boolean;
    timeoutMs: number;
    /** Retries transient errors until the rollback's deadline. */
    call: Call;
    /** Refuses a record from another account or region, given the function's ARN. */
    checkOwner: (functionArn: string | undefined) => void;
  },
  logger: Logger,
): Promise<CodeRollbackResult> {
  const { functionName, record } = request;
  const previous = releaseOf(record, functionName, request.alias)?.previous;
  const to = previousCodeLocation(previous);
  if (!previous || !to) {
    throw new UserError(
      `method 'code' needs the deployment record's previous image URI or S3 object (previous.imageUri or previous.s3); ` +
        `${record ? 'the record has neither' : 'no usable record was given'}. Nothing changed`,
    );
  }
  const label = (location: string, version?: string) =>
    version ? `version ${version} (${location})` : location;

  // Bounded: one wait for an update in progress and one re-read after a concurrent change at most.
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await readFunction(lambda, functionName, request.call);
    if (!current) {
      return {
        outcome: 'gone',
        from: '(deleted)',
        to,
        explanation: `${functionName} no longer exists (deleted since the release): nothing is left to restore, and nothing changed`,
      };
    }
    request.checkOwner(current.Configuration?.FunctionArn);
    const from = currentCodeLocation(current);
    if (isPrevious(current, previous)) {
      return {
        outcome: 'nothing-to-do',
        from,
        to,
        explanation: `${functionName} already runs the previous code ${label(to, previous.version)}`,
      };
    }
    if (current.Configuration?.LastUpdateStatus === 'InProgress' && !request.dryRun) {
      logger.info(
        `an update of ${functionName} is still in progress; waiting for it before restoring the code`,
      );
      await waitUntilUpdated(lambda, functionName, request, logger);
      continue;
    }
    const change = codeRequest(functionName, previous, current.Configuration?.RevisionId);
    const changeText = `UpdateFunctionCode ${JSON.stringify(change)}`;
    if (request.dryRun) {
      return {
        outcome: 'dry-run',
        from,
        to,
        explanation: `would restore ${functionName}'s code from ${from} to ${label(to, previous.version)}`,
        change: changeText,
      };
    }
    try {
      await request.call(`UpdateFunctionCode of ${functionName}`, (abortSignal) =>
        lambda.send(new UpdateFunctionCodeCommand(change), { abortSignal }),
      );
    } catch (error) {
      if (awsErrorName(error) === 'PreconditionFailedException' && attempt === 1) {
        logger.warning(
          `${functionName} changed while we were restoring its code; reading it again and deciding once more`,
        );
        continue;
      }
      throw new Error(`restoring the code of ${functionName} to ${to} failed: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    const live = await waitUntilUpdated(lambda, functionName, request, logger);
    if (previous.codeSha256 && live.CodeSha256 !== previous.codeSha256) {
      logger.warning(
        `${functionName} now runs code sha256 ${live.CodeSha256}, not the record's previous ${previous.codeSha256}: the image tag or S3 object may have changed since`,
      );
    }
    return {
      outcome: 'rolled-back',
      from,
      to,
      explanation: `restored ${functionName}'s code from ${from} to ${label(to, previous.version)}; the update is live`,
      change: changeText,
    };
  }
  throw new UserError(
    `${functionName} kept changing while its code was being restored; nothing was changed by this run`,
  );
}

/** The function and its code location; undefined when Lambda no longer knows it. */
function readFunction(
  lambda: LambdaClient,
  functionName: string,
  call: Call,
): Promise<GetFunctionResponse | undefined> {
  return call(`reading function ${functionName}`, async (abortSignal) => {
    try {
      return await lambda.send(new GetFunctionCommand({ FunctionName: functionName }), { abortSignal });
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  });
}

function waitUntilUpdated(
  lambda: LambdaClient,
  functionName: string,
  request: { timeoutMs: number; call: Call },
  logger: Logger,
) {
  return request.call(`waiting for the update of ${functionName}`, (signal) =>
    waitForFunctionUpdated(lambda, functionName, {
      timeoutMs: request.timeoutMs,
      signal,
      onProgress: (line) => logger.info(line),
    }),
  );
}
