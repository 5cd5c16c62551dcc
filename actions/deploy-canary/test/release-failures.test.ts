import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { FaultRule } from '@lambda-release-kit/sandbox';
import {
  functionOnVersion1,
  handlers,
  plan,
  runDeploy,
  sandboxClients,
  servicePlan,
  sha256,
  startTestBed,
  zipSource,
  type TestBed,
} from './helpers.js';

let bed: TestBed;
let lambda: LambdaClient;
beforeAll(async () => {
  bed = await startTestBed();
  lambda = bed.clients.lambda;
});
afterEach(() => bed.sandbox.faults.clear());
afterAll(async () => {
  await bed.stop();
});

const aliasOf = async (name: string) =>
  (await lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }))).FunctionVersion;
const versionsOf = async (name: string) =>
  ((await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }))).Versions ?? []).map(
    (v) => v.Version,
  );
const settingsOf = async (name: string) => {
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  return {
    memory: config.MemorySize,
    timeout: config.Timeout,
    environment: config.Environment?.Variables ?? {},
  };
};
/** What functionOnVersion1 creates: Lambda's defaults. */
const BEFORE = { memory: 128, timeout: 3, environment: {} };
const CHANGE = { memorySize: 512, timeoutSeconds: 30, environment: { STAGE: 'staging' } };

/** Clients whose first request of `command` for `functionName` meets `fault` in the sandbox (a real HTTP answer). */
function clientsFaulting(command: string, functionName: string, fault: FaultRule) {
  const clients = sandboxClients(bed.sandbox);
  let armed = false;
  clients.lambda.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { FunctionName?: string };
      if (!armed && context.commandName === command && input.FunctionName === functionName) {
        armed = true;
        bed.sandbox.faults.add(fault);
      }
      return next(args);
    },
    { step: 'initialize', name: 'faultFor' },
  );
  return clients;
}

