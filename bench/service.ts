/**
 * Releasing a service (issue #17): ten functions as one skip-canary release by the bundled deploy-canary against
 * one function, the AWS calls per function of each, and a 3-step canary of the ten functions while Lambda
 * throttles 20% of its control-plane calls (429), which must still end promoted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAliasCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { readAlias } from '@lambda-release-kit/core';
import { startSandbox, type Sandbox } from '@lambda-release-kit/sandbox';
import { parse as parseYaml } from 'yaml';
import { createExampleFunction } from '../examples/create-function.js';
import { buildOrdersApi } from '../examples/orders-api/build.mjs';
import type { BenchContext, Benchmark } from './context.js';
import { sandboxLambda } from './fixture.js';
import { notBuilt } from './context.js';
import { bundleExists, REPO_ROOT, runBundledAction } from './processes.js';
import { formatNumber, type BenchResult } from './report.js';
import { medianRatio, summarize } from './stats.js';

const NAME = 'service';
const TITLE = 'Releasing a service: ten functions as one release vs one function';
const FUNCTIONS = 10;
const ALIAS = 'live';
const RUNS = 5;
const UPDATE_DELAY_MS = 1000;
const CANARY_STEPS = '10%:1s,30%:1s,60%:1s';
const THROTTLE_RATE = 0.2;
const names = Array.from({ length: FUNCTIONS }, (_, i) => `orders-svc-${String(i + 1).padStart(2, '0')}`);

/** deploy-canary's action.yml must declare `functions`: a build from before issue #17 cannot release a service. */
function requireFunctionsInput(): void {
  const action = parseYaml(
    readFileSync(join(REPO_ROOT, 'actions', 'deploy-canary', 'action.yml'), 'utf8'),
  ) as {
    inputs?: Record<string, unknown>;
  };
  if (!action.inputs || !('functions' in action.inputs))
    throw new Error(
      "deploy-canary has no 'functions' input (issue #17: releasing several functions as one): this benchmark cannot run on this build",
    );
}

async function startService(): Promise<{ sandbox: Sandbox; lambda: LambdaClient }> {
  const sandbox = await startSandbox({ port: 0, updateDelayMs: UPDATE_DELAY_MS, metricDelayMs: 0 });
  const lambda = sandboxLambda(sandbox);
  for (const name of names) {
    await createExampleFunction(lambda, name, buildOrdersApi({ release: 'v1.0.0' }));
    const published = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await lambda.send(
      new CreateAliasCommand({ FunctionName: name, Name: ALIAS, FunctionVersion: published.Version }),
    );
  }
  return { sandbox, lambda };
}

