export type { Answer } from './answer.js';
export { formatStatus } from './assertions.js';
export { formatMs, parseDuration } from './duration.js';
export {
  CheckDefinitionError,
  parseChecks,
  parseChecksFile,
  parseErrorRate,
  type CheckOrigin,
} from './parse.js';
export {
  toJsonReport,
  toJUnitXml,
  toRecordSummary,
  unprovenLines,
  type CheckResultSummary,
} from './report.js';
export { DEFAULT_CONCURRENCY, describeFailure, runChecks } from './run.js';
export { VERSION_HEADERS } from './version-proof.js';
export * from './types.js';
export { validateSuite } from './validate.js';
