import { releaseContext } from '@lambda-release-kit/core';

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
 * True when a version's description names this run: its address as a whole word (run 42 is not run 4242), and,
 * when the description names an attempt (`.../attempts/2`), this attempt.
 */
export function namesRun(description: string | undefined, run: WorkflowRun): boolean {
  if (!description) return false;
  const escaped = run.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`${escaped}(/attempts/(\\d+))?(?=$|\\s)`).exec(description);
  if (!found) return false;
  const attempt = found[2];
  return attempt === undefined || run.attempt === undefined || attempt === run.attempt;
}
