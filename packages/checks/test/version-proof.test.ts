import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CheckDefinitionError,
  parseChecks,
  runChecks,
  toJUnitXml,
  toRecordSummary,
  type RunDependencies,
} from '../src/index.js';
import { startApiServer, type ApiServer } from './api-server.js';

// The API server reports its version ("8") only in x-app-version, a header no default reads: like an endpoint on
// AWS, whose answers carry no version unless the function sets one where the check is told to look.
let api: ApiServer;
beforeAll(async () => {
  api = await startApiServer({ version: '8' });
});
afterAll(() => api.close());

const run = (checks: Array<Record<string, unknown>>, deps: RunDependencies) =>
  runChecks(parseChecks({ 'base-url': api.url, checks }), deps);

describe('HTTP version proof', () => {
  it('passes an answer that reports no version as "not proven", in the result, the record and the report', async () => {
    const result = await run([{ name: 'health', request: '/health' }], { expectVersion: '8' });
    expect(result.passed).toBe(true);
    const [check] = result.checks;
    expect(check?.executedVersion).toBeUndefined();
    expect(check?.version).toMatchObject({ outcome: 'not proven', expected: '8' });
    const summary = toRecordSummary(result, new Date('2026-12-01T00:00:00Z'));
    expect(summary).toMatchObject({ passed: 1, failed: 0, total: 1 });
    expect(summary.unproven).toEqual([
      expect.stringMatching(
        /^health: version not proven: the answer reported no version, expected 8: .*version-from/,
      ),
    ]);
    expect(toJUnitXml(result)).toContain('version not proven: the answer reported no version');
  });

  it('proves the version where version-from says, and fails an answer from another version', async () => {
    const proven = await run(
      [{ name: 'health', request: '/health', expect: { 'version-from': 'header:x-app-version' } }],
      { expectVersion: '8' },
    );
    expect(proven.checks[0]?.version).toMatchObject({ outcome: 'proven', expected: '8' });
    expect(toRecordSummary(proven).unproven).toBeUndefined();

    const other = await run(
      [{ name: 'health', request: '/health', expect: { 'version-from': 'header:x-app-version' } }],
      { expectVersion: '9' },
    );
    expect(other.checks[0]?.passed).toBe(false);
    expect(other.checks[0]?.failure?.reason).toBe('answered by version 8, expected version 9');
    expect(other.checks[0]?.version?.outcome).toBe('other version');
  });

  it('fails, naming where it looked, when proof was asked for and the answer reports none', async () => {
    const named = await run(
      [{ name: 'health', request: '/health', expect: { 'version-from': 'header:x-function-version' } }],
      { expectVersion: '8' },
    );
    expect(named.checks[0]?.failure?.reason).toBe(
      'answered with no x-function-version header (version-from: header:x-function-version), expected version 8',
    );
    const own = await run([{ name: 'health', request: '/health', expect: { version: '8' } }], {});
    expect(own.checks[0]?.failure?.reason).toBe(
      'answered with no version (none of the headers x-amz-executed-version, x-executed-version, x-function-version; name where the function reports it with version-from, e.g. header:x-function-version), expected version 8',
    );
  });

  it("in a release of several functions, checks a `function:`'s new version and says which checks were not checked", async () => {
    const targets = new Map([
      ['api', '8'],
      ['worker', '3'],
    ]);
    const deps: RunDependencies = {
      expectFunctionVersion: (name) => targets.get(name),
      releaseFunctions: ['api', 'arn:aws:lambda:us-east-1:123456789012:function:worker'],
    };
    const fromHeader = { 'version-from': 'header:x-app-version' };
    const result = await run(
      [
        { name: 'api health', function: 'api', request: '/health', expect: fromHeader },
        { name: 'worker health', function: 'worker', request: '/health', expect: fromHeader },
        { name: 'anyone', request: '/health', expect: fromHeader },
      ],
      deps,
    );
    expect(result.checks.map((check) => [check.name, check.passed, check.version?.outcome])).toEqual([
      ['api health', true, 'proven'],
      ['worker health', false, 'other version'],
      ['anyone', true, 'not checked'],
    ]);
    expect(result.checks[1]?.failure?.reason).toBe('answered by version 8, expected version 3');
    expect(toRecordSummary(result).unproven).toEqual([
      'anyone: version not checked: the release has several functions and this check names none (give it `function: <name>`)',
    ]);

    await expect(
      run([{ name: 'billing health', function: 'billing', request: '/health' }], deps),
    ).rejects.toThrow(
      'check "billing health": function "billing" is not a function of the release — expected one of api, worker',
    );
  });

  it('refuses `function:` on an invoke check and a templated one', () => {
    const problems = (checks: unknown[]) => {
      try {
        parseChecks(checks);
      } catch (error) {
        return (error as CheckDefinitionError).problems;
      }
      throw new Error('expected the checks to be refused');
    };
    expect(problems([{ name: 'a', function: 'api', invoke: { function: 'api' } }])).toEqual([
      'check "a": function is for HTTP checks — an invoke check tests the function it invokes',
    ]);
    expect(problems([{ name: 'b', function: '{{ fn }}', request: 'http://x/' }])).toEqual([
      'check "b": function has "{{ fn }}" — expected the name of a function of the release, like orders-api (no templates)',
    ]);
  });
});
