import { runReleaseAction } from '@lambda-release-kit/core/runner';
import { deployCanaryStep } from './deploy-step.js';

export const run = () => runReleaseAction(deployCanaryStep);
