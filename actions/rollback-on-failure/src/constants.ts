/** Action input names, as declared in action.yml. */
export enum Input {
  FunctionName = 'function-name',
  Alias = 'alias',
  Record = 'record',
  RecordFile = 'record-file',
  TargetVersion = 'target-version',
  DeploymentId = 'deployment-id',
  CodeDeployApplication = 'codedeploy-application',
  CodeDeployDeploymentGroup = 'codedeploy-deployment-group',
  Method = 'method',
  Verify = 'verify',
  DryRun = 'dry-run',
  Reason = 'reason',
  Timeout = 'timeout',
  Region = 'region',
  Environment = 'environment',
}

/** Action output names, as declared in action.yml. */
export enum Output {
  RolledBack = 'rolled-back',
  Outcome = 'outcome',
  FromVersion = 'from-version',
  ToVersion = 'to-version',
  Method = 'method',
  DurationMs = 'duration-ms',
  Record = 'record',
  RecordFile = 'record-file',
  Functions = 'functions',
}

export const ACTION_NAME = 'rollback-on-failure';