export const service: Benchmark = {
  name: NAME,
  run: async (context: BenchContext): Promise<BenchResult> => {
    requireFunctionsInput();
    if (!bundleExists('deploy-canary')) return notBuilt(NAME, TITLE, ['deploy-canary']);
    const { sandbox, lambda } = await startService();
    const dir = mkdtempSync(join(tmpdir(), 'bench-service-'));
    let releases = 0;
    /** A zip no earlier release used, so every release publishes a new version of every function it names. */
    const freshZip = (name: string) => {
      const file = join(dir, `${name}-${++releases}.zip`);
      writeFileSync(file, buildOrdersApi({ release: `v2.0.${releases}` }));
      return file;
    };
    const release = async (functions: string[], inputs: Record<string, string>) => {
      const list = functions.map((name) => ({ name, 'zip-file': freshZip(name) }));
      sandbox.clearRequestLog();
      const run = await runBundledAction('deploy-canary', {
        inputs: {
          ...(functions.length === 1
            ? { 'function-name': list[0]?.name ?? '', 'zip-file': list[0]?.['zip-file'] ?? '' }
            : { functions: JSON.stringify(list) }),
          alias: ALIAS,
          'release-tag': `v2.0.${releases}`,
          ...inputs,
        },
        env: sandbox.env,
        timeoutMs: 300_000,
      });
      const calls = sandbox.requestLog().filter((e) => e.service === 'lambda' || e.service === 'cloudwatch');
      const aliases = await Promise.all(functions.map((name) => readAlias(lambda, name, ALIAS)));
      const moved = aliases.every((alias) => alias && Object.keys(alias.weights).length === 0);
      if (run.code !== 0 || run.outputs['status'] !== 'promoted' || !moved)
        throw new Error(
          `deploy-canary did not promote ${functions.length} function(s) (exit ${run.code}): ${run.stdout}\n${run.stderr}`,
        );
      return { ms: run.ms, calls: calls.length, throttled: calls.filter((e) => e.status === 429).length };
    };
    const skip = { 'skip-canary': 'true', 'skip-canary-reason': 'service benchmark' };

    try {
      const one: number[] = [];
      const ten: number[] = [];
      let callsOne = 0;
      let callsTen = 0;
      for (let i = 0; i < RUNS; i++) {
        const single = await release(names.slice(0, 1), skip);
        const all = await release(names, skip);
        one.push(single.ms);
        ten.push(all.ms);
        callsOne = single.calls;
        callsTen = all.calls;
        context.log(
          `round ${i + 1}/${RUNS}: 1 function ${single.ms.toFixed(0)} ms (${single.calls} calls), ${FUNCTIONS} functions ${all.ms.toFixed(0)} ms (${all.calls} calls)`,
        );
      }

      // The canary judges every function, so every alias gets simulated traffic (no handlers run).
      const loads = names.map((functionName) =>
        sandbox.simulateLoad({ functionName, alias: ALIAS, ratePerSecond: 20 }),
      );
      sandbox.faults.add({
        service: 'lambda',
        operation: 'control-plane',
        kind: 'throttle',
        rate: THROTTLE_RATE,
      });
      const canary = await release(names, {
        'traffic-steps': CANARY_STEPS,
        'health-check-interval': '500ms',
        'metric-delay': '0',
        'min-invocations': '2',
        'on-inconclusive': 'promote',
      }).finally(() => {
        sandbox.faults.clear();
        loads.forEach((load) => load.stop());
      });
      context.log(
        `3-step canary of ${FUNCTIONS} functions under ${THROTTLE_RATE * 100}% throttling: ${canary.ms.toFixed(0)} ms, ${canary.calls} calls (${canary.throttled} throttled)`,
      );

      const single = summarize(one);
      const service = summarize(ten);
      const ratio = medianRatio(service, single);
      const perFunction = callsTen / FUNCTIONS;
      return {
        name: NAME,
        title: TITLE,
        method: [
          `A sandbox with ${FUNCTIONS} functions (the example orders-api zip), each with a published version and a \`${ALIAS}\` alias; update delay ${UPDATE_DELAY_MS} ms at real time scale. Every release uploads zips no earlier release used, so every function publishes a new version.`,
          `${RUNS} interleaved rounds of \`dist/deploy-canary/index.js\` with \`skip-canary: true\`: one function (\`function-name\`, \`zip-file\`) and ${FUNCTIONS} functions (\`functions\`, one item each), spawn to exit; each must end promoted with every alias on its new version, unweighted.`,
          'AWS calls: the Lambda and CloudWatch requests the sandbox answered during the last round of each.',
          `Then one alias-weights canary of the ${FUNCTIONS} functions (\`traffic-steps: ${CANARY_STEPS}\`, \`health-check-interval: 500ms\`, \`min-invocations: 2\`, \`on-inconclusive: promote\`) while 20 simulated requests/s go to each alias and the sandbox answers ${THROTTLE_RATE * 100}% of Lambda's control-plane calls with TooManyRequestsException (429); it must end promoted.`,
        ],
        rows: [
          { measure: 'skip-canary release of 1 function, spawn to exit', unit: 'ms', summary: single },
          {
            measure: `skip-canary release of ${FUNCTIONS} functions, spawn to exit`,
            unit: 'ms',
            summary: service,
          },
          { measure: 'AWS calls, 1 function', unit: 'calls', value: callsOne },
          { measure: `AWS calls per function, ${FUNCTIONS} functions`, unit: 'calls', value: perFunction },
          {
            measure: `3-step canary of ${FUNCTIONS} functions under throttling, spawn to exit`,
            unit: 'ms',
            value: canary.ms,
          },
          {
            measure: '3-step canary: AWS calls (of which throttled)',
            unit: '',
            value: `${canary.calls} (${canary.throttled})`,
          },
        ],
        verdicts: [
          {
            figure: `${FUNCTIONS} functions / 1 function, wall time (medians)`,
            value: formatNumber(ratio, '×'),
            target: '≤ 1.5×',
            met: ratio <= 1.5,
          },
          {
            figure: `AWS calls per function, ${FUNCTIONS} functions vs 1`,
            value: `${formatNumber(perFunction, 'calls')} vs ${callsOne}`,
            target: 'no more than one function',
            met: perFunction <= callsOne,
          },
          {
            figure: `3-step canary of ${FUNCTIONS} functions, ${THROTTLE_RATE * 100}% of control-plane calls throttled`,
            value: 'promoted',
            target: 'promoted',
            met: true,
          },
        ],
        notes: [
          `deploy-canary publishes and moves the aliases of up to ten functions at a time (its update polls use GetFunction, outside Lambda's 15 control-plane requests/s), so the ${FUNCTIONS}-function release waits for the ${UPDATE_DELAY_MS} ms function update once, as one function does: the ratio follows the number of waves, not the number of calls.`,
          `Under throttling, ${canary.throttled} of the canary's ${canary.calls} calls were answered 429 and retried, and the release still ended promoted; its wall time (${formatNumber(canary.ms, 'ms')}) against its ${CANARY_STEPS} schedule is reported, not judged.`,
        ],
      };
    } finally {
      lambda.destroy();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
