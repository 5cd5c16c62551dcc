import { randomUUID } from 'node:crypto';
import { codeDeployError } from './errors.js';

/** Deployment configurations for the Lambda compute platform and the traffic plan each one implies. */

export type TrafficRoutingConfig =
  | { type: 'AllAtOnce' }
  | { type: 'TimeBasedCanary'; timeBasedCanary: { canaryPercentage: number; canaryInterval: number } }
  | { type: 'TimeBasedLinear'; timeBasedLinear: { linearPercentage: number; linearInterval: number } };

export interface DeploymentConfig {
  deploymentConfigId: string;
  deploymentConfigName: string;
  computePlatform: 'Lambda';
  trafficRoutingConfig: TrafficRoutingConfig;
  createTime: number;
}

/** One step of traffic shifting: route `weight` of the alias to the target, then hold for `holdMs`. */
export interface TrafficStep {
  weight: number;
  holdMs: number;
}

const canary = (percentage: number, minutes: number): TrafficRoutingConfig => ({
  type: 'TimeBasedCanary',
  timeBasedCanary: { canaryPercentage: percentage, canaryInterval: minutes },
});
const linear = (percentage: number, minutes: number): TrafficRoutingConfig => ({
  type: 'TimeBasedLinear',
  timeBasedLinear: { linearPercentage: percentage, linearInterval: minutes },
});

/** https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html (Lambda section). */
const PREDEFINED: Record<string, TrafficRoutingConfig> = {
  'CodeDeployDefault.LambdaCanary10Percent5Minutes': canary(10, 5),
  'CodeDeployDefault.LambdaCanary10Percent10Minutes': canary(10, 10),
  'CodeDeployDefault.LambdaCanary10Percent15Minutes': canary(10, 15),
  'CodeDeployDefault.LambdaCanary10Percent30Minutes': canary(10, 30),
  'CodeDeployDefault.LambdaLinear10PercentEvery1Minute': linear(10, 1),
  'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes': linear(10, 2),
  'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes': linear(10, 3),
  'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes': linear(10, 10),
  'CodeDeployDefault.LambdaAllAtOnce': { type: 'AllAtOnce' },
};

export const DEFAULT_LAMBDA_CONFIG = 'CodeDeployDefault.LambdaAllAtOnce';

export function predefinedConfigs(now: number): DeploymentConfig[] {
  return Object.entries(PREDEFINED).map(([name, trafficRoutingConfig]) => ({
    deploymentConfigId: randomUUID(),
    deploymentConfigName: name,
    computePlatform: 'Lambda',
    trafficRoutingConfig,
    createTime: now,
  }));
}

function invalidRouting(message: string): Error {
  return codeDeployError('InvalidTrafficRoutingConfigurationException', message);
}

function percentage(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 99) {
    throw invalidRouting(`${field} must be an integer percentage from 1 to 99, got ${JSON.stringify(value)}`);
  }
  return value;
}

function minutes(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidRouting(
      `${field} must be a whole number of minutes of at least 1, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Validates CreateDeploymentConfig's trafficRoutingConfig for the Lambda platform. */
export function readTrafficRouting(value: unknown): TrafficRoutingConfig {
  if (typeof value !== 'object' || value === null) {
    throw invalidRouting('trafficRoutingConfig is required for the Lambda compute platform');
  }
  const config = value as Record<string, Record<string, unknown> | string | undefined>;
  switch (config.type) {
    case 'AllAtOnce':
      return { type: 'AllAtOnce' };
    case 'TimeBasedCanary': {
      const params = (config.timeBasedCanary ?? {}) as Record<string, unknown>;
      return canary(
        percentage(params.canaryPercentage, 'timeBasedCanary.canaryPercentage'),
        minutes(params.canaryInterval, 'timeBasedCanary.canaryInterval'),
      );
    }
    case 'TimeBasedLinear': {
      const params = (config.timeBasedLinear ?? {}) as Record<string, unknown>;
      return linear(
        percentage(params.linearPercentage, 'timeBasedLinear.linearPercentage'),
        minutes(params.linearInterval, 'timeBasedLinear.linearInterval'),
      );
    }
    default:
      throw invalidRouting(
        `trafficRoutingConfig.type must be TimeBasedCanary, TimeBasedLinear or AllAtOnce, got ${JSON.stringify(config.type)}`,
      );
  }
}

const weight = (percent: number) => Math.round(percent * 100) / 10000;

/**
 * The weights the alias carries before promotion. Canary: one step at canaryPercentage held for
 * canaryInterval. Linear: linearPercentage more every linearInterval until the next step would reach 100%.
 * AllAtOnce: none (the alias is promoted at once).
 */
export function trafficSteps(config: TrafficRoutingConfig): TrafficStep[] {
  switch (config.type) {
    case 'AllAtOnce':
      return [];
    case 'TimeBasedCanary':
      return [
        {
          weight: weight(config.timeBasedCanary.canaryPercentage),
          holdMs: config.timeBasedCanary.canaryInterval * 60_000,
        },
      ];
    case 'TimeBasedLinear': {
      const { linearPercentage, linearInterval } = config.timeBasedLinear;
      const steps: TrafficStep[] = [];
      for (let percent = linearPercentage; percent < 100; percent += linearPercentage) {
        steps.push({ weight: weight(percent), holdMs: linearInterval * 60_000 });
      }
      return steps;
    }
  }
}
