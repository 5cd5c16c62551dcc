/**
 * The runner adapter: the only code that talks to the GitHub Actions runner (@actions/core). Everything else in
 * core is plain domain code that any host (an action, a CLI, a test) can call.
 */
export * from './actions-runner.js';
export * from './release-action.js';
