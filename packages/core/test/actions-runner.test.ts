import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  cancellationSignal,
  CancelledError,
  consoleLogger,
  InputError,
  MemoryLogger,
  pause,
} from '@lambda-release-kit/core';
import { maskSecrets, runAction, setOutputs, writeSummary } from '@lambda-release-kit/core/runner';
import { runInProcess } from '@lambda-release-kit/core/testing';

// The runner's files, as the runner sets them up for a step.
let dir: string;
let firstSummary: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'report-'));
  for (const file of ['output', 'summary']) writeFileSync(join(dir, file), '');
  process.env.GITHUB_OUTPUT = join(dir, 'output');
  process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary');
  process.exitCode = undefined;
});
afterEach(() => {
  process.env = { ...saved };
  process.exitCode = undefined;
});

describe('reporting to the runner', () => {
  it('writes defined outputs as text and skips undefined ones', () => {
    setOutputs({ status: 'promoted', 'duration-ms': 1234, 'rolled-back': false, 'deployment-id': undefined });
    const text = readFileSync(join(dir, 'output'), 'utf8');
    expect(text).toMatch(/^status<<ghadelimiter_[\w-]+\npromoted\n/m);
    expect(text).toContain('\n1234\n');
    expect(text).toContain('\nfalse\n');
    expect(text).not.toContain('deployment-id');
  });

  it('writes a job summary with a facts table and extra tables', async () => {
    await writeSummary(
      'deploy-canary: promoted',
      [['Function', 'orders-api']],
      [{ caption: 'Steps', header: ['weight', 'verdict'], rows: [['10%', 'healthy']] }],
    );
    firstSummary = join(dir, 'summary');
    const html = readFileSync(firstSummary, 'utf8');
    expect(html).toContain('<h3>deploy-canary: promoted</h3>');
    expect(html).toContain('<td>orders-api</td>');
    expect(html).toContain('<h4>Steps</h4>');
    expect(html).toContain('<th>verdict</th>');
  });

  // The toolkit keeps the summary file of its first write: this test appends to the one above.
  it('escapes every summary value and masks registered secrets in it', async () => {
    maskSecrets('SUMMARY-SECRET-1');
    await writeSummary(
      'smoke <b>test</b>',
      [['Reason', 'got "<script>" & SUMMARY-SECRET-1']],
      [{ caption: 'A & B', header: ['Check <name>'], rows: [['List <orders> & totals']] }],
    );
    const html = readFileSync(firstSummary, 'utf8');
    expect(html).toContain('<h3>smoke &lt;b&gt;test&lt;/b&gt;</h3>');
    expect(html).toContain('<td>got &quot;&lt;script&gt;&quot; &amp; ***</td>');
    expect(html).toContain('<h4>A &amp; B</h4>');
    expect(html).toContain('<th>Check &lt;name&gt;</th>');
    expect(html).toContain('<td>List &lt;orders&gt; &amp; totals</td>');
    expect(html).not.toContain('SUMMARY-SECRET-1');
  });

  it('masks registered secrets in outputs and in the ::error:: line', async () => {
    const run = await runInProcess(
      async () => {
        maskSecrets('OUTPUT-SECRET-2');
        setOutputs({ failed: 'answer was OUTPUT-SECRET-2' });
        await runAction('notify', async () => {
          throw new Error('server said OUTPUT-SECRET-2');
        });
      },
      {},
      { dir },
    );
    expect(run.outputFile).toContain('\nanswer was ***\n');
    expect(run.log).toContain('::error::notify: server said ***');
  });

  it('turns a thrown error into one ::error:: line with the action name and exit code 1', async () => {
    const run = await runInProcess(
      () =>
        runAction('deploy-canary', async () => {
          throw new InputError(
            `input 'alias' has "$LATEST" — expected a published alias\n::set-output name=x::y`,
          );
        }),
      {},
      { dir },
    );
    expect(run.exitCode).toBe(1);
    expect(run.log.trim().split('\n')).toHaveLength(1);
    expect(run.log).toMatch(/^::error::deploy-canary: input 'alias' has "\$LATEST"/);
  });
});

describe('cancellation', () => {
  it('aborts on SIGTERM and stops listening once disposed', async () => {
    const { signal, dispose } = cancellationSignal();
    process.emit('SIGTERM', 'SIGTERM');
    expect(signal.aborted).toBe(true);
    await expect(pause(10_000, signal)).rejects.toBeInstanceOf(CancelledError);
    dispose();
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('aborts when the timeout passes', async () => {
    const { signal, dispose } = cancellationSignal(20);
    await expect(pause(5_000, signal)).rejects.toBeInstanceOf(CancelledError);
    dispose();
  });
});

describe('loggers', () => {
  it('keeps lines in memory, groups included', async () => {
    const logger = new MemoryLogger();
    const value = await logger.group('Publish', async () => {
      logger.info('published version 8');
      logger.warning('slow');
      return 8;
    });
    expect(value).toBe(8);
    expect(logger.text()).toBe('[Publish]\npublished version 8\nwarning: slow');
  });

  it('prints plain lines on a terminal', async () => {
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await consoleLogger.group('Rollback', async () => consoleLogger.info('alias live restored'));
      expect(spy.mock.calls.map((call) => call[0])).toEqual(['== Rollback', 'alias live restored']);
    } finally {
      spy.mockRestore();
    }
  });
});
