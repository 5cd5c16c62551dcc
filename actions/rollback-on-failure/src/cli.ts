// Break-glass rollback from a terminal, with the action's inputs as flags:
//   npx tsx actions/rollback-on-failure/src/cli.ts --function-name orders-api --alias live --dry-run
// AWS credentials and region come from the usual SDK sources (AWS_PROFILE, AWS_REGION, --region).
import { userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cancellationSignal,
  consoleLogger,
  errorMessage,
  Inputs,
  writeRecordFile,
  type OutputValue,
} from '@lambda-release-kit/core';
import { ACTION_NAME, Input, Output } from './constants.js';
import { readOptions } from './options.js';
import { RollbackClients } from './clients.js';
import { performRollback } from './perform.js';
import { loadRecord } from './record-source.js';
import { workflowRun } from './workflow-run.js';
import { functionEntries, recordOutputs, rollbackOutputs, summaryFacts, verifyFailure } from './report.js';

const USAGE = `usage: rollback-on-failure (--function-name NAME | --record-file PATH) [options]

Puts an alias back on the last good version (or stops a CodeDeploy deployment with rollback), exactly as the
rollback-on-failure action does.

  --function-name NAME        Lambda function name or ARN (default: every function of the record)
  --alias NAME                alias to roll back (default: the record's, else live)
  --record-file PATH          deployment record written by deploy-canary; updated with the rollback
  --environment NAME          the record's environment (checked against the record)
  --record JSON               the deployment record as JSON text
  --target-version N          roll back to this published version
  --deployment-id ID          CodeDeploy deployment to stop with rollback
  --codedeploy-application A  with --codedeploy-deployment-group: find an in-progress deployment
  --codedeploy-deployment-group G
  --method M                  auto (default), alias, codedeploy or code
  --verify CHECKS             checks to run after the rollback (YAML/JSON text or a .yml/.json file)
  --dry-run                   print the decision and the exact change, change nothing
  --reason TEXT               why (recorded in the deployment record)
  --region REGION             AWS region (default: AWS_REGION)
  --timeout DURATION          overall deadline, e.g. 5m (default: 10m)
  --json                      print the outputs as one JSON object
  --help`;

const STRING_FLAGS = [
  Input.FunctionName,
  Input.Alias,
  Input.Record,
  Input.RecordFile,
  Input.TargetVersion,
  Input.DeploymentId,
  Input.CodeDeployApplication,
  Input.CodeDeployDeploymentGroup,
  Input.Method,
  Input.Verify,
  Input.Reason,
  Input.Region,
  Input.Timeout,
  Input.Environment,
];

/** Runs the CLI with `argv` (without node and the script); returns the process exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(STRING_FLAGS.map((name) => [name, { type: 'string' as const }])),
        [Input.DryRun]: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`${ACTION_NAME}: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  const cancellation = { dispose: () => {} };
  try {
    const inputs = new Inputs((name) => {
      const value = values[name];
      return typeof value === 'boolean' ? String(value) : (value ?? '');
    });
    const options = await readOptions(inputs);
    const clients = new RollbackClients({ action: `${ACTION_NAME}-cli`, region: options.region, env });
    const source = await loadRecord(options, { ...options, region: clients.region });
    const { signal, dispose } = cancellationSignal(options.timeoutMs);
    cancellation.dispose = dispose;
    const result = await performRollback(options, source, {
      lambda: clients.lambda,
      codedeploy: () => clients.codedeploy(),
      logger: consoleLogger,
      signal,
      by: env.USER || userInfo().username,
      run: workflowRun(env),
      defaultReason: 'manual rollback from the command line',
      saveRecord: async (record) => {
        if (!options.recordFile) return undefined;
        await writeRecordFile(options.recordFile, record);
        return options.recordFile;
      },
    });
    const outputs = { ...rollbackOutputs(result), ...recordOutputs(result) };
    if (values.json) {
      // One JSON document: the outputs that are JSON text on a runner are nested as values here.
      const nested = { [Output.Functions]: functionEntries(result), [Output.Record]: result.record };
      console.log(JSON.stringify({ ...outputs, ...nested }));
    } else {
      const target = result.functions.map((f) => `${f.functionName}:${f.alias}`).join(', ') || 'no function';
      printFacts(summaryFacts(result, target, options.environment), outputs);
    }
    if (result.failure) {
      console.error(`${ACTION_NAME}: ${result.failure.message}`);
      return 1;
    }
    const failedChecks = verifyFailure(result);
    if (failedChecks) {
      console.error(`${ACTION_NAME}: ${failedChecks}`);
      return 1;
    }
    return 0;
  } catch (error) {
    console.error(`${ACTION_NAME}: ${errorMessage(error)}`);
    return 1;
  } finally {
    cancellation.dispose();
  }
}

function printFacts(facts: Array<[string, string]>, outputs: Record<string, OutputValue>): void {
  const width = Math.max(...facts.map(([key]) => key.length));
  for (const [key, value] of facts) console.log(`${key.padEnd(width)}  ${value}`);
  console.log(`rolled-back=${String(outputs['rolled-back'])}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
