import type { LambdaClient } from '@aws-sdk/client-lambda';
import { createExampleFunction } from '../create-function.js';
import { buildOrdersApi } from './build.mjs';

/** Creates the example function (under `name`) with `release` baked in (see createExampleFunction). */
export async function createOrdersApiFunction(
  lambda: LambdaClient,
  name: string,
  release = 'v0.0.0-bootstrap',
): Promise<void> {
  await createExampleFunction(lambda, name, buildOrdersApi({ release }));
}
