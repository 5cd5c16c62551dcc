import { abortOptions } from '@lambda-release-kit/core/abort';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Answer } from './answer.js';
import { TransportError } from './http.js';
import { maskSensitiveJson, type Redactor, snippet } from '@lambda-release-kit/core/redact';
import type { InvokeSpec } from './types.js';

/** Invokes a function version or alias directly (RequestResponse) and reports which version executed. */
export async function sendInvoke(
  spec: InvokeSpec,
  context: {
    lambda: LambdaClient;
    signal?: AbortSignal | undefined;
    redactor: Redactor;
    timeoutMs?: number | undefined;
  },
): Promise<Answer> {
  const payload =
    spec.payload === undefined
      ? undefined
      : typeof spec.payload === 'string'
        ? spec.payload
        : JSON.stringify(spec.payload);
  const target = spec.qualifier ? `${spec.function}:${spec.qualifier}` : spec.function;
  const request = `invoke ${target}${payload ? ` payload ${snippet(context.redactor.redact(maskSensitiveJson(payload)), 200)}` : ''}`;
  const signals = [
    context.signal,
    context.timeoutMs ? AbortSignal.timeout(context.timeoutMs) : undefined,
  ].filter((signal): signal is AbortSignal => signal !== undefined);
  const started = performance.now();
  try {
    const response = await context.lambda.send(
      new InvokeCommand({
        FunctionName: spec.function,
        Qualifier: spec.qualifier,
        InvocationType: 'RequestResponse',
        ...(payload === undefined ? {} : { Payload: new TextEncoder().encode(payload) }),
      }),
      abortOptions(signals.length > 0 ? AbortSignal.any(signals) : undefined),
    );
    const headers: Record<string, string> = {};
    if (response.ExecutedVersion) headers['x-amz-executed-version'] = response.ExecutedVersion;
    if (response.FunctionError) headers['x-amz-function-error'] = response.FunctionError;
    return {
      kind: 'invoke',
      status: response.StatusCode ?? 0,
      headers,
      body: response.Payload ? new TextDecoder().decode(response.Payload) : '',
      durationMs: performance.now() - started,
      executedVersion: response.ExecutedVersion,
      functionError: response.FunctionError,
      request,
    };
  } catch (error) {
    if (context.signal?.aborted) throw error;
    const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
    const message = error instanceof Error ? error.message : String(error);
    throw new TransportError(`${request} failed: ${name}${message}`);
  }
}
