import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateAliasCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startSandbox, startTraffic, zipFunction, type Sandbox } from '@lambda-release-kit/sandbox';
import { createReadyFunction, lambdaClient, waitUntilReady } from './helpers.js';

let sandbox: Sandbox;
let lambda: LambdaClient;

beforeAll(async () => {
  sandbox = await startSandbox({ updateDelayMs: 20 });
  lambda = lambdaClient(sandbox);
});
afterAll(async () => {
  lambda.destroy();
  await sandbox.stop();
});

/** An HTTP handler that reports its version in x-function-version, set from AWS_LAMBDA_FUNCTION_VERSION. */
const reportingHandler = (label: string) =>
  zipFunction({
    'index.mjs': `export const handler = async () => ({ statusCode: 200, body: ${JSON.stringify(label)},
      headers: { 'x-function-version': process.env.AWS_LAMBDA_FUNCTION_VERSION } });`,
  });

describe('startTraffic', () => {
  it('sends a bounded stream through a weighted alias and records the version each answer reports', async () => {
    await createReadyFunction(lambda, 'traffic-fn', reportingHandler('one'));
    const one = await lambda.send(new PublishVersionCommand({ FunctionName: 'traffic-fn' }));
    await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'traffic-fn', ZipFile: reportingHandler('two') }),
    );
    await waitUntilReady(lambda, 'traffic-fn');
    const two = await lambda.send(new PublishVersionCommand({ FunctionName: 'traffic-fn' }));
    await lambda.send(
      new CreateAliasCommand({
        FunctionName: 'traffic-fn',
        Name: 'live',
        FunctionVersion: one.Version,
        RoutingConfig: { AdditionalVersionWeights: { [two.Version!]: 0.5 } },
      }),
    );

    const traffic = startTraffic(sandbox.functionUrl('traffic-fn', 'live'), {
      ratePerSecond: 100,
      maxRequests: 40,
      deadlineMs: 10_000,
    });
    for (let waited = 0; traffic.answers().length < 40 && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await traffic.stop();

    const answers = traffic.answers();
    expect(answers).toHaveLength(40);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.version))).toEqual(new Set([one.Version, two.Version]));
  });
});
