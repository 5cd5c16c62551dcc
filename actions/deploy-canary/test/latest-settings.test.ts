import { describe, expect, it } from '@jest/globals';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { differentSettings, expectedSettings, settingsOf } from '../src/latest-settings.js';

/** $LATEST as GetFunction reports a function outside a VPC (AWS answers empty lists, not nothing). */
const before: FunctionConfiguration = {
  FunctionName: 'orders-api',
  Role: 'arn:aws:iam::123456789012:role/orders',
  Runtime: 'nodejs22.x',
  Handler: 'index.handler',
  MemorySize: 128,
  Timeout: 3,
  CodeSha256: 'old-code',
  RevisionId: 'r1',
  LastModified: '2026-12-01T00:00:00.000+0000',
  VpcConfig: { SubnetIds: [], SecurityGroupIds: [], VpcId: '' },
  TracingConfig: { Mode: 'PassThrough' },
  EphemeralStorage: { Size: 512 },
  Layers: [{ Arn: 'arn:aws:lambda:us-east-1:123456789012:layer:deps:3', CodeSize: 10 }],
  LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/orders-api' },
  RuntimeVersionConfig: { RuntimeVersionArn: 'arn:aws:lambda:us-east-1::runtime:a' },
  SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
};
const change = { memorySize: 256, environment: { STAGE: 'staging' } };
/** What our own update leaves: our settings, new code and revision, Lambda's own runtime update. */
const ours: FunctionConfiguration = {
  ...before,
  MemorySize: 256,
  Environment: { Variables: { STAGE: 'staging' } },
  CodeSha256: 'new-code',
  RevisionId: 'r3',
  LastModified: '2026-12-08T00:00:00.000+0000',
  LastUpdateStatus: 'Successful',
  RuntimeVersionConfig: { RuntimeVersionArn: 'arn:aws:lambda:us-east-1::runtime:b' },
  Layers: [{ Arn: 'arn:aws:lambda:us-east-1:123456789012:layer:deps:3', CodeSize: 11 }],
};
const differences = (now: FunctionConfiguration) =>
  differentSettings(expectedSettings(before, change), settingsOf(now));

describe('every setting of $LATEST against what this deploy read and set', () => {
  it('finds none in what our own update leaves (code, revision, statuses and runtime version are not settings)', () => {
    expect(differences(ours)).toEqual([]);
    expect(
      differences({
        ...ours,
        VpcConfig: undefined,
        Environment: { Variables: { STAGE: 'staging' }, Error: {} },
      }),
    ).toEqual([]);
  });

  it('names each setting another writer changed, including those the release never sets', () => {
    expect(
      differences({
        ...ours,
        Role: 'arn:aws:iam::123456789012:role/other',
        VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'], VpcId: 'vpc-1' },
        KMSKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
        DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:123456789012:dlq' },
        TracingConfig: { Mode: 'Active' },
        FileSystemConfigs: [
          {
            Arn: 'arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1',
            LocalMountPath: '/mnt/efs',
          },
        ],
        SnapStart: { ApplyOn: 'PublishedVersions', OptimizationStatus: 'Off' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: '/aws/lambda/orders-api' },
        Architectures: ['arm64'],
      }),
    ).toEqual([
      'Architectures',
      'DeadLetterConfig',
      'FileSystemConfigs',
      'KMSKeyArn',
      'LoggingConfig',
      'Role',
      'SnapStart',
      'TracingConfig',
      'VpcConfig',
    ]);
  });

  it('names a setting of the release that holds another value, and a layer list in another order', () => {
    expect(differences({ ...ours, MemorySize: 512, Environment: { Variables: { STAGE: 'prod' } } })).toEqual([
      'Environment',
      'MemorySize',
    ]);
    const two = [
      { Arn: 'arn:aws:lambda:us-east-1:1:layer:a:1' },
      { Arn: 'arn:aws:lambda:us-east-1:1:layer:b:1' },
    ];
    expect(
      differentSettings(settingsOf({ Layers: two }), settingsOf({ Layers: [...two].reverse() })),
    ).toEqual(['Layers']);
  });
});
