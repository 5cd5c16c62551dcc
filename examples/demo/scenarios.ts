/** The releases the demo runs through the reference workflow, and how each must end. */
import type { WorkflowEvent } from '@lambda-release-kit/core/testing';

/** The workflow's jobs, in the order the summary shows them. */
export const JOBS = ['staging', 'rollback-staging', 'production', 'rollback-production'] as const;
export type JobName = (typeof JOBS)[number];

export interface Scenario {
  title: string;
  event: WorkflowEvent;
  /** Extra environment for the workflow's build step: the misbehave switch of the example API. */
  buildEnv?: Record<string, string>;
  /** Repository variables over the demo's (e.g. the worker's configuration). */
  vars?: Record<string, string>;
  expect: {
    jobs: Record<JobName, string>;
    status: string;
    /** An environment whose aliases must end where they started: every function of the release restored. */
    restored?: 'staging' | 'production';
    /** The rollback is told in exactly one Slack message, naming every function. */
    oneRollbackMessage?: boolean;
  };
}

const released: Record<JobName, string> = {
  staging: 'success',
  'rollback-staging': 'skipped',
  production: 'success',
  'rollback-production': 'skipped',
};
const stoppedInStaging: Record<JobName, string> = {
  staging: 'failure',
  'rollback-staging': 'success',
  production: 'skipped',
  'rollback-production': 'skipped',
};

export const scenarios: Scenario[] = [
  {
    title: 'v1.0.0: first release of the service (creates the aliases)',
    event: { name: 'push', ref: 'refs/tags/v1.0.0' },
    expect: { jobs: released, status: 'success' },
  },
  {
    title: 'v1.1.0: healthy canary of both functions, staging then production',
    event: { name: 'push', ref: 'refs/tags/v1.1.0' },
    expect: { jobs: released, status: 'success' },
  },
  {
    title: 'v1.2.0: broken API (30% of its requests fail on the canary), caught in staging',
    event: { name: 'push', ref: 'refs/tags/v1.2.0' },
    buildEnv: { ORDERS_API_FAILURE_RATE: '0.3' },
    expect: { jobs: stoppedInStaging, status: 'rolled-back', restored: 'staging' },
  },
  {
    title: 'v1.3.0: the worker is broken (its configuration sets ORDERS_BATCH_LIMIT=0), API healthy',
    event: { name: 'push', ref: 'refs/tags/v1.3.0' },
    vars: { ORDERS_BATCH_LIMIT: '0' },
    expect: { jobs: stoppedInStaging, status: 'rolled-back', restored: 'staging', oneRollbackMessage: true },
  },
  {
    title: 'v1.3.1: hotfix with skip-canary and a reason (workflow_dispatch)',
    event: {
      name: 'workflow_dispatch',
      ref: 'refs/heads/main',
      inputs: { version: 'v1.3.1', 'skip-canary': true, reason: 'hotfix: restore checkout for EU customers' },
    },
    expect: { jobs: released, status: 'success' },
  },
];
