// Builds examples/orders-api into a deployable zip: node build.mjs --release v1.2.0 [--failure-rate 0.2]
// [--latency-ms 0] [--out build/orders-api.zip]. The same artifact is deployed everywhere.
// The misbehave switch can also come from the environment (ORDERS_API_FAILURE_RATE, ORDERS_API_LATENCY_MS), so
// the demo can ship a bad release through the unchanged reference workflow.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { zipRelease } from '../zip-release.mjs';

export function buildOrdersApi({ release, failureRate = 0, latencyMs = 0 }) {
  const handler = join(dirname(fileURLToPath(import.meta.url)), 'src', 'index.mjs');
  return zipRelease(handler, { release, failureRate, latencyMs });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      release: { type: 'string' },
      'failure-rate': { type: 'string', default: process.env.ORDERS_API_FAILURE_RATE || '0' },
      'latency-ms': { type: 'string', default: process.env.ORDERS_API_LATENCY_MS || '0' },
      out: { type: 'string', default: 'build/orders-api.zip' },
    },
  });
  if (!values.release) throw new Error('--release is required, e.g. --release v1.2.0');
  const zip = buildOrdersApi({
    release: values.release,
    failureRate: Number(values['failure-rate']),
    latencyMs: Number(values['latency-ms']),
  });
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, zip);
  console.log(`built ${values.out} (${zip.length} bytes) for ${values.release}`);
}
