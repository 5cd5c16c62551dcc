import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { iamAction, sentOperations } from './sent-operations.js';

// examples/docs/iam.md tells users what to grant. Its table is checked against the operations each action's code
// can send (read from the source, so it cannot fall behind) and against what the reliability suite saw the
// bundles call (test/reliability/observed-operations.json, written by its last full run), which must hold every
// operation the code can send; its policy for the reference workflow against the functions and features that
// workflow uses.
const root = join(import.meta.dirname, '..');
const iamMd = readFileSync(join(root, 'examples', 'docs', 'iam.md'), 'utf8');
const actions = readdirSync(join(root, 'actions')).filter((name) =>
  readdirSync(join(root, 'actions', name)).includes('action.yml'),
);

/**
 * Permissions AWS checks on behalf of an operation we send, which our code never calls itself. Anything else in
 * the table that no code sends is a permission granted for nothing.
 */
const CHECKED_BY_AWS: Record<string, string> = {
  'codedeploy:RegisterApplicationRevision':
    'CreateDeployment registers its AppSpec revision with the application',
  'codedeploy:GetApplicationRevision':
    'granted with RegisterApplicationRevision for CreateDeployment by AWS examples',
  's3:GetObject': 'UpdateFunctionCode with S3Bucket: Lambda reads the object with the caller’s permissions',
  's3:GetObjectVersion': 'UpdateFunctionCode with S3ObjectVersion',
  'ecr:BatchGetImage':
    'UpdateFunctionCode with ImageUri: Lambda pulls the image with the caller’s permissions',
  'ecr:GetDownloadUrlForLayer': 'UpdateFunctionCode with ImageUri',
};

