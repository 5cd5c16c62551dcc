import {
  type AlarmState,
  type AlarmStore,
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  type StoredAlarm,
  type TreatMissingData,
} from './alarms.js';
import { AwsServiceError, epochSeconds, type JsonObject, optionalString } from './json-rpc.js';
import { isSupportedStatistic } from './metrics.js';
import {
  invalidValue,
  missingParameter,
  readDimensions,
  readPeriod,
  writeDimensions,
} from './metric-queries.js';

/** DescribeAlarms, PutMetricAlarm, SetAlarmState and DeleteAlarms over the sandbox's AlarmStore. */

const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
const MISSING_DATA: readonly TreatMissingData[] = ['missing', 'notBreaching', 'breaching', 'ignore'];

const notFound = (message: string) =>
  new AwsServiceError('ResourceNotFound', message, 404, 'ResourceNotFound');

function required(body: JsonObject, field: string): string {
  const value = optionalString(body, field);
  if (value === undefined) throw missingParameter(`The parameter ${field} is required.`);
  return value;
}

function positiveInteger(value: unknown, field: string): number {
  const number = Number(value);
  if (value === undefined) throw missingParameter(`The parameter ${field} is required.`);
  if (!Number.isInteger(number) || number < 1)
    throw invalidValue(`The parameter ${field} must be a positive integer, got ${JSON.stringify(value)}.`);
  return number;
}

export function putMetricAlarm(body: JsonObject, store: AlarmStore, now: number): unknown {
  const name = required(body, 'AlarmName');
  if (body.Metrics !== undefined)
    throw invalidValue('Metrics (metric math alarms) are not supported by the sandbox; use MetricName.');
  const metricName = required(body, 'MetricName');
  const namespace = required(body, 'Namespace');
  const statistic = optionalString(body, 'Statistic');
  const extended = optionalString(body, 'ExtendedStatistic');
  if ((statistic === undefined) === (extended === undefined)) {
    throw new AwsServiceError(
      'InvalidParameterCombinationException',
      'Exactly one of the parameters Statistic or ExtendedStatistic must be specified.',
      400,
      'InvalidParameterCombination',
    );
  }
  const stat = (statistic ?? extended) as string;
  if (!isSupportedStatistic(stat) || (statistic !== undefined) === stat.startsWith('p')) {
    throw invalidValue(
      `The statistic ${stat} is not valid for ${statistic ? 'Statistic' : 'ExtendedStatistic'}.`,
    );
  }
  const operator = required(body, 'ComparisonOperator');
  if (!COMPARISON_OPERATORS.includes(operator as ComparisonOperator)) {
    throw invalidValue(
      `The parameter ComparisonOperator must be one of ${COMPARISON_OPERATORS.join(', ')}, got ${operator}.`,
    );
  }
  if (typeof body.Threshold !== 'number') throw missingParameter('The parameter Threshold is required.');
  const evaluationPeriods = positiveInteger(body.EvaluationPeriods, 'EvaluationPeriods');
  const datapointsToAlarm =
    body.DatapointsToAlarm === undefined
      ? evaluationPeriods
      : positiveInteger(body.DatapointsToAlarm, 'DatapointsToAlarm');
  if (datapointsToAlarm > evaluationPeriods) {
    throw invalidValue('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
  }
  const treatMissingData = (optionalString(body, 'TreatMissingData') ?? 'missing') as TreatMissingData;
  if (!MISSING_DATA.includes(treatMissingData))
    throw invalidValue(`TreatMissingData must be one of ${MISSING_DATA.join(', ')}.`);
  const alarm: StoredAlarm = {
    name,
    namespace,
    metricName,
    dimensions: readDimensions(body.Dimensions, 'Dimensions'),
    statistic: stat,
    comparisonOperator: operator as ComparisonOperator,
    threshold: body.Threshold,
    periodSeconds: readPeriod(body.Period, 'Period'),
    evaluationPeriods,
    datapointsToAlarm,
    treatMissingData,
    description: optionalString(body, 'AlarmDescription'),
    actionsEnabled: body.ActionsEnabled !== false,
    configurationUpdatedAt: now,
  };
  store.put(alarm);
  return {};
}

export function setAlarmState(body: JsonObject, store: AlarmStore): unknown {
  const name = required(body, 'AlarmName');
  const state = required(body, 'StateValue') as AlarmState;
  const reason = required(body, 'StateReason');
  if (!ALARM_STATES.includes(state))
    throw invalidValue(`StateValue must be one of ${ALARM_STATES.join(', ')}, got ${state}.`);
  if (!store.get(name)) throw notFound(`Alarm ${name} not found`);
  store.force(name, state, reason);
  return {};
}

export function deleteAlarms(body: JsonObject, store: AlarmStore): unknown {
  const names = Array.isArray(body.AlarmNames) ? (body.AlarmNames as string[]) : [];
  const missing = names.filter((name) => !store.get(name));
  if (missing.length > 0) throw notFound(`Alarm(s) not found: ${missing.join(', ')}`);
  for (const name of names) store.delete(name);
  return {};
}

export function describeAlarms(body: JsonObject, store: AlarmStore, arnPrefix: string): unknown {
  const names = Array.isArray(body.AlarmNames) ? (body.AlarmNames as string[]) : undefined;
  const prefix = optionalString(body, 'AlarmNamePrefix');
  if (names && prefix) {
    throw new AwsServiceError(
      'InvalidParameterCombinationException',
      'AlarmNames and AlarmNamePrefix cannot be used together.',
      400,
      'InvalidParameterCombination',
    );
  }
  const stateFilter = optionalString(body, 'StateValue');
  const types = Array.isArray(body.AlarmTypes) ? (body.AlarmTypes as string[]) : ['MetricAlarm'];
  const metricAlarms = [];
  for (const alarm of types.includes('MetricAlarm') ? store.list() : []) {
    if (names && !names.includes(alarm.name)) continue;
    if (prefix && !alarm.name.startsWith(prefix)) continue;
    const status = store.status(alarm.name);
    if (!status || (stateFilter && status.state !== stateFilter)) continue;
    const percentile = alarm.statistic.startsWith('p');
    metricAlarms.push({
      AlarmName: alarm.name,
      AlarmArn: `${arnPrefix}${alarm.name}`,
      AlarmDescription: alarm.description,
      AlarmConfigurationUpdatedTimestamp: epochSeconds(alarm.configurationUpdatedAt),
      ActionsEnabled: alarm.actionsEnabled,
      OKActions: [],
      AlarmActions: [],
      InsufficientDataActions: [],
      StateValue: status.state,
      StateReason: status.reason,
      StateUpdatedTimestamp: epochSeconds(status.updatedAt),
      StateTransitionedTimestamp: epochSeconds(status.updatedAt),
      MetricName: alarm.metricName,
      Namespace: alarm.namespace,
      ...(percentile ? { ExtendedStatistic: alarm.statistic } : { Statistic: alarm.statistic }),
      Dimensions: writeDimensions(alarm.dimensions),
      Period: alarm.periodSeconds,
      EvaluationPeriods: alarm.evaluationPeriods,
      DatapointsToAlarm: alarm.datapointsToAlarm,
      Threshold: alarm.threshold,
      ComparisonOperator: alarm.comparisonOperator,
      TreatMissingData: alarm.treatMissingData,
    });
  }
  return { MetricAlarms: metricAlarms, CompositeAlarms: [] };
}
