import { readStepFiles, stepEnvironment } from './step-files.js';

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
 * Runs an action's run() in this process the way the runner starts its bundle (see stepEnvironment), with `env`
 * added (it wins, e.g. for another RUNNER_TEMP) and stdout captured. The variables are restored afterwards;
 * process.exitCode is left as run() set it, as the runner would see it, for the test to reset. Keep `dir` the
 * same across the runs of one test file: @actions/core keeps the summary path of its first use.
 */
export async function runInProcess(
  run: () => Promise<void>,
  inputs: Record<string, string>,
  options: { dir: string; env?: Record<string, string> },
): Promise<InProcessRun> {
  const step = stepEnvironment(options.dir, inputs);
  const variables = { ...step.env, ...options.env };
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
  return { ...readStepFiles(step.files), log: chunks.join(''), exitCode: process.exitCode };
}

/** One output of a run, or an error naming the outputs it did set. */
export function requiredOutput(outputs: Record<string, string>, name: string): string {
  const value = outputs[name];
  if (value === undefined)
    throw new Error(`the run set no output '${name}' (it set: ${Object.keys(outputs).join(', ') || 'none'})`);
  return value;
}
