import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import {
  AwsClients,
  describeAlias,
  listPublishedVersions,
  readAlias,
  resolveRegion,
  updateAlias,
  waitForFunctionUpdated,
} from '@lambda-release-kit/core';

// The SDK's own serializers talk to nock through the standard endpoint variable.
const ENDPOINT = 'http://aws.test';
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: ENDPOINT,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret-test',
    AWS_REGION: 'eu-west-1',
  });
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => {
  process.env = saved;
  nock.enableNetConnect();
});

const clients = () => new AwsClients({ action: 'deploy-canary', maxAttempts: 3 }).lambda;

describe('AwsClients', () => {
  it('resolves the region from the input, then the environment, else explains', () => {
    expect(resolveRegion('us-east-2', {})).toBe('us-east-2');
    expect(resolveRegion(undefined, { AWS_DEFAULT_REGION: 'ap-south-1' })).toBe('ap-south-1');
    expect(() => resolveRegion(undefined, {})).toThrow("no AWS region: set the 'region' input or AWS_REGION");
  });

  it('uses AWS_ENDPOINT_URL, names the action in the user agent and retries throttling', async () => {
    const agents: string[] = [];
    nock(ENDPOINT)
      .get('/2015-03-31/functions/orders-api/aliases/live')
      .reply(function () {
        agents.push(String(this.req.headers['user-agent']));
        return [
          429,
          { message: 'Rate exceeded', Type: 'User' },
          { 'x-amzn-errortype': 'TooManyRequestsException' },
        ];
      })
      .get('/2015-03-31/functions/orders-api/aliases/live')
      .reply(200, { Name: 'live', FunctionVersion: '7', RevisionId: 'r1', AliasArn: 'arn:alias' });
    const alias = await readAlias(clients(), 'orders-api', 'live');
    expect(alias).toEqual({ name: 'live', arn: 'arn:alias', version: '7', weights: {}, revisionId: 'r1' });
    expect(agents[0]).toContain('lambda-release-kit/0.1.0');
    expect(agents[0]).toContain('action/deploy-canary');
    expect(nock.isDone()).toBe(true);
  });
});

describe('Lambda helpers', () => {
  it('reads a missing alias as undefined but rethrows other errors', async () => {
    nock(ENDPOINT)
      .get('/2015-03-31/functions/orders-api/aliases/live')
      .reply(404, { message: 'Alias not found' }, { 'x-amzn-errortype': 'ResourceNotFoundException' })
      .get('/2015-03-31/functions/orders-api/aliases/live')
      .reply(403, { message: 'not allowed' }, { 'x-amzn-errortype': 'AccessDeniedException' });
    await expect(readAlias(clients(), 'orders-api', 'live')).resolves.toBeUndefined();
    await expect(readAlias(clients(), 'orders-api', 'live')).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('sends the RevisionId guard and cleared weights when moving an alias', async () => {
    let body: unknown;
    nock(ENDPOINT)
      .put('/2015-03-31/functions/orders-api/aliases/live', (sent) => {
        body = sent;
        return true;
      })
      .reply(200, {
        Name: 'live',
        FunctionVersion: '8',
        RevisionId: 'r2',
        RoutingConfig: { AdditionalVersionWeights: {} },
      });
    const state = await updateAlias(clients(), {
      functionName: 'orders-api',
      alias: 'live',
      version: '8',
      revisionId: 'r1',
    });
    expect(body).toEqual({
      FunctionVersion: '8',
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: 'r1',
    });
    expect(describeAlias(state)).toBe('100% on version 8');
    expect(describeAlias({ ...state, version: '7', weights: { '8': 0.1 } })).toBe(
      '90% on version 7, 10% on version 8',
    );
  });

  it('retries UpdateAlias while another update of the function is in progress (409), then gives up', async () => {
    const conflict = [
      409,
      { message: 'An update is in progress' },
      { 'x-amzn-errortype': 'ResourceConflictException' },
    ] as const;
    nock(ENDPOINT)
      .put('/2015-03-31/functions/orders-api/aliases/live')
      .reply(...conflict)
      .put('/2015-03-31/functions/orders-api/aliases/live')
      .reply(200, { Name: 'live', FunctionVersion: '7', RevisionId: 'r3' });
    const moved = await updateAlias(clients(), {
      functionName: 'orders-api',
      alias: 'live',
      version: '7',
      revisionId: 'r2',
    });
    expect(moved.revisionId).toBe('r3');
    expect(nock.isDone()).toBe(true);

    nock(ENDPOINT)
      .put('/2015-03-31/functions/orders-api/aliases/live')
      .times(4)
      .reply(...conflict);
    await expect(
      updateAlias(clients(), { functionName: 'orders-api', alias: 'live', version: '7', revisionId: 'r2' }),
    ).rejects.toMatchObject({ name: 'ResourceConflictException' });
    expect(nock.isDone()).toBe(true);
  });

  it('lists published versions across pages, without $LATEST, oldest first', async () => {
    nock(ENDPOINT)
      .get('/2015-03-31/functions/orders-api/versions')
      .reply(200, { Versions: [{ Version: '$LATEST' }, { Version: '10' }], NextMarker: 'page2' })
      .get('/2015-03-31/functions/orders-api/versions')
      .query({ Marker: 'page2' })
      .reply(200, { Versions: [{ Version: '2' }, { Version: '9' }] });
    const versions = await listPublishedVersions(clients(), 'orders-api');
    expect(versions.map((v) => v.Version)).toEqual(['2', '9', '10']);
  });

  it('waits for LastUpdateStatus to leave InProgress and reports a failed update', async () => {
    const config = (status: string, extra = {}) => ({
      Configuration: { FunctionName: 'orders-api', State: 'Active', LastUpdateStatus: status, ...extra },
    });
    nock(ENDPOINT)
      .get('/2015-03-31/functions/orders-api')
      .reply(200, config('InProgress'))
      .get('/2015-03-31/functions/orders-api')
      .reply(200, config('Successful', { CodeSha256: 'sha' }));
    const lines: string[] = [];
    const done = await waitForFunctionUpdated(clients(), 'orders-api', {
      timeoutMs: 5_000,
      onProgress: (l) => lines.push(l),
    });
    expect(done.CodeSha256).toBe('sha');
    expect(lines[0]).toContain('State Active, LastUpdateStatus InProgress');

    nock(ENDPOINT)
      .get('/2015-03-31/functions/orders-api')
      .reply(
        200,
        config('Failed', {
          LastUpdateStatusReasonCode: 'InvalidImage',
          LastUpdateStatusReason: 'image not found',
        }),
      );
    await expect(waitForFunctionUpdated(clients(), 'orders-api', { timeoutMs: 5_000 })).rejects.toThrow(
      'the update of orders-api failed: InvalidImage: image not found',
    );
  });
});
