import { conflict, invalidParameter, notFound } from './errors.js';
import type { FunctionStore } from './functions.js';
import { lambdaTimestamp } from './wire.js';

export interface UrlConfigInput {
  AuthType?: string;
  Cors?: Record<string, unknown>;
  InvokeMode?: string;
}

interface UrlConfig {
  functionName: string;
  qualifier?: string | undefined;
  authType: string;
  cors?: Record<string, unknown> | undefined;
  invokeMode: string;
  created: number;
  modified: number;
}

/**
 * Function URL configurations (CreateFunctionUrlConfig & co., /2021-10-31/functions/{fn}/url). They let
 * callers discover a URL the AWS way; the sandbox serves /_url/ paths whether or not a config exists.
 */
export class UrlConfigs {
  private configs = new Map<string, UrlConfig>();
  private readonly store: FunctionStore;
  private readonly urlOf: (functionName: string, qualifier?: string) => string;
  private readonly now: () => number;

  constructor(opts: {
    store: FunctionStore;
    urlOf: (functionName: string, qualifier?: string) => string;
    now: () => number;
  }) {
    this.store = opts.store;
    this.urlOf = opts.urlOf;
    this.now = opts.now;
  }

  create(name: string, qualifier: string | undefined, input: UrlConfigInput): Record<string, unknown> {
    this.checkTarget(name, qualifier);
    const key = this.key(name, qualifier);
    if (this.configs.has(key)) {
      throw conflict(
        `Failed to create function url config for [functionArn = ${this.store.functionArn(name, qualifier)}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      );
    }
    if (input.AuthType !== 'NONE' && input.AuthType !== 'AWS_IAM') {
      throw invalidParameter(`AuthType must be NONE or AWS_IAM, got ${input.AuthType}`);
    }
    const now = this.now();
    const config: UrlConfig = {
      functionName: name,
      qualifier,
      authType: input.AuthType,
      cors: input.Cors,
      invokeMode: input.InvokeMode ?? 'BUFFERED',
      created: now,
      modified: now,
    };
    this.configs.set(key, config);
    return this.view(config);
  }

  get(name: string, qualifier: string | undefined): Record<string, unknown> {
    return this.view(this.find(name, qualifier));
  }

  update(name: string, qualifier: string | undefined, input: UrlConfigInput): Record<string, unknown> {
    const config = this.find(name, qualifier);
    config.authType = input.AuthType ?? config.authType;
    config.cors = input.Cors ?? config.cors;
    config.invokeMode = input.InvokeMode ?? config.invokeMode;
    config.modified = this.now();
    return this.view(config);
  }

  delete(name: string, qualifier: string | undefined): void {
    this.find(name, qualifier);
    this.configs.delete(this.key(name, qualifier));
  }

  list(name: string): Record<string, unknown>[] {
    this.store.get(name);
    return [...this.configs.values()].filter((c) => c.functionName === name).map((c) => this.view(c));
  }

  private find(name: string, qualifier: string | undefined): UrlConfig {
    this.store.get(name);
    const config = this.configs.get(this.key(name, qualifier));
    if (!config) throw notFound('The resource you requested does not exist.');
    return config;
  }

  /** A URL belongs to the unqualified function or to an alias, never to a numbered version (API reference, Qualifier). */
  private checkTarget(name: string, qualifier: string | undefined): void {
    const fn = this.store.get(name);
    if (qualifier === undefined || qualifier === '$LATEST') return;
    if (/^\d+$/.test(qualifier))
      throw invalidParameter(
        `Function URLs can be created for an alias or $LATEST only, not version ${qualifier}`,
      );
    if (!fn.aliases.has(qualifier))
      throw notFound(`Function not found: ${this.store.functionArn(name, qualifier)}`);
  }

  private key(name: string, qualifier: string | undefined): string {
    return `${name}:${qualifier === undefined || qualifier === '$LATEST' ? '' : qualifier}`;
  }

  private view(c: UrlConfig): Record<string, unknown> {
    return {
      FunctionUrl: this.urlOf(c.functionName, c.qualifier),
      FunctionArn: this.store.functionArn(c.functionName, c.qualifier),
      AuthType: c.authType,
      Cors: c.cors,
      InvokeMode: c.invokeMode,
      CreationTime: lambdaTimestamp(c.created),
      LastModifiedTime: lambdaTimestamp(c.modified),
    };
  }
}
