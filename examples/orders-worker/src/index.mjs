// orders-worker: the example service's second function, released together with orders-api. It consumes order
// events in SQS batches (records with a JSON body) and answers a direct invoke with its health document.
// ORDERS_BATCH_LIMIT comes from the release's configuration (deploy-canary's `configuration.environment`): a bad
// value makes every invocation fail, so the demo can ship a broken configuration and watch the canary catch it.
import { readFileSync } from 'node:fs';

const release = JSON.parse(readFileSync(new URL('./release.json', import.meta.url), 'utf8'));

const batchLimit = () => {
  const raw = process.env.ORDERS_BATCH_LIMIT ?? '10';
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(
      `orders-worker ${release.release}: ORDERS_BATCH_LIMIT must be a positive integer, got "${raw}"`,
    );
  return limit;
};

// The version Lambda runs, from the variable it sets in each version's environment (as orders-api reports it).
const version = process.env.AWS_LAMBDA_FUNCTION_VERSION;

export const handler = async (event) => {
  const limit = batchLimit();
  const records = Array.isArray(event?.Records) ? event.Records : [];
  if (records.length === 0) return { status: 'ok', release: release.release, version };
  // Records beyond the limit go back to the queue (reported as failures SQS redelivers), as do unreadable ones.
  const batchItemFailures = records
    .filter((record, index) => {
      if (index >= limit) return true;
      try {
        return typeof JSON.parse(record.body).item !== 'string';
      } catch {
        return true;
      }
    })
    .map((record) => ({ itemIdentifier: record.messageId }));
  return { batchItemFailures };
};
