import type { DeploymentRecord } from './record.js';

/** Release metadata from the runner's GITHUB_* variables (absent ones are left out). */
export function releaseContext(env: NodeJS.ProcessEnv = process.env): DeploymentRecord['release'] {
  const ref = env.GITHUB_REF || undefined;
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  return {
    tag: ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined,
    commit: env.GITHUB_SHA ? env.GITHUB_SHA.slice(0, 12) : undefined,
    ref,
    actor: env.GITHUB_ACTOR || undefined,
    runUrl,
  };
}

/** The commit's web address, when the runner tells us the repository. */
export function commitUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA
    ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/commit/${env.GITHUB_SHA}`
    : undefined;
}
