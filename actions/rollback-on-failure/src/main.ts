import { runReleaseAction } from '@lambda-release-kit/core/runner';
import { rollbackAction } from './rollback-action.js';

export const run = (): Promise<void> => runReleaseAction(rollbackAction);
