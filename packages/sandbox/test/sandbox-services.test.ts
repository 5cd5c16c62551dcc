import { describe, expect, it } from '@jest/globals';
import type { MountedService, ServiceContext } from '../src/index.js';
import { startSandbox } from '../src/index.js';

/** A tiny JSON-1.1 style service ("Echo") used to prove how the server mounts services. */
function echoService(events: string[]) {
  return (ctx: ServiceContext): MountedService => ({
    service: 'echo',
    matches: (req) => req.headers['x-amz-target']?.startsWith('Echo.') ?? false,
    operation: (req) => req.headers['x-amz-target']?.slice('Echo.'.length) ?? '',
    isMutating: (op) => op === 'Put',
    handle: async (req) => ({
      status: 200,
      body: JSON.stringify({ got: req.body.toString(), region: ctx.lambda.region }),
    }),
    inspect: () => ({ events: [...events] }),
    start: async () => {
      events.push('started');
    },
    close: async () => {
      events.push('closed');
    },
    env: () => ({ ECHO_URL: `${ctx.endpoint?.()}/echo` }),
  });
}

const call = (endpoint: string, op: string) =>
  fetch(endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': `Echo.${op}`, 'content-type': 'application/x-amz-json-1.1' },
    body: '{"a":1}',
  });

describe('mounted services', () => {
  it('mounts a factory next to Lambda: start, env, dispatch, log, faults, inspect, close', async () => {
    const events: string[] = [];
    const sandbox = await startSandbox({ services: [echoService(events)], region: 'eu-west-1' });
    try {
      expect(events).toEqual(['started']);
      expect(sandbox.env.ECHO_URL).toBe(`${sandbox.endpoint}/echo`);

      const ok = await call(sandbox.endpoint, 'Put');
      expect(await ok.json()).toEqual({ got: '{"a":1}', region: 'eu-west-1' });

      sandbox.faults.add({ service: 'echo', operation: 'Get', kind: 'throttle', times: 1 });
      const throttled = await call(sandbox.endpoint, 'Get');
      expect(throttled.status).toBe(400);
      expect(((await throttled.json()) as { __type: string }).__type).toBe('ThrottlingException');

      expect(
        sandbox.requestLog().map(({ service, operation, mutating, status, errorCode, fault }) => ({
          service,
          operation,
          mutating,
          status,
          errorCode,
          fault,
        })),
      ).toEqual([
        {
          service: 'echo',
          operation: 'Put',
          mutating: true,
          status: 200,
          errorCode: undefined,
          fault: undefined,
        },
        {
          service: 'echo',
          operation: 'Get',
          mutating: false,
          status: 400,
          errorCode: 'ThrottlingException',
          fault: 'throttle',
        },
      ]);
      const state = (await (await fetch(`${sandbox.endpoint}/_sandbox/state`)).json()) as {
        services: Record<string, unknown>;
      };
      expect(state.services.echo).toEqual({ events: ['started'] });
    } finally {
      await sandbox.stop();
    }
    expect(events).toEqual(['started', 'closed']);
  });

  it('answers requests no service owns with 404', async () => {
    const sandbox = await startSandbox({ services: [] });
    try {
      const res = await fetch(`${sandbox.endpoint}/nothing-here`);
      expect(res.status).toBe(404);
    } finally {
      await sandbox.stop();
    }
  });
});
