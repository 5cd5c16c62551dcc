/** The runner test kit: run an action as the runner does and read what it left (tests, demo, benchmarks only). */
export * from './runner-files.js';
export * from './step-files.js';
export * from './run-in-process.js';
export {
  runWorkflow,
  type EnvironmentSettings,
  type JobRun,
  type LogLine,
  type Result as StepResult,
  type RunOptions as WorkflowRunOptions,
  type StepRun,
  type WorkflowEvent,
} from './workflow-runner.js';
export { condition, evaluate, interpolate } from './expressions.js';
export { v1RecordJson } from './v1-record.js';
