import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  CheckDefinitionError,
  parseChecks,
  runChecks,
  toJsonReport,
  type SuiteResult,
} from '@lambda-release-kit/checks';
import { startSandbox, type Sandbox } from '@lambda-release-kit/sandbox';
import { parse } from 'yaml';
import { startApiServer, type ApiServer } from '../packages/checks/test/api-server.js';
import { deployTwoVersions, lambdaClient } from '../actions/smoke-test/test/sandbox-helpers.js';
import { newestMajor } from './newest-major.js';

// examples/docs/checks.md cannot drift from the check engine: every YAML example runs, through the engine's
// public functions, against a local API (https://api.example.com in the doc) and a sandbox function orders-api
// (versions 1 and 2); every field the parser accepts is documented; the JSON report example has the real shape.
const DOC = 'examples/docs/checks.md';
const markdown = readFileSync(join(import.meta.dirname, '..', DOC), 'utf8');
const ENV = { SMOKE_PASSWORD: 'correct horse battery staple', API_KEY: 'doc-example-key-1234' };

interface Example {
  line: number;
  text: string;
}

function fencedBlocks(language: string): Example[] {
  const block = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g');
  return [...markdown.matchAll(block)].map((match) => ({
    line: markdown.slice(0, match.index).split('\n').length,
    text: match[1] ?? '',
  }));
}

/** A workflow step (`uses:`) shows how to call the action; the others are check definitions. */
const isWorkflowStep = (text: string) => {
  const value = parse(text) as unknown;
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof first === 'object' && first !== null && 'uses' in first;
};

const yamlBlocks = fencedBlocks('yaml');
const checkExamples = yamlBlocks.filter((example) => !isWorkflowStep(example.text));
const workflowSteps = yamlBlocks.filter((example) => isWorkflowStep(example.text));

let api: ApiServer;
let sandbox: Sandbox;
let lambda: LambdaClient;

beforeAll(async () => {
  api = await startApiServer({ version: '8', pollsToComplete: 3 });
  sandbox = await startSandbox({ timeScale: 100 });
  lambda = lambdaClient(sandbox);
  await deployTwoVersions(lambda, 'orders-api');
}, 60_000);
afterAll(async () => {
  lambda.destroy();
  await sandbox.stop();
  await api.close();
});
beforeEach(() => api.reset());

async function run(text: string, file: string): Promise<SuiteResult> {
  const suite = parseChecks(text.replaceAll('https://api.example.com', api.url), { file });
  return runChecks(suite, { lambda, env: ENV, concurrency: 4, timeoutMs: 60_000 });
}

const failures = (result: SuiteResult) =>
  result.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.failure?.reason}`);

describe(DOC, () => {
  it('has check examples and workflow steps', () => {
    expect(checkExamples.length).toBeGreaterThanOrEqual(15);
    expect(workflowSteps.length).toBeGreaterThan(0);
  });

  for (const example of checkExamples) {
    it(`the example at line ${example.line} passes`, async () => {
      const result = await run(example.text, `${DOC} line ${example.line}`);
      expect(failures(result)).toEqual([]);
      expect(result.total).toBeGreaterThan(0);
    });
  }

  it.each(workflowSteps.map((step) => [step.line, step.text]))(
    'the workflow step at line %i uses the published smoke-test',
    (_line, text) => {
      const [step] = parse(text as string) as Array<{ uses: string; with: Record<string, string> }>;
      expect(step!.uses).toBe(`<owner>/lambda-release-kit/actions/smoke-test@${newestMajor()}`);
      const inputs = Object.keys(
        (
          parse(readFileSync(join(import.meta.dirname, '..', 'actions/smoke-test/action.yml'), 'utf8')) as {
            inputs: object;
          }
        ).inputs,
      );
      expect(Object.keys(step!.with).filter((input) => !inputs.includes(input))).toEqual([]);
    },
  );

  it('documents every field the parser accepts', () => {
    const documented = new Set(
      [...markdown.matchAll(/`([^`\n]+)`/g)].flatMap((match) => match[1]!.split(/[^\w-]+/)),
    );
    const accepted = PROBES.flatMap(acceptedFields);
    expect(accepted).toEqual(expect.arrayContaining(['name', 'request', 'status', 'capture', 'path', 'gte']));
    expect([...new Set(accepted)].filter((field) => !documented.has(field))).toEqual([]);
  });

  it('shows the JSON report with the keys a real report has', async () => {
    const result = await run(
      `
- name: health
  request: https://api.example.com/health
  expect: { version-from: header:x-app-version, version: '8' }
- flow: analysis
  steps:
    - name: the analysis completes
      request: https://api.example.com/analyses/an-1
      expect: { json: { $.status: completed } }
`,
      'report example',
    );
    const real = JSON.parse(toJsonReport(result)) as Report;
    const [shown] = fencedBlocks('json').map((block) => JSON.parse(block.text) as Report);
    expect(keys(shown!)).toEqual(keys(real));
    expect(shown!.checks.map(keys)).toEqual(real.checks.map(keys));
    expect(keys(shown!.checks[1]!.failure!)).toEqual(keys(real.checks[1]!.failure!));
  });
});

interface Report {
  checks: Array<{ failure?: object }>;
}
const keys = (value: object) => Object.keys(value).sort();

/** Definitions with an unknown field at each level of the language; the parser's refusal lists the known ones. */
const unknown = { 'zz-unknown': 1 };
const http = { name: 'a', request: 'http://localhost/' };
const PROBES: unknown[] = [
  { vars: {}, checks: [http], ...unknown },
  [{ flow: 'f', steps: [http], ...unknown }],
  [{ ...http, ...unknown }],
  [{ name: 'a', request: { url: 'http://localhost/', ...unknown } }],
  [{ name: 'a', invoke: { function: 'f', ...unknown } }],
  [{ ...http, expect: unknown }],
  [{ ...http, expect: { body: unknown } }],
  [{ ...http, expect: { json: [{ path: '$.a', ...unknown }] } }],
  [{ ...http, expect: { json: [{ path: '$.a', length: unknown }] } }],
  [{ ...http, capture: { value: { json: '$.a', ...unknown } } }],
  [{ ...http, retry: unknown }],
  [{ ...http, until: { status: 200, ...unknown } }],
];

function acceptedFields(definition: unknown): string[] {
  try {
    parseChecks(definition);
  } catch (error) {
    if (!(error instanceof CheckDefinitionError)) throw error;
    const known = error.problems
      .map((problem) => /zz-unknown is not a known field — expected one of (.+)$/.exec(problem)?.[1])
      .find((list) => list !== undefined);
    if (known) return known.split(', ');
  }
  throw new Error(`the parser did not refuse an unknown field in ${JSON.stringify(definition)}`);
}
