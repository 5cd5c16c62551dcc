/** Builds the orders-worker zip with its release baked in (see build.mjs). */
export function buildOrdersWorker(settings: { release: string }): Uint8Array;
