import { describe, expect, it } from '@jest/globals';
import { createRecord, releaseStatus, type DeploymentRecord } from '@lambda-release-kit/core';

function record(fields: Partial<DeploymentRecord>): DeploymentRecord {
  return createRecord({
    functions: [{ function: { name: 'orders-api' }, alias: 'live' }],
    strategy: 'alias-weights',
    ...fields,
  });
}

const restored = {
  at: '2026-01-01T00:00:00Z',
  from: '3',
  to: '2',
  method: 'alias' as const,
  reason: 'smoke test failed',
  by: 'ci',
};

describe('releaseStatus', () => {
  it('is rolled-back only when a rollback entry shows traffic was restored', () => {
    expect(releaseStatus(record({ status: 'rolled-back', rollbacks: [restored] }), 'failure')).toBe(
      'rolled-back',
    );
    expect(releaseStatus(record({ status: 'promoted', rollbacks: [restored] }), 'success')).toBe(
      'rolled-back',
    );
    // A status without an entry is not proof that traffic moved back.
    expect(releaseStatus(record({ status: 'rolled-back' }), 'success')).toBe('failure');
  });

  it('a deploy that failed before moving traffic, or a rollback that did nothing, is a failure', () => {
    expect(
      releaseStatus(
        record({
          status: 'failed',
          functions: [{ function: { name: 'orders-api' }, alias: 'live', previous: { version: '2' } }],
        }),
        'success',
      ),
    ).toBe('failure');
    expect(releaseStatus(record({ status: 'promoted' }), 'failure')).toBe('failure');
  });

  it('follows the job for unfinished records and without a record', () => {
    expect(releaseStatus(record({ status: 'promoted' }), 'success')).toBe('success');
    expect(releaseStatus(record({ status: 'no-op' }), undefined)).toBe('success');
    expect(releaseStatus(record({ status: 'in-progress' }), undefined)).toBe('started');
    expect(releaseStatus(record({ status: 'in-progress' }), 'failure')).toBe('failure');
    expect(releaseStatus(record({ status: 'promoted' }), 'cancelled')).toBe('cancelled');
    expect(releaseStatus(undefined, 'failure')).toBe('failure');
    expect(releaseStatus(undefined, undefined)).toBeUndefined();
  });

  it('a skipped job (needs.<job>.result of a job that did not run) leaves the record to decide', () => {
    expect(releaseStatus(record({ status: 'promoted' }), 'skipped')).toBe('success');
    expect(releaseStatus(record({ status: 'failed' }), 'skipped')).toBe('failure');
    expect(releaseStatus(record({ status: 'rolled-back', rollbacks: [restored] }), 'skipped')).toBe(
      'rolled-back',
    );
    expect(releaseStatus(record({ status: 'in-progress' }), 'skipped')).toBe('started');
    expect(releaseStatus(undefined, 'skipped')).toBe('skipped');
  });
});
