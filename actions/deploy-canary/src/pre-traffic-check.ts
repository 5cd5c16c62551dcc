import type { LambdaClient } from '@aws-sdk/client-lambda';
import { type Logger, UserError } from '@lambda-release-kit/core';
import type { DeployPlan } from './plan.js';

/** Placeholder until the check engine lands: replaced by the smoke-test engine. */
export async function runPreTrafficCheck(
  _lambda: LambdaClient,
  _plan: DeployPlan,
  _version: string,
  _source: string,
  _logger: Logger,
  _signal?: AbortSignal,
): Promise<void> {
  throw new UserError('pre-traffic-check is not available yet');
}
