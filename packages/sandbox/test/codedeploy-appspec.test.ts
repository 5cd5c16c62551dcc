import { describe, expect, it } from '@jest/globals';
import { parseLambdaAppSpec } from '../src/codedeploy/appspec.js';
import { readTrafficRouting, trafficSteps } from '../src/codedeploy/configs.js';
import { DeploymentFailure } from '../src/codedeploy/errors.js';

const yamlSpec = (props: string, hooks = '') => `version: 0.0
Resources:
  - orders:
      Type: AWS::Lambda::Function
      Properties:
${props}
${hooks}`;
const fullProps = `        Name: orders
        Alias: live
        CurrentVersion: 1
        TargetVersion: "2"`;

function failure(content: string): DeploymentFailure {
  try {
    parseLambdaAppSpec(content);
  } catch (error) {
    if (error instanceof DeploymentFailure) return error;
    throw error;
  }
  throw new Error('expected the AppSpec to be rejected');
}

describe('Lambda AppSpec', () => {
  it('reads YAML with numeric versions and hooks', () => {
    const spec = parseLambdaAppSpec(
      yamlSpec(fullProps, 'Hooks:\n  - BeforeAllowTraffic: pre-hook\n  - AfterAllowTraffic: post-hook'),
    );
    expect(spec).toEqual({
      functionName: 'orders',
      alias: 'live',
      currentVersion: '1',
      targetVersion: '2',
      hooks: { BeforeAllowTraffic: 'pre-hook', AfterAllowTraffic: 'post-hook' },
    });
  });

  it('reads the JSON form', () => {
    const json = JSON.stringify({
      version: 0.0,
      Resources: [
        {
          fn: {
            Type: 'AWS::Lambda::Function',
            Properties: { Name: 'a', Alias: 'b', CurrentVersion: '3', TargetVersion: '4' },
          },
        },
      ],
    });
    expect(parseLambdaAppSpec(json)).toMatchObject({
      functionName: 'a',
      currentVersion: '3',
      targetVersion: '4',
      hooks: {},
    });
  });

  it('rejects a wrong version, missing properties, several resources and unknown hooks', () => {
    expect(failure(yamlSpec(fullProps).replace('version: 0.0', 'version: 1.0')).message).toMatch(
      /version must be 0.0/,
    );
    expect(failure(yamlSpec(fullProps.replace('        Alias: live\n', ''))).message).toMatch(
      /missing Alias/,
    );
    const two = yamlSpec(fullProps).replace(
      'Resources:\n',
      'Resources:\n  - other:\n      Type: AWS::Lambda::Function\n',
    );
    expect(failure(two).message).toMatch(/exactly one AWS::Lambda::Function/);
    expect(failure(yamlSpec(fullProps, 'Hooks:\n  - BeforeInstall: x')).message).toMatch(
      /not a Lambda lifecycle event/,
    );
    expect(failure('::: not yaml :::\n  - [').code).toBe('INVALID_LAMBDA_CONFIGURATION');
  });
});

describe('traffic plans', () => {
  it('shifts once for canary, in equal steps for linear, never for all-at-once', () => {
    expect(
      trafficSteps(
        readTrafficRouting({
          type: 'TimeBasedCanary',
          timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 },
        }),
      ),
    ).toEqual([{ weight: 0.1, holdMs: 300_000 }]);
    const linear = trafficSteps(
      readTrafficRouting({
        type: 'TimeBasedLinear',
        timeBasedLinear: { linearPercentage: 10, linearInterval: 1 },
      }),
    );
    expect(linear.map((s) => s.weight)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(trafficSteps(readTrafficRouting({ type: 'AllAtOnce' }))).toEqual([]);
  });

  it('rejects percentages and intervals CodeDeploy would refuse', () => {
    expect(() =>
      readTrafficRouting({
        type: 'TimeBasedCanary',
        timeBasedCanary: { canaryPercentage: 100, canaryInterval: 5 },
      }),
    ).toThrow(/canaryPercentage/);
    expect(() =>
      readTrafficRouting({
        type: 'TimeBasedLinear',
        timeBasedLinear: { linearPercentage: 10, linearInterval: 0 },
      }),
    ).toThrow(/linearInterval/);
    expect(() => readTrafficRouting({ type: 'Blue' })).toThrow(/TimeBasedCanary/);
  });
});
