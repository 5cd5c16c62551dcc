import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputVariable, readFileCommands } from './runner-files.js';

export interface InProcessRun {
  /** Outputs parsed from GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** GITHUB_OUTPUT as written, byte for byte. */
  outputFile: string;
  summary: string;
  /** Everything run() wrote to stdout, workflow commands still escaped. */
  log: string;
  exitCode: number | string | undefined;
}

/**
 * Runs an action's run() in this process the way the runner starts its bundle: inputs as INPUT_* variables,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files in `dir` (emptied first: @actions/core keeps the summary path of
 * its first use), RUNNER_TEMP = `dir`, stdout captured. The variables are restored afterwards; process.exitCode is
 * left as run() set it, as the runner would see it, for the test to reset.
 */
export async function runInProcess(
  run: () => Promise<void>,
  inputs: Record<string, string>,
  options: { dir: string; env?: Record<string, string> },
): Promise<InProcessRun> {
  const outputFile = join(options.dir, 'github-output');
  const summaryFile = join(options.dir, 'step-summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const variables: Record<string, string> = {
    RUNNER_TEMP: options.dir,
    ...options.env,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputVariable(name), value])),
  };
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0) as typeof write;
  // Each run starts with a clean exit code, like a new process.
  process.exitCode = undefined;
  try {
    await run();
  } finally {
    process.stdout.write = write;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return {
    outputs: readFileCommands(outputFile),
    outputFile: readFileSync(outputFile, 'utf8'),
    summary: readFileSync(summaryFile, 'utf8'),
    log: chunks.join(''),
    exitCode: process.exitCode,
  };
}
