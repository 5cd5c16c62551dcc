import type { SandboxEnv } from '@lambda-release-kit/sandbox';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runnerEnv, timeProcess, type Finished } from './processes.js';

/**
 * Runs one `aws` command against the sandbox the way a careful shell script would: explicit endpoint, no pager,
 * bounded timeouts, credentials from the environment and an empty home (no ~/.aws profile to read).
 */
export async function runAwsCli(awsCli: string, sandboxEnv: SandboxEnv, args: string[]): Promise<Finished> {
  const home = mkdtempSync(join(tmpdir(), 'bench-aws-home-'));
  const finished = await timeProcess(
    awsCli,
    [
      '--endpoint-url',
      sandboxEnv.AWS_ENDPOINT_URL,
      ...args,
      '--cli-read-timeout',
      '10',
      '--cli-connect-timeout',
      '5',
      '--no-cli-pager',
      '--output',
      'json',
    ],
    { env: { ...runnerEnv(sandboxEnv), HOME: home, AWS_PAGER: '' }, timeoutMs: 60_000 },
  );
  if (finished.code !== 0)
    throw new Error(`aws ${args.join(' ')} failed (${finished.code}): ${finished.stderr}`);
  return finished;
}
