/**
 * The world every benchmark starts from: a sandbox on 127.0.0.1 with the example orders-api function, published
 * releases and a `live` alias, set up through the real SDK as Terraform or SAM would have done it.
 */
import {
  CreateAliasCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { readAlias, updateAlias, waitForFunctionUpdated } from '@lambda-release-kit/core';
import { startSandbox, type Sandbox, type StartOptions } from '@lambda-release-kit/sandbox';
import { buildOrdersApi } from '../examples/orders-api/build.mjs';
import { createOrdersApiFunction } from '../examples/orders-api/create-function.js';

export const FUNCTION_NAME = 'orders-api';
export const ALIAS = 'live';

export interface Release {
  release: string;
  failureRate?: number;
  latencyMs?: number;
}

export interface World {
  sandbox: Sandbox;
  lambda: LambdaClient;
  /**
   * Uploads a release's zip to $LATEST, waits for the update and publishes it (with `description`, e.g. naming the
   * run as deploy-canary does); returns the version.
   */
  publish(release: Release, description?: string): Promise<string>;
  /** Points `live` at a version with optional extra weights, creating the alias the first time. */
  pointAlias(version: string, weights?: Record<string, number>): Promise<void>;
  stop(): Promise<void>;
}

/** A Lambda client of the sandbox, with its region and test credentials. */
export function sandboxLambda(sandbox: Sandbox): LambdaClient {
  return new LambdaClient({
    endpoint: sandbox.endpoint,
    region: sandbox.env.AWS_REGION,
    credentials: {
      accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY,
    },
  });
}

export async function startWorld(options: StartOptions = {}): Promise<World> {
  const sandbox = await startSandbox({ ...options, port: 0 });
  const lambda = sandboxLambda(sandbox);
  await createOrdersApiFunction(lambda, FUNCTION_NAME);
  const settle = () => waitForFunctionUpdated(lambda, FUNCTION_NAME, { timeoutMs: 30_000 });

  return {
    sandbox,
    lambda,
    publish: async (release, description) => {
      await lambda.send(
        new UpdateFunctionCodeCommand({ FunctionName: FUNCTION_NAME, ZipFile: buildOrdersApi(release) }),
      );
      await settle();
      const published = await lambda.send(
        new PublishVersionCommand({ FunctionName: FUNCTION_NAME, Description: description }),
      );
      if (!published.Version) throw new Error(`publishing ${release.release} returned no version`);
      return published.Version;
    },
    pointAlias: async (version, weights = {}) => {
      const current = await readAlias(lambda, FUNCTION_NAME, ALIAS);
      if (current) {
        await updateAlias(lambda, { functionName: FUNCTION_NAME, alias: ALIAS, version, weights });
        return;
      }
      await lambda.send(
        new CreateAliasCommand({
          FunctionName: FUNCTION_NAME,
          Name: ALIAS,
          FunctionVersion: version,
          RoutingConfig: { AdditionalVersionWeights: weights },
        }),
      );
    },
    stop: async () => {
      lambda.destroy();
      await sandbox.stop();
    },
  };
}
