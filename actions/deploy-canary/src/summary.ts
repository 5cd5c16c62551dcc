import { formatDuration, formatPercent, singleFunction } from '@lambda-release-kit/core';
import type { DeployResult } from './deploy.js';

export interface SummaryContent {
  title: string;
  facts: Array<[string, string]>;
  tables: Array<{ caption?: string; header: string[]; rows: string[][] }>;
}

const number = (value: number | null | undefined, unit = '') =>
  value === null || value === undefined ? '–' : `${Math.round(value * 10) / 10}${unit}`;

/** The job summary: versions and outcome as facts, then one plain row per canary step with its numbers. */
export function summaryContent({ record, planLines }: DeployResult, durationMs: number): SummaryContent {
  const release = [record.release.tag, record.release.commit && `commit ${record.release.commit}`]
    .filter(Boolean)
    .join(', ');
  const released = singleFunction(record, 'deploy-canary');
  const facts: Array<[string, string]> = [
    ['Function', released.function.name],
    ['Alias', released.alias],
    ['Strategy', record.strategy],
    ['Status', record.status],
    ['Previous version', released.previous?.version ?? 'none (first release)'],
    ['New version', released.target?.version ?? '–'],
  ];
  if (release) facts.push(['Release', release]);
  if (released.codedeploy?.deploymentId) {
    facts.push([
      'CodeDeploy deployment',
      `${released.codedeploy.deploymentId} (${released.codedeploy.deploymentConfig ?? ''})`,
    ]);
  }
  if (record.skipCanary)
    facts.push(['Canary skipped', `${record.skipCanary.reason} (by ${record.skipCanary.by})`]);
  for (const rollback of record.rollbacks) {
    facts.push([
      'Rolled back',
      `${rollback.from} → ${rollback.to} by ${rollback.method}: ${rollback.reason}`,
    ]);
  }
  if (record.error) facts.push(['Error', record.error]);
  facts.push(['Duration', formatDuration(durationMs)]);

  const tables: SummaryContent['tables'] = [];
  if (record.steps.length > 0) {
    tables.push({
      caption: 'Canary steps',
      header: [
        'Started',
        'New version share',
        'Verdict',
        'Invocations (rollout so far)',
        'Errors (so far)',
        'Error rate',
        'p95 ms',
        'p99 ms',
        'Throttles',
        'Reason',
      ],
      rows: record.steps.map((step) => {
        const m = step.metrics ?? {};
        return [
          step.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
          formatPercent(step.weight),
          step.verdict,
          number(m.invocations),
          number(m.errors),
          m.errorRate === null || m.errorRate === undefined ? '–' : formatPercent(m.errorRate),
          number(m.p95Ms),
          number(m.p99Ms),
          number(m.throttles),
          step.reason ?? '',
        ];
      }),
    });
  }
  if (planLines)
    tables.push({ caption: 'Plan (dry run)', header: ['Step'], rows: planLines.map((line) => [line]) });
  const title = `deploy-canary: ${released.function.name}:${released.alias} ${record.status}`;
  return { title, facts, tables };
}
