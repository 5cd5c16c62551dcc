import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import {
  awsErrorName,
  describeAlias,
  errorMessage,
  getFunctionConfiguration,
  listPublishedVersions,
  readAlias,
  retryTransient,
  updateAlias,
  UserError,
  type AliasState,
  type DeploymentRecord,
  type FunctionRelease,
  type Logger,
  type RollbackEntry,
  type RollbackMethod,
} from '@lambda-release-kit/core';
import { rollbackCode } from './code-rollback.js';
import { decideAliasTarget, recheckAfterConflict, type AliasPlan, type VersionLookups } from './decide.js';
import type { RollbackOptions } from './options.js';
import { checkRecordOwner, releaseOf } from './record-source.js';
import { recordRollback } from './record-update.js';
import type { WorkflowRun } from './workflow-run.js';

const DEPLOYMENT_ID = /^d-[A-Za-z0-9]{1,64}$/;
/** What CodeDeploy answers for a deployment, application or group it does not know. */
const UNKNOWN_TO_CODEDEPLOY = [
  'DeploymentDoesNotExistException',
  'InvalidDeploymentIdException',
  'ApplicationDoesNotExistException',
  'DeploymentGroupDoesNotExistException',
];

/** `gone`: the function was deleted since the release, so nothing is left to restore (not a failure). */
export type Outcome = 'rolled-back' | 'nothing-to-do' | 'superseded' | 'dry-run' | 'gone';

/**
 * What the rollback of one function is asked to do: the options that steer it, the record it starts from, and who
 * asks and why.
 */
export interface RollbackRequest extends Pick<
  RollbackOptions,
  'method' | 'targetVersion' | 'deploymentId' | 'codedeployGroup' | 'dryRun' | 'timeoutMs' | 'region'
> {
  functionName: string;
  alias: string;
  record?: DeploymentRecord | undefined;
  /** Why a record that was given could not be used. */
  recordProblem?: string | undefined;
  /** Why there is no record although a record file was named (it is missing or empty). */
  recordMissing?: string | undefined;
  reason: string;
  /** Who asked for the rollback (GITHUB_ACTOR, or the user at a terminal). */
  by: string;
  /** Release metadata for a record started by the rollback itself. */
  release?: DeploymentRecord['release'] | undefined;
  /** The workflow run this rollback belongs to: without a record, only a release of this run is moved. */
  run?: WorkflowRun | undefined;
}

export interface RollbackDeps {
  lambda: LambdaClient;
  /** Called only when a CodeDeploy deployment may be involved (so the client can be loaded lazily). */
  codedeploy: () => Promise<CodeDeployClient>;
  logger: Logger;
  signal?: AbortSignal | undefined;
  now?: () => Date;
}

export interface RollbackResult {
  outcome: Outcome;
  rolledBack: boolean;
  method?: RollbackMethod | undefined;
  from?: string | undefined;
  to?: string | undefined;
  durationMs: number;
  explanation: string;
  /** The exact change made, or that a dry run would make. */
  change?: string | undefined;
  before?: AliasState | undefined;
  after?: AliasState | undefined;
  /** The record with the rollback added (or the given record, unchanged, when nothing was rolled back). */
  record?: DeploymentRecord | undefined;
  /** The rollback as the record keeps it, when traffic or code was restored. */
  entry?: RollbackEntry | undefined;
}

type Decided = Omit<RollbackResult, 'durationMs' | 'record' | 'rolledBack' | 'entry'>;

/**
 * Runs one AWS call of the restoring path, retrying transient errors until the rollback's deadline (core's
 * retryTransient): restoring traffic is the one operation that must keep trying while time is left.
 */
