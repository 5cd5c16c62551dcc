/**
 * The demo's view of the traffic its users send: requests to the API's function URL and order batches invoked on
 * the worker's alias (as a queue would), counted per 2-second window so the timeline can show how the traffic
 * split moves with the canary.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { startLoad, startTraffic, type LoadOptions, type Traffic } from '@lambda-release-kit/sandbox';

export interface TrafficWindow {
  requests: number;
  errors: number;
  /** Answers by the version that gave them. */
  byVersion: Record<string, number>;
}

export interface WindowedTraffic {
  /** Counts since the last call, then starts a new window. */
  takeWindow(): TrafficWindow;
  stop(): Promise<void>;
}

export type TrafficOptions = LoadOptions;

/**
 * Requests to a function URL (the sandbox's generator). The version is the one orders-api reports in its own
 * x-function-version header: a function URL, on AWS as in the sandbox, adds no version header.
 */
export function startUrlTraffic(url: string, options: TrafficOptions): WindowedTraffic {
  return windowed(startTraffic(url, options));
}

/** One-order batches invoked on `function:alias`; a function error counts as an error. */
export function startInvokeTraffic(
  lambda: LambdaClient,
  functionName: string,
  alias: string,
  options: TrafficOptions,
): WindowedTraffic {
  return windowed(
    startLoad(async (sequence) => {
      const body = JSON.stringify({ item: `order-${sequence}` });
      const payload = JSON.stringify({ Records: [{ messageId: `m-${sequence}`, body }] });
      const result = await lambda.send(
        new InvokeCommand({ FunctionName: functionName, Qualifier: alias, Payload: Buffer.from(payload) }),
      );
      return {
        status: result.FunctionError ? 500 : (result.StatusCode ?? 0),
        version: result.ExecutedVersion ?? '?',
      };
    }, options),
  );
}

function windowed(traffic: Traffic): WindowedTraffic {
  let taken = 0;
  return {
    takeWindow: () => {
      const answers = traffic.answers().slice(taken);
      taken += answers.length;
      const window: TrafficWindow = { requests: answers.length, errors: 0, byVersion: {} };
      for (const answer of answers) {
        if (answer.status === 0 || answer.status >= 500) window.errors++;
        window.byVersion[answer.version] = (window.byVersion[answer.version] ?? 0) + 1;
      }
      return window;
    },
    stop: () => traffic.stop(),
  };
}
