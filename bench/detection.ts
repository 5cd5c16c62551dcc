import type { Benchmark } from './context.js';
import { notBuilt } from './context.js';
export const detection: Benchmark = { name: 'detection', run: async () => notBuilt('detection', 'detection', ['x']) };
