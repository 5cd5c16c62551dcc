import { parseVersionDescription, releaseContext } from '@lambda-release-kit/core';

/** The GitHub Actions run a rollback belongs to, as deploy-canary names it in the descriptions of its versions. */
export interface WorkflowRun {
  /** The run's address, `<server>/<repository>/actions/runs/<GITHUB_RUN_ID>`. */
  url: string;
  /** GITHUB_RUN_ATTEMPT, when the runner gives it. */
  attempt?: string | undefined;
}

/** This run, from the runner's variables; undefined outside a workflow run (a terminal). */
export function workflowRun(env: NodeJS.ProcessEnv): WorkflowRun | undefined {
  const url = releaseContext(env).runUrl;
  return url ? { url, attempt: env.GITHUB_RUN_ATTEMPT || undefined } : undefined;
}

/**
 * True when a version's description (core's version-description format) names this run: its address exactly (run
 * 42 is not run 4242), and, when the description names an attempt (`.../attempts/2`), this attempt.
 */
export function namesRun(description: string | undefined, run: WorkflowRun): boolean {
  const named = parseVersionDescription(description);
  if (named.runUrl !== run.url) return false;
  return named.attempt === undefined || run.attempt === undefined || named.attempt === run.attempt;
}
