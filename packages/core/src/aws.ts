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
  region?: string;
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

/**
 * The AWS clients an action uses, created on first use so a run pays only for the services it calls.
 * Credentials come from the SDK's default chain (environment, OIDC web identity, profiles); endpoints honour
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, which the SDK reads itself.
 */
export class AwsClients {
  readonly region: string;
  private readonly config: LambdaClientConfig;
  private cache = new Map<string, unknown>();

  constructor(options: AwsClientOptions) {
    this.region = resolveRegion(options.region, options.env);
    this.config = {
      region: this.region,
      retryMode: 'adaptive',
      maxAttempts: options.maxAttempts ?? 5,
      customUserAgent: [
        [TOOLKIT_NAME, TOOLKIT_VERSION],
        ['action', options.action],
      ],
      requestHandler: { requestTimeout: options.requestTimeoutMs ?? 15_000, connectionTimeout: 5_000 },
    };
  }

  private client<T>(key: string, create: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, create());
    return this.cache.get(key) as T;
  }

  get lambda(): LambdaClient {
    return this.client('lambda', () => new LambdaClient(this.config));
  }

  get codedeploy(): CodeDeployClient {
    return this.client('codedeploy', () => new CodeDeployClient(this.config));
  }

  get cloudwatch(): CloudWatchClient {
    return this.client('cloudwatch', () => new CloudWatchClient(this.config));
  }

  get sns(): SNSClient {
    return this.client('sns', () => new SNSClient(this.config));
  }
}
