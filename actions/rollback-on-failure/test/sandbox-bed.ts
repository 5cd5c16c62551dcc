import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  AwsClients,
  createRecord,
  MemoryLogger,
  waitForFunctionUpdated,
  type DeploymentRecord,
  type FunctionRelease,
} from '@lambda-release-kit/core';
import { startSandbox, zipFunction, type Sandbox, type SandboxOptions } from '@lambda-release-kit/sandbox';
import { rollback, type RollbackRequest, type RollbackResult } from '../src/rollback.js';

// One way to reach the sandbox in every test: its environment (AWS_ENDPOINT_URL, region, dummy keys) is put in
// process.env, so AwsClients, main's run() and the bundle all find it exactly as they find AWS on a runner.

export const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
/** The workflow run the tests' rollbacks belong to; deploy-canary names it in the descriptions of its versions. */
export const RUN = { url: 'https://github.com/example/orders/actions/runs/4242', attempt: '1' };
/** A version description as deploy-canary writes it in RUN. */
export const OUR_DESCRIPTION = `release v1.1.0 commit 0123456789ab ${RUN.url}`;

export interface Bed {
  sandbox: Sandbox;
  clients: AwsClients;
  lambda: LambdaClient;
  dir: string;
  stop(): Promise<void>;
}

export async function startBed(options: SandboxOptions = {}): Promise<Bed> {
  const sandbox = await startSandbox({ timeScale: 600, updateDelayMs: 1000, metricDelayMs: 0, ...options });
  const saved = Object.fromEntries(Object.keys(sandbox.env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, sandbox.env);
  const clients = new AwsClients({ action: 'rollback-on-failure', region: 'us-east-1', maxAttempts: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'rollback-'));
  return {
    sandbox,
    clients,
    lambda: clients.lambda,
    dir,
    stop: async () => {
      clients.lambda.destroy();
      clients.codedeploy.destroy();
      await sandbox.stop();
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const handler = (label: string) =>
  zipFunction({
    'index.mjs': `export const handler = async () => ({ ok: true, label: ${JSON.stringify(label)} });`,
  });

/**
 * A zip function with published versions 1..count (each with its own code) and no alias yet; the versions in
 * `ours` are described as deploy-canary describes the versions it publishes in RUN.
 */
export async function functionWithVersions(
  lambda: LambdaClient,
  name: string,
  count: number,
  ours: number[] = [],
): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Role: ROLE,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { ZipFile: handler(`${name} v1`) },
    }),
  );
  for (let version = 1; version <= count; version++) {
    if (version > 1) {
      await lambda.send(
        new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: handler(`${name} v${version}`) }),
      );
    }
    await waitForFunctionUpdated(lambda, name, { timeoutMs: 5_000 });
    const description = ours.includes(version) ? OUR_DESCRIPTION : `published by hand, v${version}`;
    await lambda.send(new PublishVersionCommand({ FunctionName: name, Description: description }));
  }
}

/** Creates or moves the alias (unguarded, as a person or another pipeline would). */
export async function pointAlias(
  lambda: LambdaClient,
  name: string,
  alias: string,
  version: string,
  weights: Record<string, number> = {},
): Promise<void> {
  const RoutingConfig = { AdditionalVersionWeights: weights };
  try {
    await lambda.send(
      new UpdateAliasCommand({ FunctionName: name, Name: alias, FunctionVersion: version, RoutingConfig }),
    );
  } catch {
    await lambda.send(
      new CreateAliasCommand({ FunctionName: name, Name: alias, FunctionVersion: version, RoutingConfig }),
    );
  }
}

export async function aliasState(lambda: LambdaClient, name: string, alias = 'live') {
  const result = await lambda.send(new GetAliasCommand({ FunctionName: name, Name: alias }));
  return { version: result.FunctionVersion, weights: result.RoutingConfig?.AdditionalVersionWeights ?? {} };
}

/** A record as deploy-canary leaves it after a failed canary from `previous` to `target`. */
export function failedRecord(
  name: string,
  previous: string,
  target: string,
  extra: Partial<DeploymentRecord> = {},
  released: Partial<FunctionRelease> = {},
): DeploymentRecord {
  return createRecord({
    functions: [
      {
        function: { name },
        alias: 'live',
        previous: { version: previous },
        target: { version: target },
        ...released,
      },
    ],
    strategy: 'alias-weights',
    status: 'failed',
    ...extra,
  });
}

export function request(name: string, overrides: Partial<RollbackRequest> = {}): RollbackRequest {
  return {
    functionName: name,
    alias: 'live',
    method: 'auto',
    dryRun: false,
    reason: 'canary failed',
    by: 'tester',
    timeoutMs: 20_000,
    ...overrides,
  };
}

export async function runRollback(
  bed: Bed,
  req: RollbackRequest,
): Promise<RollbackResult & { logger: MemoryLogger }> {
  const logger = new MemoryLogger();
  const result = await rollback(req, {
    lambda: bed.lambda,
    codedeploy: async () => bed.clients.codedeploy,
    logger,
  });
  return { ...result, logger };
}

/** The AWS operations since the last clear, e.g. ["GetAlias", "UpdateAlias"]. */
export function operations(bed: Bed): string[] {
  return bed.sandbox.requestLog().map((entry) => entry.operation);
}
