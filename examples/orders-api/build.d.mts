/** Builds the orders-api zip with its release settings baked in (see build.mjs). */
export function buildOrdersApi(settings: {
  release: string;
  failureRate?: number;
  latencyMs?: number;
}): Uint8Array;
