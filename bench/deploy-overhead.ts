import type { Benchmark } from './context.js';
import { notBuilt } from './context.js';
export const deployOverhead: Benchmark = { name: 'deploy-overhead', run: async () => notBuilt('deploy-overhead', 'deploy-overhead', ['x']) };
