/**
 * 1. Rollback latency: the bundled rollback-on-failure, process start to exit, against `aws lambda update-alias`
 * on the same sandbox, interleaved so machine noise hits both alike.
 */
import { createRecord, readAlias } from '@lambda-release-kit/core';
import type { BenchContext, Benchmark } from './context.js';
import { notBuilt } from './context.js';
import { runAwsCli } from './aws-cli.js';
import { ALIAS, FUNCTION_NAME, startWorld } from './fixture.js';
import { bundleExists, NODE24, RUN_URL, runBundledAction, runnerEnv, timeProcess } from './processes.js';
import type { BenchResult } from './report.js';
import { formatNumber } from './report.js';
import { medianRatio, summarize } from './stats.js';

const NAME = 'rollback';
const TITLE = 'Rollback latency: rollback-on-failure vs `aws lambda update-alias`';
const RUNS = 9;
const TARGET_RATIO = 0.5;

export const rollback: Benchmark = {
  name: NAME,
  run: async (context: BenchContext): Promise<BenchResult> => {
    if (!bundleExists('rollback-on-failure')) return notBuilt(NAME, TITLE, ['rollback-on-failure']);
    const world = await startWorld({ updateDelayMs: 0, metricDelayMs: 0 });
    try {
      const good = await world.publish({ release: 'v1.0.0' });
      // Published in the run the bundles run in, so the rollback without a record can prove the canary is ours.
      const bad = await world.publish({ release: 'v1.1.0', failureRate: 0.3 }, `release v1.1.0 ${RUN_URL}`);
      // The state a failed canary leaves behind: 10% of live still on the bad version.
      const reset = () => world.pointAlias(good, { [bad]: 0.1 });
      const record = JSON.stringify(
        createRecord({
          functions: [
            {
              function: { name: FUNCTION_NAME },
              alias: ALIAS,
              previous: { version: good },
              target: { version: bad },
            },
          ],
          strategy: 'alias-weights',
          status: 'in-progress',
        }),
      );
      const restored = async (what: string) => {
        const alias = await readAlias(world.lambda, FUNCTION_NAME, ALIAS);
        if (alias?.version !== good || Object.keys(alias.weights).length > 0)
          throw new Error(`${what} did not restore ${ALIAS} to version ${good}: ${JSON.stringify(alias)}`);
      };
      const runAction = async (inputs: Record<string, string>) => {
        await reset();
        world.sandbox.clearRequestLog();
        const run = await runBundledAction('rollback-on-failure', {
          inputs: { 'function-name': FUNCTION_NAME, alias: ALIAS, ...inputs },
          env: world.sandbox.env,
          timeoutMs: 60_000,
        });
        if (run.code !== 0 || run.outputs['outcome'] !== 'rolled-back')
          throw new Error(`rollback-on-failure failed (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
        const calls = world.sandbox.requestLog().map((e) => e.operation);
        await restored('rollback-on-failure');
        return { ms: run.ms, ownMs: Number(run.outputs['duration-ms']), calls };
      };

      const withRecord: number[] = [];
      const withRecordOwn: number[] = [];
      const aliasOnly: number[] = [];
      const cli: number[] = [];
      const bareNode: number[] = [];
      let recordCalls: string[] = [];
      let aliasOnlyCalls: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        const a = await runAction({ record });
        withRecord.push(a.ms);
        withRecordOwn.push(a.ownMs);
        recordCalls = a.calls;
        const b = await runAction({});
        aliasOnly.push(b.ms);
        aliasOnlyCalls = b.calls;
        await reset();
        const c = await runAwsCli(context.awsCli, world.sandbox.env, [
          'lambda',
          'update-alias',
          '--function-name',
          FUNCTION_NAME,
          '--name',
          ALIAS,
          '--function-version',
          good,
          '--routing-config',
          '{"AdditionalVersionWeights":{}}',
        ]);
        await restored('aws lambda update-alias');
        cli.push(c.ms);
        bareNode.push((await timeProcess(NODE24, ['-e', '0'], { env: runnerEnv({}), timeoutMs: 10_000 })).ms);
        context.log(
          `rollback run ${i + 1}/${RUNS}: action ${a.ms.toFixed(0)} ms (record), ${b.ms.toFixed(0)} ms (alias state), aws ${c.ms.toFixed(0)} ms`,
        );
      }

      const ours = summarize(withRecord);
      const baseline = summarize(cli);
      const ratio = medianRatio(ours, baseline);
      const node = summarize(bareNode);
      const own = summarize(withRecordOwn);
      return {
        name: NAME,
        title: TITLE,
        method: [
          `State before every run: alias \`${ALIAS}\` of \`${FUNCTION_NAME}\` routes 90% to version ${good} and 10% to version ${bad} (a canary that failed half-way); the sandbox's update delay is 0.`,
          `Ours: \`dist/rollback-on-failure/index.js\` under Node 24 with \`function-name\`, \`alias\` and the deployment \`record\` (deploy-canary's output, previous ${good}, target ${bad}), as the \`if: failure()\` job runs it; also without a record (the action decides from the alias alone).`,
          `Baseline: \`aws lambda update-alias --function-name ${FUNCTION_NAME} --name ${ALIAS} --function-version ${good} --routing-config '{"AdditionalVersionWeights":{}}'\` (Debian awscli, empty HOME, \`--no-cli-pager\`, read/connect timeouts), i.e. a script that already knows the good version.`,
          `${RUNS} interleaved rounds (action with record, action without, AWS CLI, bare \`node -e 0\`); each run is checked to have left the alias on version ${good} with no routing.`,
        ],
        rows: [
          { measure: 'rollback-on-failure with record, spawn to exit', unit: 'ms', summary: ours },
          {
            measure: 'rollback-on-failure without record, spawn to exit',
            unit: 'ms',
            summary: summarize(aliasOnly),
          },
          { measure: 'aws lambda update-alias, spawn to exit', unit: 'ms', summary: baseline },
          {
            measure: 'its own `duration-ms` output (first AWS call to verified change)',
            unit: 'ms',
            summary: own,
          },
          { measure: 'bare Node 24 `node -e 0`, spawn to exit', unit: 'ms', summary: node },
          {
            measure: 'AWS calls per rollback (with record)',
            unit: '',
            value: `${recordCalls.length}: ${recordCalls.join(', ')}`,
          },
          {
            measure: 'AWS calls per rollback (without record)',
            unit: '',
            value: `${aliasOnlyCalls.length}: ${aliasOnlyCalls.join(', ')}`,
          },
          { measure: 'AWS calls by the CLI', unit: '', value: '1: UpdateAlias' },
        ],
        verdicts: [
          {
            figure: 'rollback wall time, ours / AWS CLI (medians)',
            value: formatNumber(ratio, '×'),
            target: `≤ ${TARGET_RATIO}`,
            met: ratio <= TARGET_RATIO,
          },
        ],
        notes: [
          `Where the ${formatNumber(ours.median, 'ms')} go (medians): Node 24 itself starts and exits in ${formatNumber(node.median, 'ms')}; the rollback from its first AWS call to the verified change takes ${formatNumber(own.median, 'ms')}; the remaining ${formatNumber(ours.median - node.median - own.median, 'ms')} is loading the bundle, reading inputs and writing outputs and the summary (see the start-up section for the bundle's load cost).`,
          `The AWS CLI's ${formatNumber(baseline.median, 'ms')} is almost all Python start-up and botocore loading its service models; its one request is a few milliseconds on loopback.`,
          `The action makes ${recordCalls.length - 1} more call${recordCalls.length === 2 ? '' : 's'} than the CLI because it reads the alias first: it guards UpdateAlias with the RevisionId it read, never undoes a newer release, and reports what it changed.`,
        ],
      };
    } finally {
      await world.stop();
    }
  },
};
