import { releaseContext, UserError } from '@lambda-release-kit/core';
import type { ReleaseActionDefinition } from '@lambda-release-kit/core/runner';
import { RollbackClients } from './clients.js';
import { ACTION_NAME, Input } from './constants.js';
import { readOptions, type RollbackOptions } from './options.js';
import { performRollback, type PerformResult } from './perform.js';
import { recordSource } from './record-source.js';
import { workflowRun } from './workflow-run.js';
import {
  functionsTable,
  leftAlone,
  recordOutputs,
  rollbackOutputs,
  summaryFacts,
  verifyFailure,
} from './report.js';

/** rollback-on-failure as runReleaseAction runs it: the record's release is rolled back, verified and reported. */
export const rollbackAction: ReleaseActionDefinition<RollbackOptions, RollbackClients, PerformResult> = {
  name: ACTION_NAME,
  // The verify checks may carry URLs with user info (`https://user:pass@host/`): masked as soon as read.
  urlInputs: [Input.Verify],
  readOptions,
  recordPlace: (options) => ({
    text: options.recordText,
    file: options.recordFile,
    // Without 'record' or 'record-file', the record deploy-canary wrote in this job is used when it exists.
    release: options.functionName
      ? {
          functionName: options.functionName,
          alias: options.alias ?? 'live',
          environment: options.environment,
        }
      : undefined,
    // A bad record is warned about: the rollback can still decide from the live state where that is safe.
    badRecord: 'warning',
    writeBack: 'file-read',
  }),
  writesRecord: true,
  timeoutMs: (options) => options.timeoutMs,
  clients: (options, _reading, env) =>
    new RollbackClients({ action: ACTION_NAME, region: options.region, env }),

  async run(options, { clients, reading, saveRecord, recordFile, logger, signal, env }) {
    const source = recordSource(reading, { ...options, region: clients.region });
    const result = await performRollback(options, source, {
      lambda: clients.lambda,
      codedeploy: () => clients.codedeploy(),
      logger,
      signal,
      by: env.GITHUB_ACTOR || 'github-actions',
      release: releaseContext(env),
      run: workflowRun(env),
      defaultReason: 'the release job failed',
      saveRecord: async (record) => {
        await saveRecord(record);
        return recordFile;
      },
    });
    const left = leftAlone(result);
    if (left) logger.warning(left);
    const failedChecks = verifyFailure(result);
    return { result, failure: result.failure ?? (failedChecks ? new UserError(failedChecks) : undefined) };
  },

  outputs: (result) => ({
    ...rollbackOutputs(result),
    // An updated record was saved with its outputs before verification; a record left unchanged is passed on here.
    ...(result.rolledBack ? {} : recordOutputs(result)),
  }),

  summary: (result, options) => {
    const target = result.functions.map((f) => `${f.functionName}:${f.alias}`).join(', ') || 'no function';
    const where = options.environment ? ` in ${options.environment}` : '';
    return {
      title: `Rollback of ${target}${where}`,
      facts: summaryFacts(result, target, options.environment),
      tables: functionsTable(result),
    };
  },
};
