import { createHash } from 'node:crypto';

export interface AppSpecRequest {
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
  beforeTrafficHook?: string | undefined;
  afterTrafficHook?: string | undefined;
}

/**
 * The CodeDeploy AppSpec for a Lambda deployment, as JSON (CodeDeploy reads YAML or JSON):
 * version 0.0, one AWS::Lambda::Function resource with Name, Alias, CurrentVersion and TargetVersion, and the
 * BeforeAllowTraffic / AfterAllowTraffic hooks when given.
 */
export function buildAppSpec(request: AppSpecRequest): string {
  const hooks = [
    ...(request.beforeTrafficHook ? [{ BeforeAllowTraffic: request.beforeTrafficHook }] : []),
    ...(request.afterTrafficHook ? [{ AfterAllowTraffic: request.afterTrafficHook }] : []),
  ];
  const body = {
    Resources: [
      {
        LambdaFunction: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Name: request.functionName,
            Alias: request.alias,
            CurrentVersion: request.currentVersion,
            TargetVersion: request.targetVersion,
          },
        },
      },
    ],
    ...(hooks.length > 0 ? { Hooks: hooks } : {}),
  };
  // JSON.stringify writes 0.0 as 0; the AppSpec reference writes the version as 0.0.
  return `{"version":0.0,${JSON.stringify(body).slice(1)}`;
}

/** The revision CreateDeployment takes: the content and its SHA-256 (hex). */
export function appSpecRevision(content: string): {
  revisionType: 'AppSpecContent';
  appSpecContent: { content: string; sha256: string };
} {
  return {
    revisionType: 'AppSpecContent',
    appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
  };
}
