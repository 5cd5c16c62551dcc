// Entry point the runner executes (bundled into dist/deploy-canary/index.js).
import { run } from './main.js';

await run();
