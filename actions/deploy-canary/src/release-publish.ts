import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  errorMessage,
  getFunctionConfiguration,
  type Logger,
  mapConcurrent,
  UserError,
} from '@lambda-release-kit/core';
import { restoreLatestConfiguration } from './latest-restore.js';
import type { FunctionDeploy } from './plan.js';
import type { CurrentState } from './preflight.js';
import { AnotherWriterError, publishNewVersion, type PublishOutcome } from './publish.js';

/** A function of the release to publish: its plan and what preflight read ($LATEST before any change). */
export interface ToPublish {
  deploy: FunctionDeploy;
  state: CurrentState;
}

type Settled<T> = { ok: true; item: T; outcome: PublishOutcome } | { ok: false; item: T; error: unknown };

/**
 * Publishes a new version of every function of the release, a few at a time, every one let finish. When any
 * fails, the configuration of each $LATEST this deploy changed is put back (restoreLatestConfiguration), except
 * where another writer changed the function meanwhile (that is theirs now). One error then says, per function,
 * what failed, what was put back or is left (with the command that undoes it), and which versions were published
 * anyway: those are left, as published versions cannot change and no alias was moved to them.
 */
export async function publishRelease<T extends ToPublish>(
  lambda: LambdaClient,
  items: T[],
  concurrency: number,
  logger: Logger,
  signal?: AbortSignal,
): Promise<Array<{ item: T; outcome: PublishOutcome }>> {
  const settled = await mapConcurrent(items, concurrency, (item): Promise<Settled<T>> =>
    publishNewVersion(lambda, item.deploy, item.state, logger, signal).then(
      (outcome) => ({ ok: true, item, outcome }),
      (error: unknown) => ({ ok: false, item, error }),
    ),
  );
  const succeeded = settled.flatMap((result) => (result.ok ? [result] : []));
  const failed = settled.flatMap((result) => (result.ok ? [] : [result]));
  const first = failed[0];
  if (!first) return succeeded;

  const raced = (item: T) =>
    failed.some((result) => result.item === item && result.error instanceof AnotherWriterError);
  const restored = await mapConcurrent(
    items.flatMap((item) => (item.deploy.configuration ? [{ item, change: item.deploy.configuration }] : [])),
    concurrency,
    async ({ item, change }) =>
      raced(item)
        ? `$LATEST of ${item.deploy.functionName} was left as the other writer has it`
        : restoreLatestConfiguration(lambda, item.deploy.functionName, item.state.latest, change, logger),
  );
  const published = succeeded.flatMap((result) =>
    result.outcome.kind === 'published'
      ? [
          `version ${result.outcome.target.version} of ${result.item.deploy.functionName} was published and is left as it is (published versions cannot change)`,
        ]
      : [],
  );
  const unpublished = failed.filter(
    (result) => !raced(result.item) && result.item.deploy.source.kind !== 'latest',
  );
  const codeLeft = (
    await mapConcurrent(unpublished, concurrency, ({ item }) => newCodeLeft(lambda, item))
  ).flatMap((sentence) => (sentence ? [sentence] : []));
  const noAlias = items.length > 1 ? 'no alias was moved' : `alias ${first.item.deploy.alias} was not moved`;
  const message = [
    ...failed.map((result) => errorMessage(result.error)),
    ...published,
    ...restored,
    ...codeLeft,
    noAlias,
  ].join('; ');
  throw first.error instanceof UserError
    ? new UserError(message, { cause: first.error })
    : new Error(message, { cause: first.error });
}

/** Says so when $LATEST of a function that published nothing holds code this deploy uploaded (nothing serves it). */
async function newCodeLeft(lambda: LambdaClient, item: ToPublish): Promise<string | undefined> {
  const fn = item.deploy.functionName;
  const now = await getFunctionConfiguration(lambda, fn).catch(() => undefined);
  if (!now || now.CodeSha256 === item.state.latest.CodeSha256) return undefined;
  return `$LATEST of ${fn} keeps this release's code (CodeSha256 ${now.CodeSha256}), published as no version: no alias serves $LATEST, and the next deploy replaces it`;
}
