import type { MountedService, SandboxRequest, ServiceContext, ServiceFactory } from '../contracts.js';
import { deleteAlarms, describeAlarms, putMetricAlarm, setAlarmState } from './alarm-operations.js';
import { alarmStoreFor } from './alarms.js';
import { AwsServiceError, dispatch, errorResponse, readJsonBody, targetOperation } from './json-rpc.js';
import { getMetricData, getMetricStatistics } from './metric-queries.js';

/**
 * CloudWatch as @aws-sdk/client-cloudwatch speaks it: AWS JSON 1.0 (`X-Amz-Target:
 * GraniteServiceVersion20100801.<Op>`), query-compatible, so errors also carry `x-amzn-query-error`.
 */
export const SERVICE_TARGET = 'GraniteServiceVersion20100801';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const ERROR_NAMESPACE = 'com.amazonaws.cloudwatch';

export const cloudWatchService: ServiceFactory = (ctx: ServiceContext): MountedService => {
  const store = alarmStoreFor(ctx);
  const arnPrefix = `arn:aws:cloudwatch:${ctx.options.region}:${ctx.options.accountId}:alarm:`;

  const publication = () => ({ now: ctx.clock.now(), delayMs: ctx.options.metricDelayMs });
  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GetMetricData: (body) => getMetricData(body, (fn) => ctx.lambda.invocations(fn), publication()),
    GetMetricStatistics: (body) =>
      getMetricStatistics(body, (fn) => ctx.lambda.invocations(fn), publication()),
    DescribeAlarms: (body) => describeAlarms(body, store, arnPrefix),
    PutMetricAlarm: (body) => putMetricAlarm(body, store, ctx.clock.now()),
    SetAlarmState: (body) => setAlarmState(body, store),
    DeleteAlarms: (body) => deleteAlarms(body, store),
  };

  return {
    service: 'cloudwatch',
    matches: (req: SandboxRequest) => targetOperation(req, SERVICE_TARGET) !== undefined,
    operation: (req: SandboxRequest) => targetOperation(req, SERVICE_TARGET) ?? 'Unknown',
    isMutating: (operation: string) => /^(Create|Put|Stop|Set|Delete)/.test(operation),
    handle: (req: SandboxRequest) =>
      dispatch(CONTENT_TYPE, ERROR_NAMESPACE, () => {
        const name = targetOperation(req, SERVICE_TARGET) ?? '';
        const operation = operations[name];
        if (!operation)
          throw new AwsServiceError(
            'UnknownOperationException',
            `CloudWatch operation ${name} is not supported by the sandbox`,
          );
        return operation(readJsonBody(req));
      }),
    errorResponse: (code: string, message: string, status: number) =>
      errorResponse(CONTENT_TYPE, new AwsServiceError(code, message, status, code), ERROR_NAMESPACE),
    inspect: () => ({
      alarms: store.list().map((alarm) => ({ ...alarm, state: store.status(alarm.name)?.state })),
    }),
  };
};
