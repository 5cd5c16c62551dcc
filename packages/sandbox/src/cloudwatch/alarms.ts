import type { AlarmDefinition, Clock, LambdaBackend, ServiceContext } from '../contracts.js';
import { computeStatistic, LAMBDA_NAMESPACE, metricSamples } from './metrics.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type ComparisonOperator = AlarmDefinition['comparisonOperator'];
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

/** An alarm as stored: the sandbox's AlarmDefinition plus what PutMetricAlarm can also set. */
export interface StoredAlarm {
  name: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: string;
  comparisonOperator: ComparisonOperator;
  threshold: number;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  description?: string | undefined;
  actionsEnabled: boolean;
  configurationUpdatedAt: number;
}

export interface AlarmStatus {
  state: AlarmState;
  reason: string;
  updatedAt: number;
}

interface ForcedState {
  state: AlarmState;
  reason: string;
  /** SetAlarmState lasts until the alarm's next evaluation, one period later. */
  until: number;
}

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = [
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];

function breaches(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

const OPERATOR_WORDS: Record<ComparisonOperator, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export function fromDefinition(definition: AlarmDefinition, now: number): StoredAlarm {
  return {
    name: definition.name,
    namespace: LAMBDA_NAMESPACE,
    metricName: definition.metricName,
    dimensions: { ...definition.dimensions },
    statistic: definition.statistic,
    comparisonOperator: definition.comparisonOperator,
    threshold: definition.threshold,
    periodSeconds: definition.periodSeconds,
    evaluationPeriods: definition.evaluationPeriods,
    datapointsToAlarm: definition.evaluationPeriods,
    treatMissingData: 'missing',
    actionsEnabled: true,
    configurationUpdatedAt: now,
  };
}

/**
 * Metric alarms evaluated on demand from Lambda's invocations over the last evaluationPeriods × period
 * (simulated time). "M out of N": the alarm is in ALARM when at least datapointsToAlarm of the N periods
 * breach (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
 * Periods without data count per treatMissingData; with 'missing' (the default) and 'ignore' they are left
 * out (the datapoints present then decide), and an alarm with no datapoints at all is INSUFFICIENT_DATA.
 */
export class AlarmStore {
  private readonly alarms = new Map<string, StoredAlarm>();
  private readonly statuses = new Map<string, AlarmStatus>();
  private readonly forced = new Map<string, ForcedState>();

  constructor(
    private readonly clock: Clock,
    private readonly lambda: LambdaBackend,
    initial: readonly AlarmDefinition[] = [],
  ) {
    for (const definition of initial) this.put(fromDefinition(definition, clock.now()));
  }

  put(alarm: StoredAlarm): void {
    this.alarms.set(alarm.name, alarm);
    // PutMetricAlarm resets the alarm: real CloudWatch starts a new or updated alarm in INSUFFICIENT_DATA.
    this.statuses.set(alarm.name, {
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
      updatedAt: this.clock.now(),
    });
    this.forced.delete(alarm.name);
  }

  get(name: string): StoredAlarm | undefined {
    return this.alarms.get(name);
  }

  list(): StoredAlarm[] {
    return [...this.alarms.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  delete(name: string): boolean {
    this.statuses.delete(name);
    this.forced.delete(name);
    return this.alarms.delete(name);
  }

  /** SetAlarmState: the state holds until the next evaluation (one period), as in CloudWatch. */
  force(name: string, state: AlarmState, reason: string): void {
    const alarm = this.alarms.get(name);
    if (!alarm) throw new Error(`alarm ${name} does not exist`);
    const now = this.clock.now();
    this.forced.set(name, { state, reason, until: now + alarm.periodSeconds * 1000 });
    this.record(name, state, reason, now);
  }

  /** Current state, evaluated now; undefined when the alarm does not exist. */
  status(name: string): AlarmStatus | undefined {
    const alarm = this.alarms.get(name);
    if (!alarm) return undefined;
    const now = this.clock.now();
    const forced = this.forced.get(name);
    if (forced && now < forced.until) return this.record(name, forced.state, forced.reason, now);
    this.forced.delete(name);
    const verdict = this.evaluate(alarm, now);
    return this.record(name, verdict.state, verdict.reason, now);
  }

  private record(name: string, state: AlarmState, reason: string, now: number): AlarmStatus {
    const previous = this.statuses.get(name);
    if (previous && previous.state === state) return previous;
    const status = { state, reason, updatedAt: now };
    this.statuses.set(name, status);
    return status;
  }

  private evaluate(alarm: StoredAlarm, now: number): { state: AlarmState; reason: string } {
    const periodMs = alarm.periodSeconds * 1000;
    const start = now - alarm.evaluationPeriods * periodMs;
    const selector = {
      namespace: alarm.namespace,
      metricName: alarm.metricName,
      dimensions: alarm.dimensions,
    };
    const samples = metricSamples(this.lambda.invocations(), selector, start, now);
    let breaching = 0;
    let counted = 0;
    const values: number[] = [];
    for (let period = 0; period < alarm.evaluationPeriods; period++) {
      const from = start + period * periodMs;
      const inPeriod = samples.filter((s) => s.at >= from && s.at < from + periodMs).map((s) => s.value);
      if (inPeriod.length === 0) {
        if (alarm.treatMissingData === 'breaching') breaching++;
        if (alarm.treatMissingData === 'breaching' || alarm.treatMissingData === 'notBreaching') counted++;
        continue;
      }
      const value = computeStatistic(inPeriod, alarm.statistic);
      values.push(value);
      counted++;
      if (breaches(value, alarm.comparisonOperator, alarm.threshold)) breaching++;
    }
    const words = `${OPERATOR_WORDS[alarm.comparisonOperator]} the threshold (${alarm.threshold})`;
    if (counted === 0) {
      return {
        state: 'INSUFFICIENT_DATA',
        reason: `Insufficient Data: no datapoints in the last ${alarm.evaluationPeriods} period(s) of ${alarm.periodSeconds}s.`,
      };
    }
    const shown = `[${values.map((v) => v.toString()).join(', ')}]`;
    // With missing periods left out, the datapoints present decide when there are fewer than M of them.
    const required = Math.min(alarm.datapointsToAlarm, counted);
    if (breaching >= required) {
      return {
        state: 'ALARM',
        reason: `Threshold Crossed: ${breaching} datapoint(s) ${shown} were ${words}.`,
      };
    }
    return {
      state: 'OK',
      reason: `Threshold Crossed: ${counted - breaching} datapoint(s) ${shown} were not ${words}.`,
    };
  }
}

/**
 * One alarm store per sandbox, shared by CloudWatch (which serves it) and CodeDeploy (which watches it).
 * Both factories receive the same LambdaBackend, so it identifies the sandbox.
 */
const stores = new WeakMap<LambdaBackend, AlarmStore>();

export function alarmStoreFor(ctx: ServiceContext): AlarmStore {
  let store = stores.get(ctx.lambda);
  if (!store) {
    store = new AlarmStore(ctx.clock, ctx.lambda, ctx.options.alarms ?? []);
    stores.set(ctx.lambda, store);
  }
  return store;
}
