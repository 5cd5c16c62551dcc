import { RECORD_SCHEMA_V1, type DeploymentRecord } from '../record.js';

/**
 * A release of one function as a v1 record (its function, alias and versions at the top), the JSON releases made
 * before schema v2 left behind: tests feed it to the actions to prove old records still work.
 */
export function v1RecordJson(record: DeploymentRecord): string {
  const { functions, ...release } = record;
  const [only] = functions;
  return JSON.stringify({ ...release, ...only, schema: RECORD_SCHEMA_V1 });
}
