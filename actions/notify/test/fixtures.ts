import { createRecord, type DeploymentRecord } from '@lambda-release-kit/core';

/** A finished canary release of orders-api 7 -> 8, as deploy-canary and rollback-on-failure leave it. */
export function sampleRecord(overrides: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return createRecord(
    {
      functions: [
        {
          function: { name: 'orders-api', arn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api' },
          alias: 'live',
          previous: { version: '7' },
          target: { version: '8' },
        },
      ],
      strategy: 'alias-weights',
      release: {
        tag: 'v1.2.3',
        commit: 'faf8c65d1e2a',
        actor: 'jdoe',
        runUrl: 'https://github.com/acme/orders/actions/runs/42',
      },
      steps: [
        { at: '2026-11-01T10:01:00Z', weight: 0.1, verdict: 'healthy', metrics: { errors: 0, p95: 120.5 } },
        { at: '2026-11-01T10:06:00Z', weight: 0.5, verdict: 'healthy', metrics: { errors: 0, p95: 118 } },
      ],
      status: 'promoted',
      startedAt: '2026-11-01T10:00:00Z',
      finishedAt: '2026-11-01T10:12:30Z',
      ...overrides,
    },
    new Date('2026-11-01T10:00:00Z'),
  );
}

export function rolledBackRecord(): DeploymentRecord {
  return sampleRecord({
    status: 'rolled-back',
    steps: [
      {
        at: '2026-11-01T10:01:00Z',
        weight: 0.1,
        verdict: 'unhealthy',
        reason: 'errors 5 > 0',
        metrics: { errors: 5 },
      },
    ],
    rollbacks: [
      {
        at: '2026-11-01T10:02:00Z',
        from: '8',
        to: '7',
        method: 'alias',
        reason: 'canary unhealthy: errors 5 > 0',
        by: 'deploy-canary',
      },
    ],
  });
}
