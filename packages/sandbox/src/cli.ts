/**
 * Runs the sandbox in the foreground: prints `export NAME=value` lines for the environment (so
 * `eval "$(npm run -s sandbox)"`-style use works), logs requests to stderr, and stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startSandbox } from './sandbox.js';

const USAGE =
  'usage: sandbox [--port N] [--time-scale X] [--update-delay MS] [--metric-delay MS] [--region R]';

function numberFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new Error(`flag --${flag} has "${value}": expected a number >= ${min}\n${USAGE}`);
  return n;
}

const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'time-scale': { type: 'string' },
      'update-delay': { type: 'string' },
      'metric-delay': { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sandbox = await startSandbox({
    port: numberFlag(values.port, 'port', 0) ?? 4566,
    timeScale: numberFlag(values['time-scale'], 'time-scale', Number.MIN_VALUE),
    updateDelayMs: numberFlag(values['update-delay'], 'update-delay', 0),
    metricDelayMs: numberFlag(values['metric-delay'], 'metric-delay', 0),
    region: values.region,
  });
  for (const [name, value] of Object.entries(sandbox.env))
    process.stdout.write(`export ${name}=${shellQuote(value)}\n`);
  process.stderr.write(
    `sandbox listening on ${sandbox.endpoint} (state: ${sandbox.endpoint}/_sandbox/state); Ctrl-C stops it\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping the sandbox\n`);
    sandbox.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`stopping the sandbox failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
