import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  awsErrorName,
  describeAlias,
  errorMessage,
  getFunctionConfiguration,
  listPublishedVersions,
  readAlias,
  updateAlias,
  UserError,
  withContext,
  type AliasState,
  type DeploymentRecord,
  type Logger,
  type RollbackMethod,
} from '@lambda-release-kit/core';
import { rollbackCode } from './code-rollback.js';
import { decideAliasTarget, recheckAfterConflict, type AliasPlan, type VersionLookups } from './decide.js';
import type { MethodChoice } from './options.js';
import { recordRollback } from './record-update.js';

export type Outcome = 'rolled-back' | 'nothing-to-do' | 'superseded' | 'dry-run';

export interface RollbackRequest {
  functionName: string;
  alias: string;
  method: MethodChoice;
  record?: DeploymentRecord;
  /** Why a record that was given could not be used. */
  recordProblem?: string;
  /** The record file was never written (see decide.ts). */
  recordMissing?: boolean;
  targetVersion?: string;
  deploymentId?: string;
  codedeployGroup?: { application: string; deploymentGroup: string };
  dryRun: boolean;
  reason: string;
  /** Who asked for the rollback (GITHUB_ACTOR, or the user at a terminal). */
  by: string;
  timeoutMs: number;
  region?: string;
  /** Release metadata for a record started by the rollback itself. */
  release?: DeploymentRecord['release'];
}