export type Call = <T>(operation: string, call: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/** Restores the last good version as the spec decides it (see decide.ts), idempotently. */
export async function rollback(request: RollbackRequest, deps: RollbackDeps): Promise<RollbackResult> {
  const now = deps.now ?? (() => new Date());
  const started = now().getTime();
  const deadline = started + request.timeoutMs;
  const remaining = () => Math.max(1_000, deadline - now().getTime());
  const call: Call = (operation, task) =>
    retryTransient(task, { operation, deadline, logger: deps.logger, signal: deps.signal });
  if (request.recordProblem)
    deps.logger.warning(`${request.recordProblem}; deciding from the live state where that is safe`);
  if (request.recordMissing) deps.logger.warning(request.recordMissing);

  const result =
    untouchedByRelease(request) ??
    (request.method === 'code'
      ? await codePath(request, deps, call, remaining)
      : await aliasPath(request, deps, call, remaining));

  const durationMs = now().getTime() - started;
  const rolledBack = result.outcome === 'rolled-back';
  const entry: RollbackEntry | undefined =
    rolledBack && result.method && result.from && result.to
      ? {
          at: now().toISOString(),
          from: result.from,
          to: result.to,
          method: result.method,
          reason: request.reason,
          by: request.by,
          durationMs,
          function:
            releaseOf(request.record, request.functionName, request.alias)?.function.name ??
            request.functionName,
        }
      : undefined;
  const record = entry
    ? recordRollback(request.record, [entry], { ...request, release: request.release ?? {} }, now())
    : request.record;
  deps.logger.info(result.explanation);
  if (result.outcome === 'dry-run' && result.change)
    deps.logger.info(`the change it would make: ${result.change}`);
  return { ...result, rolledBack, durationMs, record, entry };
}

/**
 * A record without a target is a deploy that stopped before it published a version: this release moved no
 * traffic, so there is nothing of its own to undo, whatever the alias serves now (a newer release, perhaps). Decided
 * before any AWS call; 'target-version' still forces a version.
 */
function untouchedByRelease(request: RollbackRequest): Decided | undefined {
  const record = request.record;
  if (!record || request.targetVersion) return undefined;
  if (releaseOf(record, request.functionName, request.alias)?.target) return undefined;
  return {
    outcome: 'nothing-to-do',
    explanation:
      `nothing to do: the deployment record shows the deploy stopped before it published a version (status ${record.status}` +
      `${record.error ? `: ${record.error}` : ''}), so this release moved no traffic and alias ${request.alias} of ${request.functionName} was not touched. ` +
      `Give 'target-version' to roll back anyway`,
  };
}

/**
 * A code rollback puts $LATEST back to the previous code; when the function has the alias, the alias must serve
 * that code too, so it is moved to the previous version by the same decision as an alias rollback (which never
 * moves it over a newer release). The result names both changes.
 */
async function codePath(
  request: RollbackRequest,
  deps: RollbackDeps,
  call: Call,
  remaining: () => number,
): Promise<Decided> {
  const code = await rollbackCode(
    deps.lambda,
    {
      ...request,
      timeoutMs: remaining(),
      call,
      checkOwner: (arn) =>
        checkRecordOwner(releaseOf(request.record, request.functionName, request.alias), arn),
    },
    deps.logger,
  );
  if (code.outcome === 'gone') return { outcome: 'gone', explanation: code.explanation };
  const alias = await call(`reading alias ${request.alias} of ${request.functionName}`, (signal) =>
    readAlias(deps.lambda, request.functionName, request.alias, signal),
  );
  // Versions name the code best when the record has them; otherwise the code locations do.
  const released = releaseOf(request.record, request.functionName, request.alias);
  const codeFrom = released?.target?.version ?? code.from;
  const codeTo = released?.previous?.version ?? code.to;
  if (!alias) {
    return {
      outcome: code.outcome,
      method: 'code',
      from: codeFrom,
      to: codeTo,
      explanation: `${code.explanation}; ${request.functionName} has no alias ${request.alias}, so nothing else changed`,
      change: code.change,
    };
  }
  const moved = await aliasPath({ ...request, method: 'alias' }, deps, call, remaining);
  const changed = [code.outcome, moved.outcome];
  const outcome = changed.includes('dry-run')
    ? 'dry-run'
    : changed.includes('rolled-back')
      ? 'rolled-back'
      : changed.includes('superseded')
        ? 'superseded'
        : 'nothing-to-do';
  const aliasMoved = moved.outcome === 'rolled-back' || moved.outcome === 'dry-run';
  return {
    outcome,
    method: 'code',
    from: aliasMoved ? moved.from : codeFrom,
    to: aliasMoved ? moved.to : codeTo,
    explanation: `code: ${code.explanation}; alias: ${moved.explanation}`,
    change: [code.change, moved.change].filter(Boolean).join('; ') || undefined,
    before: moved.before,
    after: moved.after,
  };
}

async function aliasPath(
  request: RollbackRequest,
  deps: RollbackDeps,
  call: Call,
  remaining: () => number,
): Promise<Decided> {
  const { lambda, logger } = deps;
  const before = await call(`reading alias ${request.alias} of ${request.functionName}`, (signal) =>
    readAlias(lambda, request.functionName, request.alias, signal),
  );
  if (!before) return missingAlias(lambda, request, call);
  checkRecordOwner(
    releaseOf(request.record, request.functionName, request.alias),
    before.arn?.replace(/:[^:]+$/, ''),
  );
  logger.info(`alias ${request.alias} of ${request.functionName} sends ${describeAlias(before)}`);

  let alias = before;
  if (!request.targetVersion && (request.method === 'auto' || request.method === 'codedeploy')) {
    const viaCodeDeploy = await codeDeployPath(request, deps, before, call, remaining);
    if ('outcome' in viaCodeDeploy) return viaCodeDeploy;
    alias = viaCodeDeploy.alias;
  }

  const lookups = versionLookups(lambda, request.functionName, call);
  let earlier: { from: string; to: string } | undefined;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const plan: AliasPlan =
      (earlier && recheckAfterConflict(alias, earlier)) ??
      (await decideAliasTarget({ ...request, alias }, lookups));
    if (plan.kind === 'nothing') {
      return {
        outcome: 'nothing-to-do',
        to: plan.version,
        explanation: `nothing to do: ${plan.explanation}`,
        before,
        after: alias,
      };
    }
    if (plan.kind === 'superseded') {
      return { outcome: 'superseded', explanation: plan.explanation, before, after: alias };
    }
    if (plan.kind === 'unproven') {
      return {
        outcome: 'nothing-to-do',
        explanation: `nothing to do: ${plan.explanation}`,
        before,
        after: alias,
      };
    }
    const change = {
      FunctionName: request.functionName,
      Name: request.alias,
      FunctionVersion: plan.to,
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: alias.revisionId,
    };
    const changeText = `UpdateAlias ${JSON.stringify(change)}`;
    logger.info(
      `decision: move alias ${request.alias} from version ${plan.from} to version ${plan.to}, because ${plan.why}`,
    );
    if (request.dryRun) {
      return {
        outcome: 'dry-run',
        method: 'alias',
        from: plan.from,
        to: plan.to,
        explanation: `dry run: would move alias ${request.alias} from ${describeAlias(alias)} to 100% on version ${plan.to}; nothing changed`,
        change: changeText,
        before,
      };
    }
    let after: AliasState;
    try {
      const revisionId = alias.revisionId;
      after = await call(
        `UpdateAlias ${request.alias} of ${request.functionName} to version ${plan.to}`,
        (signal) =>
          updateAlias(
            lambda,
            {
              functionName: request.functionName,
              alias: request.alias,
              version: plan.to,
              weights: {},
              revisionId,
            },
            { signal },
          ),
      );
    } catch (error) {
      if (awsErrorName(error) === 'PreconditionFailedException' && attempt === 1) {
        logger.warning(
          `alias ${request.alias} changed while we were rolling it back; reading it again and deciding once more`,
        );
        earlier = { from: plan.from, to: plan.to };
        alias = await readAliasOrFail(lambda, request, call);
        continue;
      }
      throw new Error(
        `moving alias ${request.alias} of ${request.functionName} to version ${plan.to} failed: ${errorMessage(error)}`,
        { cause: error },
      );
    }
    // UpdateAlias answers with the alias as Lambda stored it (version, routing, new RevisionId), so that answer
    // is the verification: a GetAlias after it would cost a call and could only see a later change by someone else.
    if (after.version !== plan.to || Object.keys(after.weights).length > 0) {
      throw new Error(
        `alias ${request.alias} of ${request.functionName} should send 100% to version ${plan.to} after the rollback, but Lambda reports ${describeAlias(after)}`,
      );
    }
    return {
      outcome: 'rolled-back',
      method: 'alias',
      from: plan.from,
      to: plan.to,
      explanation: `rolled back alias ${request.alias} of ${request.functionName} from version ${plan.from} to version ${plan.to} (${plan.why})`,
      change: changeText,
      before,
      after,
    };
  }
  throw new UserError(
    `alias ${request.alias} of ${request.functionName} kept changing while we rolled it back; nothing was changed by this run`,
  );
}