/** The table "Action | Lambda | CloudWatch | CodeDeploy | Other": per action, the IAM actions it lists. */
function listedOperations(markdown: string): Record<string, string[]> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^\|\s*Action\s*\|/.test(line));
  const cells = (line: string) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
  const prefixes = cells(lines[start] ?? '').map((header) => header.toLowerCase().replace(/\s/g, ''));
  const after = lines.slice(start + 2);
  const end = after.findIndex((line) => !line.startsWith('|'));
  const rows = end === -1 ? after : after.slice(0, end);
  return Object.fromEntries(
    rows.map((row) => {
      const [action = '', ...columns] = cells(row);
      const operations = columns.flatMap((cell, index) =>
        [...cell.matchAll(/`([^`]+)`/g)].flatMap(([, token = '']) => {
          if (/^[a-z0-9-]+:[A-Z]\w+$/.test(token)) return [token];
          return /^[A-Z]\w+$/.test(token) ? [`${prefixes[index + 1]}:${token}`] : [];
        }),
      );
      return [action, [...new Set(operations)].sort()];
    }),
  );
}

const listed = listedOperations(iamMd);
const observed = JSON.parse(
  readFileSync(join(root, 'test', 'reliability', 'observed-operations.json'), 'utf8'),
) as Record<string, string[]>;
const sent = Object.fromEntries(actions.map((action) => [action, sentOperations(action)]));
const missing = (needed: string[], granted: string[]) => needed.filter((op) => !granted.includes(op));

describe("iam.md's table of operations", () => {
  it('has a row for every action', () => {
    expect(Object.keys(listed).sort()).toEqual([...actions].sort());
  });

  it.each(actions)('lists every operation the code of %s can send', (action) => {
    expect(sent[action]?.length).toBeGreaterThan(0);
    expect({ action, missing: missing(sent[action] ?? [], listed[action] ?? []) }).toEqual({
      action,
      missing: [],
    });
  });

  it.each(Object.keys(observed))('lists every operation the reliability suite saw %s call', (action) => {
    const seen = (observed[action] ?? []).map(iamAction);
    expect({ action, missing: missing(seen, listed[action] ?? []) }).toEqual({ action, missing: [] });
  });

  // The reliability suite ran the bundles against the sandbox: whatever they called, the source scan must find,
  // or the scan (and the table checked against it) misses a way the code calls AWS.
  it.each(Object.keys(observed))('finds in the source every operation %s was seen calling', (action) => {
    const seen = (observed[action] ?? []).map(iamAction);
    expect({ action, missing: missing(seen, sent[action] ?? []) }).toEqual({ action, missing: [] });
  });

  // And the other way round: the suite's observed list is complete, so it cannot fall behind the code unnoticed. A
  // new operation needs a reliability case that calls it (permissions.reliability.ts) and a full run's
  // render-report.ts to write observed-operations.json again.
  it.each(actions)('was shown by the reliability suite every operation the code of %s can send', (action) => {
    const seen = (observed[action] ?? []).map(iamAction);
    expect({ action, unobserved: missing(sent[action] ?? [], seen) }).toEqual({ action, unobserved: [] });
  });

  it.each(actions)('lists for %s nothing its code never sends, except what AWS checks for it', (action) => {
    const granted = [...(sent[action] ?? []), ...Object.keys(CHECKED_BY_AWS)];
    expect({ action, unused: missing(listed[action] ?? [], granted) }).toEqual({ action, unused: [] });
  });
});

interface Statement {
  Action: string | string[];
  Resource: string | string[];
}

/** The policies (JSON blocks with a Statement) under a heading of iam.md. */
function policiesUnder(heading: string): Statement[][] {
  const section = iamMd.split(/^## /m).find((part) => part.startsWith(heading)) ?? '';
  return [...section.matchAll(/```json\n([\s\S]*?)```/g)]
    .map(([, json = '']) => JSON.parse(json) as { Statement?: Statement[] })
    .flatMap((policy) => (policy.Statement ? [policy.Statement] : []));
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

describe("iam.md's policy for the reference workflow", () => {
  const workflow = readFileSync(join(root, '.github', 'workflows', 'deploy.yml'), 'utf8');
  const steps = Object.values(
    (
      parse(workflow) as {
        jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, string> }> }>;
      }
    ).jobs,
  ).flatMap((job) => job.steps ?? []);
  const used = (action: string) => steps.filter((step) => step.uses === `./actions/${action}`);
  const deploys = used('deploy-canary');
  const functions = [
    ...new Set(
      deploys.flatMap((step) =>
        (parse(step.with?.functions ?? '[]') as Array<{ name: string }>).map((f) => f.name),
      ),
    ),
  ];
  const [policy = []] = policiesUnder('A policy for the reference workflow');
  const granted = policy.flatMap((statement) => list(statement.Action));

  it('is there, for a workflow that releases functions', () => {
    expect(policy.length).toBeGreaterThan(0);
    expect(functions.length).toBeGreaterThan(1);
  });

  it('grants every Lambda operation the workflow’s actions send, on each function, its versions and aliases', () => {
    const needed = [
      ...new Set(actions.filter((a) => used(a).length > 0).flatMap((a) => sent[a] ?? [])),
    ].filter((op) => op.startsWith('lambda:'));
    expect(missing(needed, granted)).toEqual([]);
    for (const op of needed) {
      const resources = policy.filter((s) => list(s.Action).includes(op)).flatMap((s) => list(s.Resource));
      for (const name of functions) {
        expect({ op, name, covered: resources.some((r) => r.endsWith(`:function:${name}`)) }).toMatchObject({
          covered: true,
        });
        expect({ op, name, covered: resources.some((r) => r.endsWith(`:function:${name}:*`)) }).toMatchObject(
          {
            covered: true,
          },
        );
      }
    }
  });

  it('grants CloudWatch, CodeDeploy and SNS as far as the workflow uses them', () => {
    const given = (input: string) => steps.some((step) => step.with?.[input] !== undefined);
    const needed = [
      ...(given('max-error-rate') || given('max-p95-latency') ? ['cloudwatch:GetMetricData'] : []),
      ...(given('alarms') ? ['cloudwatch:DescribeAlarms'] : []),
      ...(deploys.some((step) => step.with?.strategy === 'codedeploy')
        ? (sent['deploy-canary'] ?? []).filter((op) => op.startsWith('codedeploy:'))
        : []),
      ...(given('sns-topic-arn') ? ['sns:Publish'] : []),
    ];
    expect(needed).toContain('cloudwatch:GetMetricData');
    expect(missing(needed, granted)).toEqual([]);
  });
});
