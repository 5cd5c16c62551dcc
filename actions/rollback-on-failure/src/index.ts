// Entry point of the bundled action: all the work happens in main.ts.
import { run } from './main.js';

await run();