/**
 * Step 2 of the decision: an active CodeDeploy deployment is stopped with rollback, so CodeDeploy itself puts
 * the alias back. Returns a result when that settled it, else the alias state to keep deciding from.
 */
async function codeDeployPath(
  request: RollbackRequest,
  deps: RollbackDeps,
  alias: AliasState,
  call: Call,
  remaining: () => number,
): Promise<Decided | { alias: AliasState }> {
  const fromRecord = recordCodeDeploy(request, deps.logger);
  const knownId = request.deploymentId ?? fromRecord?.deploymentId;
  const group =
    request.codedeployGroup ??
    (fromRecord
      ? { application: fromRecord.application, deploymentGroup: fromRecord.deploymentGroup }
      : undefined);
  if (!knownId && !group) {
    if (request.method === 'codedeploy') {
      throw new UserError(
        "method 'codedeploy' needs a deployment: give 'deployment-id', 'codedeploy-application' with 'codedeploy-deployment-group', or the record of a CodeDeploy release. Nothing changed",
      );
    }
    const strategy = request.record?.strategy;
    if (Object.keys(alias.weights).length > 0 && strategy !== 'alias-weights' && strategy !== 'all-at-once') {
      // Nothing here says who is shifting the weights; if it is CodeDeploy, it would carry on after we move the alias.
      deps.logger.warning(
        `alias ${alias.name} routes weight to a second version and no CodeDeploy deployment is known: if CodeDeploy is shifting it, ` +
          "give 'codedeploy-application' and 'codedeploy-deployment-group' (or the record) so the deployment is stopped too",
      );
    }
    return { alias };
  }
  // Known by now: a deployment id, or else the group to look in.
  const groupName = group ? `${group.application}/${group.deploymentGroup}` : '';
  const { appSpecTargetVersion, findActiveDeployment, getDeployment, isActive, stopWithRollback } =
    await import('./codedeploy-stop.js');
  const client = await deps.codedeploy();
  // A deployment or group known only from the record that CodeDeploy does not know must not stop the rollback:
  // the alias can still be restored from its live state. One given as an input stays an error.
  const onlyFromRecord = !request.deploymentId && !request.codedeployGroup;
  const ignoreUnknown = (error: unknown): { alias: AliasState } => {
    const name = awsErrorName(error instanceof Error && error.cause ? error.cause : error) ?? '';
    if (!onlyFromRecord || !UNKNOWN_TO_CODEDEPLOY.includes(name)) throw error;
    deps.logger.warning(
      `the deployment record names CodeDeploy deployment ${knownId ?? `group ${groupName}`}, which CodeDeploy does not know (${errorMessage(error)}); deciding from the live state`,
    );
    return { alias };
  };
  let deploymentId = knownId;
  try {
    if (!deploymentId && group) {
      deploymentId = await call(`listing in-progress deployments of CodeDeploy group ${groupName}`, () =>
        findActiveDeployment(client, group),
      );
    }
  } catch (error) {
    return ignoreUnknown(error);
  }
  if (!deploymentId) {
    deps.logger.info(`no CodeDeploy deployment is in progress in ${groupName}; deciding from the alias`);
    return { alias };
  }
  const failed = releaseOf(request.record, request.functionName, request.alias)?.target?.version;
  const extra = Object.keys(alias.weights)[0];

  if (request.dryRun) {
    let info;
    try {
      info = await call(`reading CodeDeploy deployment ${deploymentId}`, () =>
        getDeployment(client, deploymentId),
      );
    } catch (error) {
      return ignoreUnknown(error);
    }
    if (!isActive(info.status)) {
      deps.logger.info(
        `CodeDeploy deployment ${deploymentId} is ${info.status ?? 'unknown'}, not in progress; deciding from the alias`,
      );
      return { alias };
    }
    return {
      outcome: 'dry-run',
      method: 'codedeploy-stop',
      from: failed ?? appSpecTargetVersion(info) ?? extra ?? alias.version,
      to: alias.version,
      explanation: `dry run: would stop CodeDeploy deployment ${deploymentId} (${info.status}) with rollback, which puts alias ${request.alias} back on version ${alias.version}; nothing changed`,
      change: `StopDeployment ${JSON.stringify({ deploymentId, autoRollbackEnabled: true })}`,
      before: alias,
    };
  }

  let stop;
  try {
    stop = await stopWithRollback(client, deploymentId, {
      timeoutMs: remaining(),
      signal: deps.signal,
      logger: deps.logger,
      call,
    });
  } catch (error) {
    return ignoreUnknown(error);
  }
  if (!stop.stopped) {
    deps.logger.info(`${stop.message}; deciding from the alias`);
    return { alias };
  }
  const after = await readAliasOrFail(deps.lambda, request, call);
  // The version CodeDeploy was shifting to: from the record, the deployment's AppSpec, or the alias's extra weight.
  const shiftedTo = failed ?? appSpecTargetVersion(stop.info) ?? extra;
  const settled = Object.keys(after.weights).length === 0 && after.version !== shiftedTo;
  if (!settled) {
    deps.logger.warning(
      `CodeDeploy stopped deployment ${deploymentId} but alias ${request.alias} still sends ${describeAlias(after)}; fixing the alias directly`,
    );
    return { alias: after };
  }
  return {
    outcome: 'rolled-back',
    method: 'codedeploy-stop',
    from: shiftedTo ?? after.version,
    to: after.version,
    explanation:
      `stopped CodeDeploy deployment ${deploymentId} with rollback${stop.rollbackDeploymentId ? ` (rollback deployment ${stop.rollbackDeploymentId})` : ''}; ` +
      `alias ${request.alias} of ${request.functionName} sends ${describeAlias(after)} again`,
    change: `StopDeployment ${JSON.stringify({ deploymentId, autoRollbackEnabled: true })}`,
    before: alias,
    after,
  };
}

