import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  condition,
  evaluate,
  interpolate,
  runWorkflow,
  type LogLine,
} from '@lambda-release-kit/core/testing';

const ok = { success: () => true, failure: () => false, cancelled: () => false };
const failed = { success: () => false, failure: () => true, cancelled: () => false };

describe('expressions', () => {
  const context = {
    needs: {
      deploy: { result: 'failure', outputs: { record: '{"a":1}' } },
      rollback: { result: 'skipped', outputs: {} },
    },
    inputs: { 'skip-canary': true, reason: '' },
    github: { ref_name: 'v1.2.0' },
  };

  it('reads paths, compares case-insensitively and returns operands from && and ||', () => {
    expect(evaluate("needs.deploy.result == 'FAILURE'", context, ok)).toBe(true);
    expect(evaluate("inputs.reason || 'none given'", context, ok)).toBe('none given');
    expect(evaluate('inputs.version || github.ref_name', context, ok)).toBe('v1.2.0');
    expect(
      evaluate(
        "needs.rollback.result == 'success' && 'rolled-back' || needs.deploy.result == 'success' && 'success' || 'failure'",
        context,
        ok,
      ),
    ).toBe('failure');
    expect(evaluate('!(inputs.skip-canary)', context, ok)).toBe(false);
    expect(
      interpolate('tag ${{ github.ref_name }} record ${{ needs.deploy.outputs.record }}', context, ok),
    ).toBe('tag v1.2.0 record {"a":1}');
  });

  it('adds the implicit success() unless a status function is used', () => {
    expect(condition(undefined, context, failed)).toBe(false);
    expect(condition("github.ref_name == 'v1.2.0'", context, failed)).toBe(false);
    expect(condition('failure()', context, failed)).toBe(true);
    expect(condition('${{ always() }}', context, failed)).toBe(true);
    expect(() => evaluate('hashFiles(x)', context, ok)).toThrow('unsupported function hashFiles()');
  });
});

describe('runWorkflow', () => {
  it('runs jobs in needs order with failure()/always() conditions, outputs of failed steps, artifacts and masks', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runner-test-'));
    mkdirSync(join(root, 'actions', 'echo'), { recursive: true });
    writeFileSync(
      join(root, 'actions', 'echo', 'action.yml'),
      "name: echo\ninputs:\n  word: { default: 'hello' }\n  secret: { default: '' }\nruns: { using: node24, main: main.mjs }\n",
    );
    writeFileSync(
      join(root, 'actions', 'echo', 'main.mjs'),
      `import { appendFileSync } from 'node:fs';
       const word = process.env['INPUT_WORD'];
       console.log('::add-mask::' + process.env['INPUT_SECRET']);
       console.log('saying ' + word + ' with ' + process.env['INPUT_SECRET']);
       appendFileSync(process.env.GITHUB_OUTPUT, 'said<<EOF\\n' + word + '\\nEOF\\n');
       if (word === 'fail') { console.log('::error::asked to fail'); process.exitCode = 1; }`,
    );
    const workflow = join(root, 'workflow.yml');
    writeFileSync(
      workflow,
      `on: push
jobs:
  build:
    outputs: { said: '\${{ steps.speak.outputs.said }}' }
    steps:
      - run: mkdir -p out && echo record > out/r.json
      - uses: actions/upload-artifact@sha
        if: always()
        with: { name: rec, path: out/r.json }
      - id: speak
        uses: ./actions/echo
        with: { word: fail, secret: '\${{ secrets.TOKEN }}' }
      - run: echo never
  rollback:
    needs: build
    if: failure()
    steps:
      - uses: actions/download-artifact@sha
        with: { name: rec, path: got }
      - run: test "$(cat got/r.json)" = record && echo "got \${{ needs.build.outputs.said }}"
  notify:
    needs: [build, rollback]
    if: always()
    steps:
      - uses: ./actions/echo
  skipped:
    needs: build
    steps:
      - run: echo should not run
`,
    );
    const lines: LogLine[] = [];
    const runs = await runWorkflow({
      workflowFile: workflow,
      event: { name: 'push', ref: 'refs/tags/v1.0.0' },
      env: { PATH: process.env.PATH },
      secrets: { TOKEN: 'tok-s3cr3t' },
      nodeBinary: process.execPath,
      repoRoot: root,
      onLine: (line) => lines.push(line),
    });
    expect(runs.build?.result).toBe('failure');
    expect(runs.build?.outputs.said).toBe('fail');
    expect(runs.build?.steps.map((s) => s.outcome)).toEqual(['success', 'success', 'failure']);
    expect(runs.rollback?.result).toBe('success');
    expect(runs.notify?.result).toBe('success');
    expect(runs.skipped?.result).toBe('skipped');
    const text = lines.map((l) => l.text).join('\n');
    expect(text).toContain('got fail');
    expect(text).toContain('asked to fail');
    expect(text).toContain('saying fail with ***');
    expect(text).not.toContain('tok-s3cr3t');
    expect(text).not.toContain('should not run');
  });

  it("gives a job its environment's variables and process environment; its if: sees the repository's", async () => {
    const root = mkdtempSync(join(tmpdir(), 'runner-test-'));
    const workflow = join(root, 'workflow.yml');
    writeFileSync(
      workflow,
      `on: push
jobs:
  staging:
    environment: staging
    if: vars.TARGET == 'repository'
    outputs: { said: '\${{ steps.say.outputs.said }}' }
    steps:
      - id: say
        run: echo "said=\${{ vars.TARGET }} $AWS_ENDPOINT_URL" >> "$GITHUB_OUTPUT"
  production:
    needs: staging
    environment: { name: production, url: 'https://example.com' }
    outputs: { said: '\${{ steps.say.outputs.said }}' }
    steps:
      - id: say
        run: echo "said=\${{ vars.TARGET }} $AWS_ENDPOINT_URL" >> "$GITHUB_OUTPUT"
`,
    );
    const runs = await runWorkflow({
      workflowFile: workflow,
      event: { name: 'push', ref: 'refs/tags/v1.0.0' },
      env: { PATH: process.env.PATH, AWS_ENDPOINT_URL: 'http://repository' },
      vars: { TARGET: 'repository' },
      environments: {
        staging: { vars: { TARGET: 'staging' }, env: { AWS_ENDPOINT_URL: 'http://staging' } },
        production: { vars: { TARGET: 'production' }, env: { AWS_ENDPOINT_URL: 'http://production' } },
      },
      nodeBinary: process.execPath,
      repoRoot: root,
    });
    expect(runs.staging?.outputs.said).toBe('staging http://staging');
    expect(runs.production?.outputs.said).toBe('production http://production');
  });
});
