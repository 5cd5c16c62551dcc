import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

// The shape issue #17 asks of the reference workflow (the demo and the reliability suite run it end to end):
// the service to staging, then to production behind its environment, a rollback job per environment, records
// named with the environment, one Slack thread.
interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  outputs?: Record<string, string>;
  steps: Step[];
}

const workflow = parse(
  readFileSync(join(import.meta.dirname, '..', '.github', 'workflows', 'deploy.yml'), 'utf8'),
) as { jobs: Record<string, Job> };
const job = (id: string): Job => {
  const found = workflow.jobs[id];
  if (!found) throw new Error(`deploy.yml has no job ${id}`);
  return found;
};
const stepsUsing = (id: string, action: string) =>
  job(id).steps.filter((step) => step.uses?.startsWith(action));

describe('.github/workflows/deploy.yml', () => {
  it('releases both functions to staging, then to production behind its environment', () => {
    expect(job('staging').environment).toBe('staging');
    expect(job('production').environment).toBe('production');
    expect(job('production').needs).toBe('staging');
    for (const environment of ['staging', 'production']) {
      const [deploy] = stepsUsing(environment, './actions/deploy-canary');
      const functions = parse(deploy?.with?.functions ?? '') as Array<{ name: string }>;
      expect(functions.map((f) => f.name)).toEqual(['orders-api', 'orders-worker']);
      expect(deploy?.with?.environment).toBe(environment);
      expect(stepsUsing(environment, './actions/smoke-test')).toHaveLength(1);
    }
  });

  it('rolls each environment back in its own failure() job, from a record named with the environment', () => {
    for (const environment of ['staging', 'production']) {
      const rollback = job(`rollback-${environment}`);
      expect(rollback.if).toMatch(/^failure\(\)/);
      expect(rollback.environment).toBe(environment);
      const [upload] = stepsUsing(environment, 'actions/upload-artifact');
      const [download] = stepsUsing(`rollback-${environment}`, 'actions/download-artifact');
      expect(upload?.with?.name).toBe(`release-record-${environment}`);
      expect(download?.with?.name).toBe(`release-record-${environment}`);
      const [restore] = stepsUsing(`rollback-${environment}`, './actions/rollback-on-failure');
      expect(restore?.with?.environment).toBe(environment);
    }
    // A failed staging makes failure() true for production's rollback too (an ancestor failed): it must not run.
    expect(job('rollback-production').if).toContain("needs.production.result == 'failure'");
  });

  it('keeps one Slack thread: one message posts it, every other notify replies in it or updates it', () => {
    const notifies = Object.keys(workflow.jobs).flatMap((id) => stepsUsing(id, './actions/notify'));
    const posting = notifies.filter((n) => !n.with?.['slack-thread-ts'] && !n.with?.['slack-update-ts']);
    expect(posting).toHaveLength(1);
    expect(posting[0]?.id).toBe('announce');
    expect(job('staging').outputs?.['slack-ts']).toContain('steps.announce.outputs.slack-ts');
    for (const notify of notifies.filter((n) => n !== posting[0])) {
      expect(notify.with?.['slack-thread-ts'] ?? notify.with?.['slack-update-ts']).toBe(
        '${{ needs.staging.outputs.slack-ts }}',
      );
    }
  });
});