describe('a release that fails while changing $LATEST', () => {
  it('code Lambda refuses after a valid configuration: $LATEST gets its configuration back and the error says so', async () => {
    await functionOnVersion1(lambda, 'refused-code-fn', handlers.ok('v1'));
    const run = await runDeploy(
      bed.clients,
      plan(
        {
          functionName: 'refused-code-fn',
          strategy: 'all-at-once',
          source: { kind: 's3', bucket: 'artifacts', key: 'missing/v2.zip' },
          configuration: CHANGE,
        },
        bed.dir,
      ),
    );
    expect(run.error?.message).toMatch(/^updating the code of refused-code-fn failed: .*NoSuchKey/);
    expect(run.error?.message).toContain(
      '; the environment, memory, timeout of $LATEST of refused-code-fn were put back as they were before this deploy; alias live was not moved',
    );
    expect(await settingsOf('refused-code-fn')).toEqual(BEFORE);
    expect(await versionsOf('refused-code-fn')).toEqual(['$LATEST', '1']);
    expect(await aliasOf('refused-code-fn')).toBe('1');
  });

  it("two functions, Lambda refuses b's configuration: names b, the version left for a, and puts a's $LATEST back", async () => {
    await functionOnVersion1(lambda, 'pair-a', handlers.ok('a1'));
    await functionOnVersion1(lambda, 'pair-b', handlers.ok('b1'));
    // One at a time, so a is published before b is refused; every attempt of the SDK's retries is refused.
    const clients = clientsFaulting('UpdateFunctionConfigurationCommand', 'pair-b', {
      service: 'lambda',
      operation: 'UpdateFunctionConfiguration',
      kind: 'error',
      times: 3,
    });
    const run = await runDeploy(
      clients,
      servicePlan(
        [
          { functionName: 'pair-a', source: zipSource(handlers.ok('a2')), configuration: CHANGE },
          { functionName: 'pair-b', source: zipSource(handlers.ok('b2')), configuration: CHANGE },
        ],
        { strategy: 'all-at-once', concurrency: 1 },
        bed.dir,
      ),
    );
    clients.destroy();
    const message = run.error?.message ?? '';
    expect(message).toMatch(/^updating the configuration of pair-b failed: ServiceException/);
    expect(message).toContain(
      'version 2 of pair-a was published and is left as it is (published versions cannot change)',
    );
    expect(message).toContain(
      'the environment, memory, timeout of $LATEST of pair-a were put back as they were before this deploy',
    );
    expect(message).toContain('the configuration of $LATEST of pair-b was not changed');
    expect(message).toMatch(/no alias was moved$/);
    expect(await settingsOf('pair-a')).toEqual(BEFORE);
    expect(await settingsOf('pair-b')).toEqual(BEFORE);
    expect([await aliasOf('pair-a'), await aliasOf('pair-b')]).toEqual(['1', '1']);
  });

  it('a refused PublishVersion after both updates: configuration put back, the new code in $LATEST said', async () => {
    await functionOnVersion1(lambda, 'unpublished-fn', handlers.ok('v1'));
    const zip = handlers.ok('v2');
    const clients = clientsFaulting('PublishVersionCommand', 'unpublished-fn', {
      service: 'lambda',
      operation: 'PublishVersion',
      kind: 'error',
      times: 3,
    });
    const run = await runDeploy(
      clients,
      plan(
        {
          functionName: 'unpublished-fn',
          strategy: 'all-at-once',
          source: zipSource(zip),
          configuration: CHANGE,
        },
        bed.dir,
      ),
    );
    clients.destroy();
    const message = run.error?.message ?? '';
    expect(message).toMatch(/^publishing a version of unpublished-fn failed: ServiceException/);
    expect(message).toContain(
      `; the environment, memory, timeout of $LATEST of unpublished-fn were put back as they were before this deploy; ` +
        `$LATEST of unpublished-fn keeps this release's code (CodeSha256 ${sha256(zip)}), published as no version: ` +
        'no alias serves $LATEST, and the next deploy replaces it; alias live was not moved',
    );
    expect(await settingsOf('unpublished-fn')).toEqual(BEFORE);
    expect(await versionsOf('unpublished-fn')).toEqual(['$LATEST', '1']);
  });

  it('when putting the configuration back fails too, says what is left and the command that undoes it', async () => {
    await functionOnVersion1(lambda, 'stuck-fn', handlers.ok('v1'));
    // Refused code, then every attempt to put the configuration back is refused as well.
    const clients = clientsFaulting('UpdateFunctionCodeCommand', 'stuck-fn', {
      service: 'lambda',
      operation: ['UpdateFunctionCode', 'UpdateFunctionConfiguration'],
      kind: 'error',
    });
    const run = await runDeploy(
      clients,
      plan(
        {
          functionName: 'stuck-fn',
          strategy: 'all-at-once',
          source: zipSource(handlers.ok('v2')),
          configuration: CHANGE,
        },
        bed.dir,
      ),
    );
    clients.destroy();
    bed.sandbox.faults.clear();
    const message = run.error?.message ?? '';
    expect(message).toMatch(/^updating the code of stuck-fn failed: ServiceException/);
    expect(message).toContain(
      `putting back the configuration of $LATEST of stuck-fn failed (ServiceException: `,
    );
    const command = `aws lambda update-function-configuration --function-name stuck-fn --cli-input-json '{"MemorySize":128,"Timeout":3,"Environment":{"Variables":{}}}'`;
    expect(message).toContain(
      `$LATEST of stuck-fn still has this release's environment, memory, timeout; undo it with ${command}; alias live was not moved`,
    );
    expect(await settingsOf('stuck-fn')).toEqual({
      memory: 512,
      timeout: 30,
      environment: { STAGE: 'staging' },
    });
  });
});

describe('a release whose alias move fails', () => {
  it('names the operation and the function', async () => {
    await functionOnVersion1(lambda, 'move-a', handlers.ok('a1'));
    await functionOnVersion1(lambda, 'move-b', handlers.ok('b1'));
    const clients = clientsFaulting('UpdateAliasCommand', 'move-b', {
      service: 'lambda',
      operation: 'UpdateAlias',
      kind: 'error',
      times: 3,
    });
    const run = await runDeploy(
      clients,
      servicePlan(
        [
          { functionName: 'move-a', source: zipSource(handlers.ok('a2')) },
          { functionName: 'move-b', source: zipSource(handlers.ok('b2')) },
        ],
        { steps: [{ weight: 0.1, bakeMs: 60_000 }], concurrency: 1 },
        bed.dir,
      ),
    );
    clients.destroy();
    expect(run.error?.message).toMatch(
      /^moving alias live of move-b to 90% on version 1, 10% on version 2 \(UpdateAlias\) failed: ServiceException/,
    );
    expect(run.error?.message).toContain('the release was rolled back (move-a:live 2 → 1)');
    expect([await aliasOf('move-a'), await aliasOf('move-b')]).toEqual(['1', '1']);
  });
});
