import type { CheckSuite } from '@lambda-release-kit/checks';
import { InputError, type Inputs } from '@lambda-release-kit/core';
import { Input } from './constants.js';
import { parseVerify } from './verify.js';

export const METHODS = ['auto', 'alias', 'codedeploy', 'code'] as const;
type MethodChoice = (typeof METHODS)[number];

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** Everything a rollback needs, validated; the same for the action and the command line. */
export interface RollbackOptions {
  /** The function to restore; without it, every function of the record's release. */
  functionName?: string | undefined;
  /** The alias to restore; without it, each function's alias in the record (else "live"). */
  alias?: string | undefined;
  /** The deployment environment: part of the default record file's name; the record must be of it. */
  environment?: string | undefined;
  /** Deployment record JSON given inline (the `record` input). */
  recordText?: string | undefined;
  /** Path of a deployment record file; the updated record is written back to it. */
  recordFile?: string | undefined;
  targetVersion?: string | undefined;
  deploymentId?: string | undefined;
  /** Where to look for an in-progress CodeDeploy deployment when no deployment id is known. */
  codedeployGroup?: { application: string; deploymentGroup: string } | undefined;
  method: MethodChoice;
  /** Smoke checks (smoke-test's `checks` syntax, parsed) to run once the rollback is done. */
  verify?: CheckSuite | undefined;
  dryRun: boolean;
  reason?: string | undefined;
  timeoutMs: number;
  region?: string | undefined;
}

const FUNCTION_NAME =
  /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?[A-Za-z0-9_-]{1,64}$/;
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const VERSION = /^[1-9]\d*$/;
const DEPLOYMENT_ID = /^d-[A-Za-z0-9]{1,64}$/;
const CODEDEPLOY_NAME = /^[\w.+@=,-]{1,100}$/;
const ENVIRONMENT = /^[A-Za-z0-9_.-]{1,64}$/;

/** Reads and validates every input; throws an InputError naming the input before anything touches AWS. */
export async function readOptions(inputs: Inputs): Promise<RollbackOptions> {
  const functionName = inputs.string(Input.FunctionName, {
    pattern: FUNCTION_NAME,
    expected: 'a Lambda function name (letters, digits, - and _) or its ARN',
  });
  const alias = inputs.string(Input.Alias, {
    pattern: ALIAS_NAME,
    expected: 'an alias name such as "live" (letters, digits, - and _, not only digits)',
  });
  const environment = inputs.string(Input.Environment, {
    pattern: ENVIRONMENT,
    expected: 'an environment name such as "staging" (letters, digits, _, . and -, at most 64)',
  });
  const recordText = inputs.string(Input.Record);
  const recordFile = inputs.string(Input.RecordFile);
  if (!functionName && !recordText && !recordFile) {
    throw new InputError(
      `input '${Input.FunctionName}' is required but was not given (or give '${Input.Record}' or '${Input.RecordFile}': the record names the functions to roll back)`,
    );
  }
  const method = inputs.enum(Input.Method, METHODS, 'auto');
  const targetVersion = inputs.string(Input.TargetVersion, {
    pattern: VERSION,
    expected: 'a published version number such as "7" ($LATEST cannot be an alias rollback target)',
  });
  const deploymentId = inputs.string(Input.DeploymentId, {
    pattern: DEPLOYMENT_ID,
    expected: 'a CodeDeploy deployment id such as "d-A1B2C3D4E"',
  });
  const application = inputs.string(Input.CodeDeployApplication, {
    pattern: CODEDEPLOY_NAME,
    expected: 'a CodeDeploy application name',
  });
  const deploymentGroup = inputs.string(Input.CodeDeployDeploymentGroup, {
    pattern: CODEDEPLOY_NAME,
    expected: 'a CodeDeploy deployment group name',
  });
  if (Boolean(application) !== Boolean(deploymentGroup)) {
    const missing = application ? Input.CodeDeployDeploymentGroup : Input.CodeDeployApplication;
    throw new InputError(
      `input '${missing}' is required when '${application ? Input.CodeDeployApplication : Input.CodeDeployDeploymentGroup}' is given — expected both or neither`,
    );
  }
  if ((deploymentId || application) && (method === 'alias' || method === 'code')) {
    const given = deploymentId ? Input.DeploymentId : Input.CodeDeployApplication;
    throw new InputError(
      `input '${given}' cannot be used with method '${method}' — expected method auto or codedeploy`,
    );
  }
  if (targetVersion && (method === 'code' || method === 'codedeploy')) {
    throw new InputError(
      `input 'target-version' cannot be used with method '${method}' — expected method auto or alias (a code rollback restores the record's previous code)`,
    );
  }
  const verifyText = inputs.string(Input.Verify);
  const dryRun = inputs.boolean(Input.DryRun, false);
  const reason = inputs.string(Input.Reason);
  const timeoutMs = inputs.duration(Input.Timeout, {
    default: DEFAULT_TIMEOUT_MS,
    min: 1_000,
    max: 6 * 3_600_000,
  });
  const region = inputs.string(Input.Region, {
    pattern: /^[a-z]{2}(-[a-z]+)+-\d$/,
    expected: 'an AWS region such as "us-east-1"',
  });
  // Parsed last: the check engine is loaded only once every other input is known to be valid.
  const verify = verifyText ? await parseVerify(verifyText) : undefined;
  return {
    functionName,
    alias,
    environment,
    recordText,
    recordFile,
    targetVersion,
    deploymentId,
    codedeployGroup: application && deploymentGroup ? { application, deploymentGroup } : undefined,
    method,
    verify,
    dryRun,
    reason,
    timeoutMs,
    region,
  };
}
