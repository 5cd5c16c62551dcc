import { existsSync } from 'node:fs';
import * as core from '@actions/core';
import {
  cancellationSignal,
  defaultRecordPath,
  Inputs,
  releaseContext,
  UserError,
} from '@lambda-release-kit/core';
import { actionsLogger, runAction, runnerRedactor, setOutputs, writeSummary } from '@lambda-release-kit/core/runner';
import { ACTION_NAME, Input } from './constants.js';
import { readOptions, type RollbackOptions } from './options.js';
import { RollbackClients } from './clients.js';
import { performRollback } from './perform.js';
import { loadRecord } from './record-source.js';
import { rollbackOutputs, summaryFacts, verifyFailure } from './report.js';
import { parseVerify } from './verify.js';

export async function run(): Promise<void> {
  await runAction(ACTION_NAME, async () => {
    // The verify checks may carry URLs with user info (`https://user:pass@host/`): masked as soon as read.
    runnerRedactor.addUrlsIn(core.getInput(Input.Verify));
    const inputs = new Inputs((name) => core.getInput(name));
    const options = withDefaultRecordFile(readOptions(inputs), process.env.RUNNER_TEMP);
    const verify = options.verify ? await parseVerify(options.verify) : undefined;
    const clients = new RollbackClients({ action: ACTION_NAME, region: options.region });
    const source = await loadRecord(options, { ...options, region: clients.region });

    const cancellation = cancellationSignal(options.timeoutMs);
    try {
      const result = await performRollback(options, source, {
        lambda: clients.lambda,
        codedeploy: () => clients.codedeploy(),
        logger: actionsLogger,
        signal: cancellation.signal,
        by: process.env.GITHUB_ACTOR || 'github-actions',
        release: releaseContext(),
        defaultReason: 'the release job failed',
        verify,
      });
      setOutputs(rollbackOutputs(result));
      await writeSummary(
        `Rollback of ${options.functionName}:${options.alias}`,
        summaryFacts(result, `${options.functionName}:${options.alias}`),
      );
      if (result.outcome === 'superseded') core.warning(result.explanation);
      const failedChecks = verifyFailure(result);
      if (failedChecks) throw new UserError(failedChecks);
    } finally {
      cancellation.dispose();
    }
  });
}

/**
 * Without 'record' or 'record-file', the record deploy-canary wrote in this job (its default path, one per function
 * and alias) is used when it exists.
 */
function withDefaultRecordFile(options: RollbackOptions, runnerTemp: string | undefined): RollbackOptions {
  if (options.recordText || options.recordFile || !runnerTemp) return options;
  const path = defaultRecordPath(options.functionName, options.alias, runnerTemp);
  return existsSync(path) ? { ...options, recordFile: path } : options;
}
