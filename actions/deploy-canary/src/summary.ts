import { type FunctionRelease, formatDuration, formatPercent } from '@lambda-release-kit/core';
import { formatRate } from './canary-traffic.js';
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
  const [only, ...others] = record.functions;
  const single = others.length === 0 ? only : undefined;
  const facts: Array<[string, string]> = single
    ? [
        ['Function', single.function.name],
        ['Alias', single.alias],
      ]
    : [['Functions', record.functions.map((fn) => `${fn.function.name}:${fn.alias}`).join(', ')]];
  if (record.environment) facts.push(['Environment', record.environment]);
  facts.push(['Strategy', record.strategy], ['Status', record.status]);
  if (single) {
    facts.push(
      ['Previous version', single.previous?.version ?? 'none (first release)'],
      ['New version', single.target?.version ?? '–'],
    );
  }
  if (release) facts.push(['Release', release]);
  if (single?.codedeploy?.deploymentId) facts.push(['CodeDeploy deployment', deploymentOf(single)]);
  if (record.skipCanary)
    facts.push(['Canary skipped', `${record.skipCanary.reason} (by ${record.skipCanary.by})`]);
  for (const rollback of record.rollbacks) {
    const of = single || !rollback.function ? '' : `${rollback.function} `;
    facts.push([
      'Rolled back',
      `${of}${rollback.from} → ${rollback.to} by ${rollback.method}: ${rollback.reason}`,
    ]);
  }
  for (const fn of record.functions) {
    const traffic = fn.canaryTraffic;
    if (!traffic) continue;
    facts.push([
      'Canary traffic',
      `${single ? '' : `${fn.function.name}: `}${traffic.sent} invocations sent at ${formatRate(traffic.ratePerSecond)}, ` +
        `${traffic.functionErrors} function errors, ${traffic.failedRequests} without an answer`,
    ]);
  }
  if (record.error) facts.push(['Error', record.error]);
  facts.push(['Duration', formatDuration(durationMs)]);

  const tables: SummaryContent['tables'] = [];
  if (!single) {
    tables.push({
      caption: 'Functions',
      header: ['Function', 'Alias', 'Previous version', 'New version', 'CodeDeploy deployment'],
      rows: record.functions.map((fn) => [
        fn.function.name,
        fn.alias,
        fn.previous?.version ?? 'none (first release)',
        fn.target?.version ?? '–',
        fn.codedeploy?.deploymentId ? deploymentOf(fn) : '–',
      ]),
    });
  }
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
  const scope = record.environment ? ` to ${record.environment}` : '';
  const what = single ? `${single.function.name}:${single.alias}` : `${record.functions.length} functions`;
  return { title: `deploy-canary: ${what}${scope} ${record.status}`, facts, tables };
}

function deploymentOf(fn: FunctionRelease): string {
  return `${fn.codedeploy?.deploymentId ?? ''} (${fn.codedeploy?.deploymentConfig ?? ''})`;
}
