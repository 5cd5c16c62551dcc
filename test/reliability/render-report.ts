/**
 * Renders RELIABILITY.md and test/reliability/observed-operations.json from the results the last
 * `npm run test:reliability` wrote (results.ts). Run: `npx tsx test/reliability/render-report.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { observedOperations, readResults, RESULTS_DIR, type ResultEntry } from './results.js';
import { REPO_ROOT } from './run-action.js';

const SECTIONS: Array<{ category: string; title: string; intro: string }> = [
  {
    category: 'faults-deploy',
    title: '1. Fault matrix: deploy-canary',
    intro:
      'Each AWS operation of an alias-weights .zip release × 429 throttling, 500, dropped connection, 409 conflict, 412 stale revision; transient = the next 2 calls fail, persistent = every call fails (mutating operations). Held = the alias afterwards served only stable, or the canary at a declared weight, or the promoted release after a successful run; a failure ended with exactly one `::error::` line; and a following rollback-on-failure (given the record file as the workflow passes it) left the alias on stable.',
  },
  {
    category: 'faults-rollback',
    title: '1. Fault matrix: rollback-on-failure',
    intro:
      'Each AWS operation of a rollback from a half-shifted alias × the five faults. Held = the rollback recovered, or failed with one clear error and a second rollback (no fault) restored stable.',
  },
  {
    category: 'faults-others',
    title: '1. Fault matrix: smoke-test and notify',
    intro:
      "smoke-test's Invoke of an exact version and notify's SNS Publish × the five faults. Held = the action recovered, or failed with one clear error (notify with fail-on-error: true), and no traffic was moved.",
  },
  {
    category: 'interrupted',
    title: '2. Interrupted deploys',
    intro:
      'deploy-canary killed at a stage detected from the sandbox request log; then rollback-on-failure with and without the record.',
  },
  {
    category: 'concurrency',
    title: '3. Concurrency',
    intro: 'Two rollbacks at once; a rollback racing a newer deliberate release.',
  },
  {
    category: 'bad-inputs',
    title: '4. Bad inputs',
    intro:
      'Held = exit 1, exactly one `::error::` line naming the input (or, for bad file content, the file), no workflow command carried by a value reached stdout, zero mutating AWS calls in the sandbox request log, alias unchanged.',
  },
  {
    category: 'secrets',
    title: '5. Secrets',
    intro:
      'Recognisable values (Slack webhook URL path, bot token, SMTP password, webhook secret, smoke-test bearer token, AWS secret access key) searched in raw stdout (minus `::add-mask::` lines), stderr, job summaries, GITHUB_OUTPUT and every file the run wrote.',
  },
  {
    category: 'workflows',
    title: '6. Workflows and action metadata',
    intro: 'actionlint, untrusted `${{ }}` in `run:`, pinned SHAs, permissions, action.yml loadable.',
  },
  {
    category: 'deploy-safety',
    title: '7. Deploy safety and truthful status',
    intro:
      "Two deploys at once, S3 releases and code rollbacks, two deploys in one job, skip-canary, a deploy whose traffic never moved, and the reference workflow's announcement. Held = no other run's code published (sandbox request log), the record and outputs say what happened, and notify and deploy.yml announce the status core's releaseStatus derives from the record.",
  },
  {
    category: 'rollback-safety',
    title: '8. Rollback safety',
    intro:
      'A record without a target, a 60-second storm of 429/500/dropped connections on every UpdateAlias (timeout 3m), a missing record file after a promotion, `method: code` behind an alias, and records that do not belong here (other region or account, oversized, too deeply nested, a CodeDeploy deployment that does not exist or is malformed). Held = the alias ends where the case requires (sandbox backend), with the request log showing no call or no mutation where none is allowed.',
  },
  {
    category: 'permissions',
    title: '9. Operations only some features call',
    intro:
      "The features whose AWS operations no other case reaches (a first release with `configuration`, `alarms` and a `pre-traffic-check`; a CodeDeploy release with a custom configuration; a dry run; a rollback with an invoke `verify` check), so the operations observed below, which test/iam-policy.test.ts checks examples/docs/iam.md against, cover every operation the actions' code can send. Held = exit 0 and every listed operation in the sandbox request log.",
  },
];

const cell = (text: unknown) =>
  String(text ?? '')
    .replace(/%25/g, '%')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ')
    .slice(0, 200);

function table(entries: ResultEntry[]): string {
  const extra = ['outcome', 'seconds', 'rollback'].filter((key) => entries.some((e) => e[key] !== undefined));
  const header = ['action', 'case', 'held', ...extra, 'detail'];
  const rows = entries.map((e) => [
    e.action,
    e.case,
    e.held ? 'yes' : '**NO**',
    ...extra.map((k) => e[k]),
    e.detail,
  ]);
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

const results = readResults();
const operations = observedOperations();
const lines: string[] = [
  '# Reliability',
  '',
  'What `npm run test:reliability` tried against the bundled actions (dist/, run as separate Node 24 processes the',
  'way the runner runs them) and the local AWS sandbox, and what held. Generated from that run by',
  '`npx tsx test/reliability/render-report.ts`; do not edit by hand.',
  '',
  '| area | tried | held |',
  '| --- | --- | --- |',
  ...SECTIONS.flatMap((s) => {
    const entries = results[s.category];
    return entries ? [`| ${s.title} | ${entries.length} | ${entries.filter((e) => e.held).length} |`] : [];
  }),
  '',
];
for (const section of SECTIONS) {
  const entries = results[section.category];
  if (!entries) continue;
  lines.push(`## ${section.title}`, '', section.intro, '', table(entries), '');
}
lines.push(
  '## AWS operations observed (for the IAM policy)',
  '',
  'Every AWS API operation each action called during the run, from the sandbox request log (notification sinks',
  'excluded). Compare with the policy in the consumer docs; the same lists are in',
  '`test/reliability/observed-operations.json`.',
  '',
  '| action | operations |',
  '| --- | --- |',
  ...Object.entries(operations).map(
    ([action, ops]) => `| ${action} | ${ops.map((o) => `\`${o}\``).join(', ')} |`,
  ),
  '',
);

writeFileSync(join(REPO_ROOT, 'RELIABILITY.md'), lines.join('\n'));
writeFileSync(
  join(REPO_ROOT, 'test', 'reliability', 'observed-operations.json'),
  `${JSON.stringify(operations, null, 2)}\n`,
);
console.log(`RELIABILITY.md written from ${RESULTS_DIR}`);
