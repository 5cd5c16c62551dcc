/**
 * A sandbox with the example function released the way Terraform or an earlier pipeline run would leave it:
 * version 1 published and the alias on it. Tests set up state with the real SDK against the sandbox and read
 * the alias back from the sandbox's own backend (no request is logged for that read).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { waitForFunctionUpdated } from '@lambda-release-kit/core';
import { startSandbox, type Sandbox, type SandboxEnv, type StartOptions } from '@lambda-release-kit/sandbox';
import { buildOrdersApi } from '../../examples/orders-api/build.mjs';
import { createOrdersApiFunction } from '../../examples/orders-api/create-function.js';
import { startCategory } from './results.js';

export const ALIAS = 'live';
/**
 * A version description as deploy-canary writes it in the run runAction simulates (GITHUB_RUN_ID 4242): without a
 * record, rollback-on-failure moves only an alias whose canary names this run.
 */
export const THIS_RUN_DESCRIPTION =
  'release v1.1.0 commit 0123456789ab https://github.com/example/lambda-release-kit/actions/runs/4242';

export interface Fixture {
  sandbox: Sandbox;
  lambda: LambdaClient;
  /** Environment for an action process: endpoint, region, dummy credentials, sink URLs. */
  env: SandboxEnv;
}

export async function startFixture(options: StartOptions = {}): Promise<Fixture> {
  const sandbox = await startSandbox({ updateDelayMs: 200, metricDelayMs: 0, ...options });
  const lambda = new LambdaClient({
    endpoint: sandbox.endpoint,
    region: sandbox.env.AWS_REGION,
    credentials: { accessKeyId: 'fixture', secretAccessKey: 'fixture' },
    maxAttempts: 1,
  });
  return { sandbox, lambda, env: { ...sandbox.env } };
}

/**
 * One sandbox for a test file, recorded under `category`: started before its tests and handed to `started`,
 * faults cleared after each test, stopped after the last.
 */
export function useFixture(category: string, started: (fixture: Fixture) => void): void {
  let fixture: Fixture | undefined;
  beforeAll(async () => {
    startCategory(category);
    fixture = await startFixture();
    started(fixture);
  });
  afterEach(() => fixture?.sandbox.faults.clear());
  afterAll(async () => {
    await fixture?.sandbox.stop();
  });
}

/** Creates `name` with release v1.0.0, publishes version 1 and points the alias at it. */
export async function createReleasedFunction(fixture: Fixture, name: string): Promise<void> {
  await createOrdersApiFunction(fixture.lambda, name, 'v1.0.0');
  await fixture.lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await fixture.lambda.send(
    new CreateAliasCommand({ FunctionName: name, Name: ALIAS, FunctionVersion: '1' }),
  );
}

/**
 * Uploads a new release to $LATEST and publishes it (with `description`, e.g. deploy-canary's naming the run);
 * returns the new version number.
 */
export async function publishRelease(
  fixture: Fixture,
  name: string,
  release: string,
  description?: string,
): Promise<string> {
  await fixture.lambda.send(
    new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: buildOrdersApi({ release }) }),
  );
  await waitForFunctionUpdated(fixture.lambda, name, { timeoutMs: 10_000 });
  const published = await fixture.lambda.send(
    new PublishVersionCommand({ FunctionName: name, Description: description }),
  );
  return published.Version!;
}

/** Leaves the alias half-shifted, as a deploy that died at a weight step would. */
export async function routeCanary(
  fixture: Fixture,
  name: string,
  stable: string,
  canary: string,
  weight: number,
) {
  await fixture.lambda.send(
    new UpdateAliasCommand({
      FunctionName: name,
      Name: ALIAS,
      FunctionVersion: stable,
      RoutingConfig: { AdditionalVersionWeights: { [canary]: weight } },
    }),
  );
}

export interface AliasView {
  version: string;
  weights: Record<string, number>;
}

export function aliasOf(fixture: Fixture, name: string): AliasView {
  const alias = fixture.sandbox.lambda.getAlias(name, ALIAS);
  if (!alias) throw new Error(`alias ${ALIAS} of ${name} does not exist`);
  return { version: alias.functionVersion, weights: { ...alias.additionalVersionWeights } };
}

/** Writes a release zip into `dir` for deploy-canary's zip-file input. */
export function writeReleaseZip(
  dir: string,
  release: string,
  settings: { failureRate?: number } = {},
): string {
  const path = join(dir, `orders-api-${release}.zip`);
  writeFileSync(path, buildOrdersApi({ release, ...settings }));
  return path;
}
