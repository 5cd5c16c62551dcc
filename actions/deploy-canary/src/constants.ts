/** Input names as written in action.yml. */
export enum Input {
  FunctionName = 'function-name',
  Alias = 'alias',
  Region = 'region',
  ZipFile = 'zip-file',
  S3Bucket = 's3-bucket',
  S3Key = 's3-key',
  S3ObjectVersion = 's3-object-version',
  ImageUri = 'image-uri',
  Strategy = 'strategy',
  CodeDeployApplication = 'codedeploy-application',
  CodeDeployDeploymentGroup = 'codedeploy-deployment-group',
  DeploymentConfig = 'deployment-config',
  BeforeTrafficHook = 'before-traffic-hook',
  AfterTrafficHook = 'after-traffic-hook',
  TrafficSteps = 'traffic-steps',
  Alarms = 'alarms',
  MaxErrorRate = 'max-error-rate',
  MaxP95Latency = 'max-p95-latency',
  MaxP99Latency = 'max-p99-latency',
  MinInvocations = 'min-invocations',
  CompareToStable = 'compare-to-stable',
  OnInconclusive = 'on-inconclusive',
  BakeTimeout = 'bake-timeout',
  HealthCheckInterval = 'health-check-interval',
  MetricDelay = 'metric-delay',
  FalseRollbackRate = 'false-rollback-rate',
  MissedRegressionRate = 'missed-regression-rate',
  CanaryTraffic = 'canary-traffic',
  CanaryTrafficPayload = 'canary-traffic-payload',
  PreTrafficCheck = 'pre-traffic-check',
  SkipCanary = 'skip-canary',
  SkipCanaryReason = 'skip-canary-reason',
  DryRun = 'dry-run',
  ReleaseTag = 'release-tag',
  TagPattern = 'tag-pattern',
  Wait = 'wait',
  Timeout = 'timeout',
  RecordFile = 'record-file',
  Functions = 'functions',
  Configuration = 'configuration',
  Environment = 'environment',
}

/** Output names as written in action.yml. */
export enum Output {
  FunctionName = 'function-name',
  Alias = 'alias',
  PreviousVersion = 'previous-version',
  NewVersion = 'new-version',
  DeploymentId = 'deployment-id',
  Status = 'status',
  Record = 'record',
  RecordFile = 'record-file',
  DurationMs = 'duration-ms',
  Functions = 'functions',
}

export const ACTION_NAME = 'deploy-canary';

export const STRATEGIES = ['alias-weights', 'codedeploy', 'all-at-once'] as const;
export const ON_INCONCLUSIVE = ['wait', 'fail', 'promote'] as const;

/** Semantic version tags like v1.2.3, v1.2.3-rc.1 or v1.2.3+build.5. */
export const DEFAULT_TAG_PATTERN = '^v\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$';

export const DEFAULT_TRAFFIC_STEPS = '10%:5m';
export const DEFAULT_DEPLOYMENT_CONFIG = 'CodeDeployDefault.LambdaCanary10Percent5Minutes';
export const ALL_AT_ONCE_CONFIG = 'CodeDeployDefault.LambdaAllAtOnce';
/**
 * Functions published or moved at once: ten keep a release of ten to one wave of Lambda's update. Lambda allows
 * 15 control-plane requests/s per account and ten functions send about one each at a step (their update polls
 * use GetFunction, which has its own quota); throttling (429) is retried, never fatal.
 */
export const FUNCTION_CONCURRENCY = 10;

/** Defaults written in action.yml (the runner passes them as if given); a test keeps the two in step. */
export const ACTION_DEFAULTS: Partial<Record<Input, string>> = {
  [Input.Alias]: 'live',
  [Input.Strategy]: 'alias-weights',
  [Input.DeploymentConfig]: DEFAULT_DEPLOYMENT_CONFIG,
  [Input.TrafficSteps]: DEFAULT_TRAFFIC_STEPS,
  [Input.MaxErrorRate]: '1%',
  [Input.MinInvocations]: '10',
  [Input.CompareToStable]: 'false',
  [Input.OnInconclusive]: 'wait',
  [Input.HealthCheckInterval]: '1m',
  [Input.MetricDelay]: '2m',
  [Input.FalseRollbackRate]: '1%',
  [Input.MissedRegressionRate]: '5%',
  [Input.CanaryTraffic]: 'off',
  [Input.SkipCanary]: 'false',
  [Input.DryRun]: 'false',
  [Input.Wait]: 'true',
  [Input.Timeout]: '6h',
  [Input.TagPattern]: DEFAULT_TAG_PATTERN,
};
