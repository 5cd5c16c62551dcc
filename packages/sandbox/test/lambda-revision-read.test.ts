import { describe, expect, it } from '@jest/globals';
import { CodeStore } from '../src/lambda/code-source.js';
import { FunctionStore } from '../src/lambda/functions.js';
import { functionConfiguration } from '../src/lambda/wire.js';
import { ObjectStore } from '../src/object-store.js';
import { ROLE, esmHandler } from './helpers.js';

const UPDATE_DELAY_MS = 1000;

describe('a read of $LATEST while its update finishes', () => {
  it('answers Successful only with the RevisionId the function has once the update finished', () => {
    let time = 0;
    const store = new FunctionStore({
      clock: { scale: 1, now: () => time, sleep: async () => undefined },
      code: new CodeStore(new ObjectStore()),
      updateDelayMs: UPDATE_DELAY_MS,
      accountId: '123456789012',
      region: 'us-east-1',
    });
    const zip = (label: string) => Buffer.from(esmHandler(label)).toString('base64');
    store.create({
      FunctionName: 'torn-fn',
      Role: ROLE,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { ZipFile: zip('v1') },
    });
    time += UPDATE_DELAY_MS;
    store.updateCode('torn-fn', { ZipFile: zip('v2') });
    time += UPDATE_DELAY_MS - 1;
    const { fn, version } = store.resolve('torn-fn', undefined);
    // The update finishes between the lookup and the answer (a busy machine, or a fast sandbox clock).
    time += 2;
    const answer = functionConfiguration(store, fn, version);
    expect(answer.LastUpdateStatus).toBe('Successful');
    const published = store.publish('torn-fn', { RevisionId: answer.RevisionId as string });
    expect(published.version).toBe('1');
  });
});
