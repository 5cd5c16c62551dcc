import { CreateAliasCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  type AliasState,
  awsErrorName,
  describeAlias,
  type Logger,
  readAlias,
  updateAlias,
  compact,
  withContext,
} from '@lambda-release-kit/core';

const RESTORE_ATTEMPTS = 3;

/** First release: the alias does not exist yet, so it is created on the new version. */
export async function createAliasOn(
  lambda: LambdaClient,
  functionName: string,
  alias: string,
  version: string,
  description: string,
): Promise<AliasState> {
  const result = await withContext(
    `creating alias ${alias} of ${functionName} on version ${version} (CreateAlias)`,
    () =>
      lambda.send(
        new CreateAliasCommand({
          FunctionName: functionName,
          Name: alias,
          FunctionVersion: version,
          Description: description,
        }),
      ),
  );
  return compact({ name: alias, arn: result.AliasArn, version, weights: {}, revisionId: result.RevisionId });
}

/** Moves all traffic to `version` in one UpdateAlias guarded by the RevisionId last read. */
export async function moveAllTraffic(
  lambda: LambdaClient,
  functionName: string,
  from: AliasState,
  version: string,
): Promise<AliasState> {
  return moveAlias(
    lambda,
    compact({ functionName, alias: from.name, version, weights: {}, revisionId: from.revisionId }),
  );
}

/**
 * One UpdateAlias of a function of the release. Its error names the move and the function ("moving alias live of
 * orders-worker to 90% on version 1, 10% on version 2 (UpdateAlias) failed: ..."): in a release of several
 * functions, the AWS error alone does not say which one failed.
 */
export async function moveAlias(
  lambda: LambdaClient,
  request: Parameters<typeof updateAlias>[1],
): Promise<AliasState> {
  const routing = describeAlias({
    name: request.alias,
    version: request.version,
    weights: request.weights ?? {},
  });
  return withContext(
    `moving alias ${request.alias} of ${request.functionName} to ${routing} (UpdateAlias)`,
    () => updateAlias(lambda, request),
  );
}

function routesTo(alias: AliasState, version: string): boolean {
  return alias.version === version || version in alias.weights;
}

/**
 * Puts the alias back on `previous` with no routing, re-reading its RevisionId first (our last one may be stale
 * if a step half-failed). Only acts while the alias still sends traffic to `target`: if someone else has moved
 * it since, their change is left alone. Runs without the cancellation signal: it is what cancellation needs.
 * Returns whether the alias was changed.
 */
export async function restoreAlias(
  lambda: LambdaClient,
  request: { functionName: string; alias: string; previous: string; target: string },
  logger: Logger,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const current = await readAlias(lambda, request.functionName, request.alias);
    if (!current || !routesTo(current, request.target)) {
      logger.warning(
        `alias ${request.alias} no longer routes to version ${request.target} (${current ? describeAlias(current) : 'gone'}); left as it is`,
      );
      return false;
    }
    try {
      await updateAlias(
        lambda,
        compact({
          functionName: request.functionName,
          alias: request.alias,
          version: request.previous,
          weights: {},
          revisionId: current.revisionId,
        }),
      );
      logger.info(`alias ${request.alias} restored to 100% on version ${request.previous}`);
      return true;
    } catch (error) {
      // Someone changed the alias between our read and write: read again and re-decide.
      if (awsErrorName(error) !== 'PreconditionFailedException' || attempt >= RESTORE_ATTEMPTS) throw error;
    }
  }
}
