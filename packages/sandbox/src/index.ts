export { startSandbox, type Sandbox, type SandboxEnv, type StartOptions } from './sandbox.js';
export { zipFunction } from './zip.js';
export {
  FUNCTION_VERSION_HEADER,
  startLoad,
  startTraffic,
  type Answer,
  type LoadOptions,
  type Traffic,
} from './traffic.js';
export { createClock, createManualClock, type ManualClock } from './clock.js';
export type { SimulatedLoad, SimulatedLoadOptions, VersionBehaviour } from './lambda/simulated-load.js';
export { extraServices } from './services.js';
export type * from './contracts.js';
export * from './sinks/index.js';
