import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { UserError } from './errors.js';

export const TOOLKIT_NAME = 'lambda-release-kit';
export const TOOLKIT_VERSION = '0.1.0';

export interface AwsClientOptions {
  /** The action making the calls, added to the user agent (e.g. "deploy-canary"). */
  action: string;
  /** Region from the action input; falls back to AWS_REGION / AWS_DEFAULT_REGION. */
  region?: string | undefined;
  /** Attempts per call including the first (adaptive retry mode backs off on throttling). Default 5. */
  maxAttempts?: number;
  /** Socket-level timeout per request, so a dropped connection fails instead of hanging. Default 15 s. */
  requestTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export function resolveRegion(input: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const region = input || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new UserError(
      "no AWS region: set the 'region' input or AWS_REGION (aws-actions/configure-aws-credentials sets it)",
    );
  }
  return region;
}

/** Settings every client shares: region, adaptive retries, socket timeouts and a user agent naming the action. */
export function awsClientConfig(options: AwsClientOptions): LambdaClientConfig & { region: string } {
  return {
    region: resolveRegion(options.region, options.env),
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 5,
    customUserAgent: [
      [TOOLKIT_NAME, TOOLKIT_VERSION],
      ['action', options.action],
    ],
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 15_000, connectionTimeout: 5_000 },
  };
}

// One factory per service, so a bundle holds only the SDK clients its action constructs: the bundler drops the
// packages of the factories nobody calls, which keeps start-up short (see BENCHMARKS.md, start-up).
export const lambdaClient = (options: AwsClientOptions): LambdaClient =>
  new LambdaClient(awsClientConfig(options));
export const codedeployClient = (options: AwsClientOptions): CodeDeployClient =>
  new CodeDeployClient(awsClientConfig(options));
export const cloudwatchClient = (options: AwsClientOptions): CloudWatchClient =>
  new CloudWatchClient(awsClientConfig(options));
export const snsClient = (options: AwsClientOptions): SNSClient => new SNSClient(awsClientConfig(options));

/**
 * All four clients, created on first use, for tools and tests that talk to several services. Credentials come
 * from the SDK's default chain (environment, OIDC web identity, profiles); endpoints honour AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE>, which the SDK reads itself. Actions use the factories above instead.
 */
export class AwsClients {
  readonly region: string;
  private readonly options: AwsClientOptions;
  private cache = new Map<string, unknown>();

  constructor(options: AwsClientOptions) {
    this.options = options;
    this.region = resolveRegion(options.region, options.env);
  }

  private client<T>(key: string, create: (options: AwsClientOptions) => T): T {
    if (!this.cache.has(key)) this.cache.set(key, create(this.options));
    return this.cache.get(key) as T;
  }

  get lambda(): LambdaClient {
    return this.client('lambda', lambdaClient);
  }

  get codedeploy(): CodeDeployClient {
    return this.client('codedeploy', codedeployClient);
  }

  get cloudwatch(): CloudWatchClient {
    return this.client('cloudwatch', cloudwatchClient);
  }

  get sns(): SNSClient {
    return this.client('sns', snsClient);
  }
}
