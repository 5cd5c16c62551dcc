// Entry point of the smoke-test action (bundled to dist/smoke-test/index.js).
import { run } from './main.js';

await run();
