// Builds examples/orders-worker into a deployable zip: node build.mjs --release v1.2.0 [--out build/orders-worker.zip].
// Its configuration (ORDERS_BATCH_LIMIT, memory, timeout) is not in the zip: the release workflow gives it to
// deploy-canary, which applies it with the code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { zipRelease } from '../zip-release.mjs';

export function buildOrdersWorker({ release }) {
  return zipRelease(join(dirname(fileURLToPath(import.meta.url)), 'src', 'index.mjs'), { release });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      release: { type: 'string' },
      out: { type: 'string', default: 'build/orders-worker.zip' },
    },
  });
  if (!values.release) throw new Error('--release is required, e.g. --release v1.2.0');
  const zip = buildOrdersWorker({ release: values.release });
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, zip);
  console.log(`built ${values.out} (${zip.length} bytes) for ${values.release}`);
}
