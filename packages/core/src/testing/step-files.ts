import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputVariable, readFileCommands } from './runner-files.js';

/** The files the runner gives one action step, in its temp folder. */
export interface StepFiles {
  dir: string;
  output: string;
  summary: string;
}

/**
 * The environment the runner gives an action step: its inputs as INPUT_* variables, empty GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files in `dir` (emptied again for each step), and RUNNER_TEMP = `dir`.
 */
export function stepEnvironment(
  dir: string,
  inputs: Record<string, string>,
): { files: StepFiles; env: Record<string, string> } {
  const files = { dir, output: join(dir, 'github-output'), summary: join(dir, 'step-summary') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: Record<string, string> = {
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
  };
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  return { files, env };
}

/** What a step left in its files: the outputs parsed, GITHUB_OUTPUT byte for byte, and the job summary. */
export function readStepFiles(files: StepFiles): {
  outputs: Record<string, string>;
  outputFile: string;
  summary: string;
} {
  return {
    outputs: readFileCommands(files.output),
    outputFile: existsSync(files.output) ? readFileSync(files.output, 'utf8') : '',
    summary: existsSync(files.summary) ? readFileSync(files.summary, 'utf8') : '',
  };
}
