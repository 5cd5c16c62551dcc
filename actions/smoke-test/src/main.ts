import { runReleaseAction } from '@lambda-release-kit/core/runner';
import { smokeTest } from './smoke-step.js';

export const run = () => runReleaseAction(smokeTest);
