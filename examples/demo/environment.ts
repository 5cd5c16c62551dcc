/**
 * One deployment environment of the demo: its own sandbox (the AWS account its role reaches) holding the service's
 * two functions, created as Terraform or SAM would before a first release, and its users' traffic.
 */
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '@lambda-release-kit/sandbox';
import { createExampleFunction } from '../create-function.js';
import { buildOrdersApi } from '../orders-api/build.mjs';
import { buildOrdersWorker } from '../orders-worker/build.mjs';
import { startInvokeTraffic, startUrlTraffic, type TrafficWindow, type WindowedTraffic } from './traffic.js';

export const API = 'orders-api';
export const WORKER = 'orders-worker';
export const ALIAS = 'live';
const RELEASE = 'v0.0.0-bootstrap';

export interface DemoEnvironment {
  name: string;
  sandbox: Sandbox;
  apiUrl: string;
  /** Starts the users' traffic once (after the first release created the aliases). */
  startTraffic(): void;
  /** The traffic since the last call, per function. */
  takeWindows(): Array<{ functionName: string; window: TrafficWindow }>;
  /** Where each alias points, e.g. { 'orders-api': '3', 'orders-worker': '3 + 4 at 10%' }. */
  aliases(): Promise<Record<string, string>>;
  /** True when no alias routes traffic to a second version. */
  settled(): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startEnvironment(
  name: string,
  rates: { api: number; worker: number },
): Promise<DemoEnvironment> {
  const sandbox = await startSandbox({ updateDelayMs: 300, metricDelayMs: 0 });
  const lambda = new LambdaClient({
    endpoint: sandbox.endpoint,
    region: sandbox.env.AWS_REGION,
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
  });
  await createExampleFunction(lambda, API, buildOrdersApi({ release: RELEASE }));
  await createExampleFunction(lambda, WORKER, buildOrdersWorker({ release: RELEASE }));
  const apiUrl = sandbox.functionUrl(API, ALIAS).replace(/\/$/, '');
  const traffic: Array<{ functionName: string; traffic: WindowedTraffic }> = [];
  const routes = async () =>
    Promise.all(
      [API, WORKER].map(async (functionName) => {
        // Before the first release there is no alias yet.
        const alias = await lambda
          .send(new GetAliasCommand({ FunctionName: functionName, Name: ALIAS }))
          .catch(() => undefined);
        const weights = Object.entries(alias?.RoutingConfig?.AdditionalVersionWeights ?? {});
        return { functionName, version: alias?.FunctionVersion ?? 'none', weights };
      }),
    );
  return {
    name,
    sandbox,
    apiUrl,
    startTraffic: () => {
      if (traffic.length > 0) return;
      const bounds = { maxRequests: 20_000, deadlineMs: 600_000 };
      traffic.push(
        {
          functionName: API,
          traffic: startUrlTraffic(`${apiUrl}/health`, { ratePerSecond: rates.api, ...bounds }),
        },
        {
          functionName: WORKER,
          traffic: startInvokeTraffic(lambda, WORKER, ALIAS, { ratePerSecond: rates.worker, ...bounds }),
        },
      );
    },
    takeWindows: () => traffic.map((t) => ({ functionName: t.functionName, window: t.traffic.takeWindow() })),
    aliases: async () =>
      Object.fromEntries(
        (await routes()).map((route) => [
          route.functionName,
          [route.version, ...route.weights.map(([v, w]) => `${v} at ${Math.round(w * 100)}%`)].join(' + '),
        ]),
      ),
    settled: async () => (await routes()).every((route) => route.weights.length === 0),
    stop: async () => {
      await Promise.all(traffic.map((t) => t.traffic.stop()));
      lambda.destroy();
      await sandbox.stop();
    },
  };
}
