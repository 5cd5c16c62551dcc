import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import nock from 'nock';
import { loadCodedeployClient } from '@lambda-release-kit/core/codedeploy-client';

const ENDPOINT = 'http://codedeploy.test';
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: ENDPOINT,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret-test',
  });
  nock.disableNetConnect();
});
afterAll(() => {
  process.env = saved;
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('loadCodedeployClient', () => {
  it("builds CodeDeploy's client with the shared settings: region input, user agent, retries", async () => {
    const seen: { agent: string; target: string; authorization: string }[] = [];
    nock(ENDPOINT)
      .post('/')
      .reply(function () {
        seen.push({
          agent: String(this.req.headers['user-agent']),
          target: String(this.req.headers['x-amz-target']),
          authorization: String(this.req.headers.authorization),
        });
        return [503, { __type: 'ServiceUnavailableException', message: 'busy' }];
      })
      .post('/')
      .reply(200, { deploymentInfo: { deploymentId: 'd-ABC123', status: 'Succeeded' } });
    const client = await loadCodedeployClient({ action: 'rollback-on-failure', region: 'eu-central-1' });
    const answer = await client.send(new GetDeploymentCommand({ deploymentId: 'd-ABC123' }));
    expect(answer.deploymentInfo?.status).toBe('Succeeded');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.target).toBe('CodeDeploy_20141006.GetDeployment');
    expect(seen[0]?.agent).toContain('action/rollback-on-failure');
    expect(seen[0]?.authorization).toContain('/eu-central-1/codedeploy/');
    expect(nock.isDone()).toBe(true);
  });
});