/** The record's CodeDeploy deployment, unless its id is malformed (then ignored, with a warning). */
function recordCodeDeploy(request: RollbackRequest, logger: Logger): FunctionRelease['codedeploy'] {
  const fromRecord = releaseOf(request.record, request.functionName, request.alias)?.codedeploy;
  const id = fromRecord?.deploymentId;
  if (id === undefined || DEPLOYMENT_ID.test(id)) return fromRecord;
  logger.warning(
    `the deployment record names CodeDeploy deployment ${JSON.stringify(id)}, which is not a deployment id (d- and letters or digits); ignoring it and deciding from the live state`,
  );
  return undefined;
}

async function readAliasOrFail(
  lambda: LambdaClient,
  request: RollbackRequest,
  call: Call,
): Promise<AliasState> {
  const alias = await call(`reading alias ${request.alias} of ${request.functionName}`, (signal) =>
    readAlias(lambda, request.functionName, request.alias, signal),
  );
  if (!alias) throw noAlias(request);
  return alias;
}

function noAlias(request: RollbackRequest): UserError {
  return new UserError(
    `alias ${request.alias} of ${request.functionName} does not exist (ResourceNotFoundException): check 'function-name' and 'alias'; for a function without aliases use method 'code'`,
  );
}

/** An alias Lambda does not know: a function deleted since the release has nothing left to restore; else an error. */
async function missingAlias(lambda: LambdaClient, request: RollbackRequest, call: Call): Promise<Decided> {
  const fn = await call(`reading function ${request.functionName}`, (signal) =>
    getFunctionConfiguration(lambda, request.functionName, undefined, signal),
  );
  if (fn) throw noAlias(request);
  return {
    outcome: 'gone',
    explanation: `${request.functionName} no longer exists (deleted since the release): nothing is left to restore, and nothing changed`,
  };
}

/** Versions' configurations and the version list, each asked of Lambda at most once per run. */
function versionLookups(lambda: LambdaClient, functionName: string, call: Call): VersionLookups {
  const known = new Map<string, Promise<FunctionConfiguration | undefined>>();
  let published: Promise<string[]> | undefined;
  const configuration = (version: string) => {
    let config = known.get(version);
    if (!config) {
      config = call(`reading version ${version} of ${functionName}`, async (signal) => {
        const found = await getFunctionConfiguration(lambda, functionName, version, signal);
        return found?.Version === version ? found : undefined;
      });
      known.set(version, config);
    }
    return config;
  };
  return {
    exists: async (version) => (await configuration(version)) !== undefined,
    description: async (version) => (await configuration(version))?.Description,
    published: () => {
      published ??= call(`listing the published versions of ${functionName}`, async (signal) =>
        (await listPublishedVersions(lambda, functionName, signal)).flatMap((v) =>
          v.Version ? [v.Version] : [],
        ),
      );
      return published;
    },
  };
}
