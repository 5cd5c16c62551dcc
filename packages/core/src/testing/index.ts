/** The runner test kit: run an action as the runner does and read what it left (tests, demo, benchmarks only). */
export * from './runner-files.js';
export * from './step-files.js';
export * from './run-in-process.js';
