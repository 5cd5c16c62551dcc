import { readFile, stat } from 'node:fs/promises';
import { InputError, quoteValue } from '@lambda-release-kit/core';
import { Input } from './constants.js';

/** Requests deploy-canary sends straight to the new version (Invoke, Qualifier = its number) during every bake. */
export interface CanaryTraffic {
  /** Invocations per second (of the rollout's clock). */
  ratePerSecond: number;
  /** The JSON event sent with every invocation. */
  payload: string;
  /** Where the payload came from, for the plan; absent for the default "{}". */
  payloadFile?: string;
}

/** A bounded rate: enough to judge a quiet function in minutes, never a load test. */
export const MAX_CANARY_RATE_PER_SECOND = 20;
/** Lambda takes 6 MB per synchronous request; an event for a health invocation needs far less. */
const MAX_PAYLOAD_BYTES = 256 * 1024;
const RATE = /^(\d+(?:\.\d+)?)\s*\/\s*(s|m)$/;
export const CANARY_TRAFFIC_EXPECTED = `"off" or a rate like "2/s" or "30/m" (at most ${MAX_CANARY_RATE_PER_SECOND}/s)`;

/** "2/s" → 2, "30/m" → 0.5, "off" → 'off'; undefined when malformed or out of bounds. */
export function parseCanaryRate(text: string): number | 'off' | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'off') return 'off';
  const match = RATE.exec(value);
  if (!match) return undefined;
  const perSecond = Number(match[1]) / (match[2] === 'm' ? 60 : 1);
  return perSecond > 0 && perSecond <= MAX_CANARY_RATE_PER_SECOND ? perSecond : undefined;
}

/** Reads a payload file: a JSON document of at most 256 KiB. `where` names the input or key, for errors. */
export async function readCanaryPayload(
  path: string,
  where: string,
): Promise<{ payload: string; payloadFile: string }> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile())
    throw new InputError(`${where} has ${quoteValue(path)} — expected the path of an existing JSON file`);
  if (info.size > MAX_PAYLOAD_BYTES) {
    throw new InputError(
      `${where} is ${info.size} bytes — expected a JSON event of at most ${MAX_PAYLOAD_BYTES} bytes`,
    );
  }
  const payload = await readFile(path, 'utf8');
  try {
    JSON.parse(payload);
  } catch (error) {
    throw new InputError(
      `${where} has ${quoteValue(path)} — expected a JSON event (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return { payload, payloadFile: path };
}

/** The canary traffic of a rate (or off) and an optional payload file; `where` names what gave the rate. */
export async function readCanaryTraffic(
  rateText: string,
  payloadPath: string | undefined,
  where: { rate: string; payload: string },
): Promise<CanaryTraffic | undefined> {
  const rate = parseCanaryRate(rateText);
  if (rate === undefined)
    throw new InputError(`${where.rate} has ${quoteValue(rateText)} — expected ${CANARY_TRAFFIC_EXPECTED}`);
  if (rate === 'off') return undefined;
  if (payloadPath === undefined) return { ratePerSecond: rate, payload: '{}' };
  return { ratePerSecond: rate, ...(await readCanaryPayload(payloadPath, where.payload)) };
}

/**
 * A `functions` item's `canary-traffic`: a rate or "off" (with the `canary-traffic-payload` input's file), or a map
 * {rate, payload} with its own payload file. Undefined when the item has no such key (the inputs apply).
 */
export async function readItemCanaryTraffic(
  value: unknown,
  where: string,
  inputPayload: string | undefined,
): Promise<CanaryTraffic | 'off' | undefined> {
  if (value === undefined || value === null) return undefined;
  const key = `${where} '${Input.CanaryTraffic}'`;
  if (typeof value === 'string') {
    const traffic = await readCanaryTraffic(value, inputPayload, {
      rate: key,
      payload: `input '${Input.CanaryTrafficPayload}'`,
    });
    return traffic ?? 'off';
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const { rate, payload, ...rest } = value as Record<string, unknown>;
    const stray = Object.keys(rest)[0];
    if (
      stray !== undefined ||
      typeof rate !== 'string' ||
      (payload !== undefined && typeof payload !== 'string')
    ) {
      throw new InputError(
        `${key} has ${quoteValue(JSON.stringify(value))} — expected ${CANARY_TRAFFIC_EXPECTED}, or a map with rate and payload (a JSON file)`,
      );
    }
    const traffic = await readCanaryTraffic(rate, payload ?? inputPayload, {
      rate: `${key} rate`,
      payload: payload !== undefined ? `${key} payload` : `input '${Input.CanaryTrafficPayload}'`,
    });
    return traffic ?? 'off';
  }
  throw new InputError(
    `${key} has ${quoteValue(JSON.stringify(value))} — expected ${CANARY_TRAFFIC_EXPECTED}`,
  );
}
