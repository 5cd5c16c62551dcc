/** The SDK's per-call options for an optional signal: the key is left out when there is none. */
export function abortOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}
