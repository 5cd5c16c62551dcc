import type { ServiceFactory } from './contracts.js';

/** Services mounted next to Lambda on the sandbox's port. Each part of the sandbox adds its factory here. */
export const extraServices: ServiceFactory[] = [];

import { sinkServices } from './sinks/index.js';
// Notification sinks: Slack, generic webhooks, SNS, SMTP.
extraServices.push(...sinkServices);
import { cloudWatchService } from './cloudwatch/service.js';
import { codeDeployService } from './codedeploy/service.js';
extraServices.push(cloudWatchService, codeDeployService);