export interface RollbackDeps {
  lambda: LambdaClient;
  /** Called only when a CodeDeploy deployment may be involved (so the client can be loaded lazily). */
  codedeploy: () => Promise<CodeDeployClient>;
  logger: Logger;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface RollbackResult {
  outcome: Outcome;
  rolledBack: boolean;
  method?: RollbackMethod;
  from?: string;
  to?: string;
  durationMs: number;
  explanation: string;
  /** The exact change made, or that a dry run would make. */
  change?: string;
  before?: AliasState;
  after?: AliasState;
  /** The record with the rollback added (or the given record, unchanged, when nothing was rolled back). */
  record?: DeploymentRecord;
}

type Decided = Omit<RollbackResult, 'durationMs' | 'record' | 'rolledBack'>;

/** Restores the last good version as the spec decides it (see decide.ts), idempotently. */
export async function rollback(request: RollbackRequest, deps: RollbackDeps): Promise<RollbackResult> {
  const now = deps.now ?? (() => new Date());
  const started = now().getTime();
  const deadline = started + request.timeoutMs;
  const remaining = () => Math.max(1_000, deadline - now().getTime());
  if (request.recordProblem)
    deps.logger.warning(`${request.recordProblem}; deciding from the live state where that is safe`);

  const result =
    request.method === 'code'
      ? await codePath(request, deps, remaining)
      : await aliasPath(request, deps, remaining);

  const durationMs = now().getTime() - started;
  const rolledBack = result.outcome === 'rolled-back';
  const record =
    rolledBack && result.method && result.from && result.to
      ? recordRollback(
          request.record,
          {
            at: now().toISOString(),
            from: result.from,
            to: result.to,
            method: result.method,
            reason: request.reason,
            by: request.by,
            durationMs,
          },
          {
            functionName: request.functionName,
            alias: request.alias,
            region: request.region,
            release: request.release ?? {},
          },
          now(),
        )
      : request.record;
  deps.logger.info(result.explanation);
  if (result.outcome === 'dry-run' && result.change)
    deps.logger.info(`the change it would make: ${result.change}`);
  return { ...result, rolledBack, durationMs, record };
}

async function codePath(
  request: RollbackRequest,
  deps: RollbackDeps,
  remaining: () => number,
): Promise<Decided> {
  const code = await rollbackCode(
    deps.lambda,
    {
      functionName: request.functionName,
      record: request.record,
      dryRun: request.dryRun,
      timeoutMs: remaining(),
      signal: deps.signal,
    },
    deps.logger,
  );
  // Versions name the change best when the record has them; otherwise the code locations do.
  const from = request.record?.target?.version ?? code.from;
  const to = request.record?.previous?.version ?? code.to;
  return {
    outcome: code.outcome,
    method: 'code',
    from,
    to,
    explanation: code.explanation,
    change: code.change,
  };
}

async function aliasPath(
  request: RollbackRequest,
  deps: RollbackDeps,
  remaining: () => number,
): Promise<Decided> {
  const { lambda, logger } = deps;
  const before = await readAliasOrFail(lambda, request);
  logger.info(`alias ${request.alias} of ${request.functionName} sends ${describeAlias(before)}`);

  let alias = before;
  if (!request.targetVersion && (request.method === 'auto' || request.method === 'codedeploy')) {
    const viaCodeDeploy = await codeDeployPath(request, deps, before, remaining);
    if ('outcome' in viaCodeDeploy) return viaCodeDeploy;
    alias = viaCodeDeploy.alias;
  }

  const lookups = versionLookups(lambda, request.functionName);
  let earlier: { from: string; to: string } | undefined;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const plan: AliasPlan =
      (earlier && recheckAfterConflict(alias, earlier)) ??
      (await decideAliasTarget(
        {
          functionName: request.functionName,
          alias,
          targetVersion: request.targetVersion,
          record: request.record,
          recordProblem: request.recordProblem,
          recordMissing: request.recordMissing,
        },
        lookups,
        logger,
      ));
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
      after = await updateAlias(lambda, {
        functionName: request.functionName,
        alias: request.alias,
        version: plan.to,
        weights: {},
        revisionId: alias.revisionId,
      });
    } catch (error) {
      if (awsErrorName(error) === 'PreconditionFailedException' && attempt === 1) {
        logger.warning(
          `alias ${request.alias} changed while we were rolling it back; reading it again and deciding once more`,
        );
        earlier = { from: plan.from, to: plan.to };
        alias = await readAliasOrFail(lambda, request);
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
  remaining: () => number,
): Promise<Decided | { alias: AliasState }> {
  const fromRecord = request.record?.codedeploy;
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
    if (Object.keys(alias.weights).length > 0) {
      // Nothing here says who is shifting the weights; if it is CodeDeploy, it would carry on after we move the alias.
      deps.logger.warning(
        `alias ${alias.name} routes weight to a second version and no CodeDeploy deployment is known: if CodeDeploy is shifting it, ` +
          "give 'codedeploy-application' and 'codedeploy-deployment-group' (or the record) so the deployment is stopped too",
      );
    }
    return { alias };
  }
  const { appSpecTargetVersion, findActiveDeployment, getDeployment, isActive, stopWithRollback } =
    await import('./codedeploy-stop.js');
  const client = await deps.codedeploy();
  const deploymentId = knownId ?? (await findActiveDeployment(client, group!));
  if (!deploymentId) {
    deps.logger.info(
      `no CodeDeploy deployment is in progress in ${group!.application}/${group!.deploymentGroup}; deciding from the alias`,
    );
    return { alias };
  }
  const failed = request.record?.target?.version;
  const extra = Object.keys(alias.weights)[0];

  if (request.dryRun) {
    const info = await getDeployment(client, deploymentId);
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

  const stop = await stopWithRollback(client, deploymentId, {
    timeoutMs: remaining(),
    signal: deps.signal,
    logger: deps.logger,
  });
  if (!stop.stopped) {
    deps.logger.info(`${stop.message}; deciding from the alias`);
    return { alias };
  }
  const after = await readAliasOrFail(deps.lambda, request);
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

async function readAliasOrFail(lambda: LambdaClient, request: RollbackRequest): Promise<AliasState> {
  const alias = await withContext(`reading alias ${request.alias} of ${request.functionName}`, () =>
    readAlias(lambda, request.functionName, request.alias),
  );
  if (!alias) {
    throw new UserError(
      `alias ${request.alias} of ${request.functionName} does not exist (ResourceNotFoundException): check 'function-name' and 'alias'; for a function without aliases use method 'code'`,
    );
  }
  return alias;
}

/** Existence checks and the version list, each asked of Lambda at most once per run. */
function versionLookups(lambda: LambdaClient, functionName: string): VersionLookups {
  const known = new Map<string, Promise<boolean>>();
  let published: Promise<string[]> | undefined;
  return {
    exists: (version) => {
      if (!known.has(version)) {
        known.set(
          version,
          withContext(`reading version ${version} of ${functionName}`, async () => {
            const config = await getFunctionConfiguration(lambda, functionName, version);
            return config?.Version === version;
          }),
        );
      }
      return known.get(version)!;
    },
    published: () => {
      published ??= withContext(`listing the published versions of ${functionName}`, async () =>
        (await listPublishedVersions(lambda, functionName)).map((v) => v.Version!),
      );
      return published;
    },
  };
}
