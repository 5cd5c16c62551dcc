import { MemoryLogger } from '@lambda-release-kit/core';
import type { Sandbox } from '@lambda-release-kit/sandbox';
import type { ReceivedMail, SlackState, WebhookDelivery } from '../../../packages/sandbox/src/sinks/index.js';

/** What the sandbox's sinks received, read through its inspection endpoint as any client would. */
export async function sinkState(sandbox: Sandbox): Promise<{
  slack: SlackState;
  smtp: { received: ReceivedMail[] };
  webhook: { deliveries: WebhookDelivery[] };
}> {
  const response = await fetch(`${sandbox.endpoint}/_sandbox/state`);
  return ((await response.json()) as { services: never }).services;
}

export function newLogger(): MemoryLogger {
  return new MemoryLogger();
}
