// Entry point for the runner (node24): everything happens in run().
import { run } from './main.js';
await run();
