import type { ServiceFactory } from './contracts.js';

/** Services mounted next to Lambda on the sandbox's port. Each part of the sandbox adds its factory here. */
export const extraServices: ServiceFactory[] = [];

import { sinkServices } from './sinks/index.js';
// Notification sinks: Slack, generic webhooks, SNS, SMTP.
extraServices.push(...sinkServices);
import { cloudWatchService } from './cloudwatch/service.js';
import { cloudWatchQueryService } from './cloudwatch/query-protocol.js';
import { codeDeployService } from './codedeploy/service.js';
// CloudWatch twice: AWS JSON 1.0 for the SDK, awsQuery for the AWS CLI v2.
extraServices.push(cloudWatchService, cloudWatchQueryService, codeDeployService);
