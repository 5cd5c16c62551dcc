import { runReleaseAction } from '@lambda-release-kit/core/runner';
import { notifyAction } from './notify-step.js';

export const run = () => runReleaseAction(notifyAction);
