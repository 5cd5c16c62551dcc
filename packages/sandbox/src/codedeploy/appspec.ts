import { parse } from 'yaml';
import type { LambdaBackend } from '../contracts.js';
import { DeploymentFailure } from './errors.js';

/**
 * The Lambda AppSpec (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html):
 *   version: 0.0
 *   Resources: [ { <logicalName>: { Type: AWS::Lambda::Function, Properties: {Name, Alias, CurrentVersion, TargetVersion} } } ]
 *   Hooks: [ { BeforeAllowTraffic: <function> }, { AfterAllowTraffic: <function> } ]
 * YAML or JSON (YAML is a superset). Exactly one function resource is allowed per deployment.
 */

export type HookEvent = 'BeforeAllowTraffic' | 'AfterAllowTraffic';
export const HOOK_EVENTS: readonly HookEvent[] = ['BeforeAllowTraffic', 'AfterAllowTraffic'];

export interface LambdaAppSpec {
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
  hooks: Partial<Record<HookEvent, string>>;
}

/** CodeDeploy's wording for a bad Lambda AppSpec, followed by what exactly is wrong. */
const INVALID_APPSPEC =
  'The deployment failed because the AppSpec file that specifies the AWS Lambda deployment configuration is missing or has an invalid configuration.';

function invalid(detail: string): DeploymentFailure {
  return new DeploymentFailure('INVALID_LAMBDA_CONFIGURATION', `${INVALID_APPSPEC} ${detail}`);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A version written as 1 in YAML is a number; CodeDeploy compares it as text. */
function versionText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Parses and checks the AppSpec's shape; throws DeploymentFailure naming the problem. */
export function parseLambdaAppSpec(content: string): LambdaAppSpec {
  let document: unknown;
  try {
    document = parse(content);
  } catch (error) {
    throw invalid(`The AppSpec is not valid YAML or JSON: ${(error as Error).message}`);
  }
  const root = asRecord(document);
  if (!root) throw invalid('The AppSpec must be a YAML or JSON object.');
  if (root.version !== 0 && root.version !== '0.0') {
    throw invalid(`The AppSpec version must be 0.0, got ${JSON.stringify(root.version)}.`);
  }
  if (!Array.isArray(root.Resources)) throw invalid('The AppSpec has no Resources list.');
  const functions = root.Resources.flatMap((entry) => Object.values(asRecord(entry) ?? {})).map(asRecord);
  const lambdaFunctions = functions.filter((resource) => resource?.Type === 'AWS::Lambda::Function');
  if (lambdaFunctions.length !== 1 || functions.length !== 1) {
    throw invalid(
      `The AppSpec must have exactly one AWS::Lambda::Function resource, found ${lambdaFunctions.length} among ${functions.length} resource(s).`,
    );
  }
  const properties = asRecord(lambdaFunctions[0]?.Properties) ?? {};
  const functionName =
    typeof properties.Name === 'string' && properties.Name !== '' ? properties.Name : undefined;
  const alias =
    typeof properties.Alias === 'string' && properties.Alias !== '' ? properties.Alias : undefined;
  const currentVersion = versionText(properties.CurrentVersion);
  const targetVersion = versionText(properties.TargetVersion);
  const missing = [
    ['Name', functionName],
    ['Alias', alias],
    ['CurrentVersion', currentVersion],
    ['TargetVersion', targetVersion],
  ].filter(([, value]) => value === undefined);
  if (missing.length > 0)
    throw invalid(`The function resource is missing ${missing.map(([name]) => name).join(', ')}.`);
  const hooks: Partial<Record<HookEvent, string>> = {};
  if (root.Hooks !== undefined && root.Hooks !== null) {
    if (!Array.isArray(root.Hooks))
      throw invalid('Hooks must be a list like [{BeforeAllowTraffic: <function>}].');
    for (const entry of root.Hooks) {
      for (const [event, hookFunction] of Object.entries(asRecord(entry) ?? {})) {
        if (!HOOK_EVENTS.includes(event as HookEvent)) {
          throw invalid(
            `Hook ${event} is not a Lambda lifecycle event (BeforeAllowTraffic, AfterAllowTraffic).`,
          );
        }
        if (typeof hookFunction !== 'string' || hookFunction === '')
          throw invalid(`Hook ${event} must name a Lambda function.`);
        hooks[event as HookEvent] = hookFunction;
      }
    }
  }
  return {
    functionName: functionName as string,
    alias: alias as string,
    currentVersion: currentVersion as string,
    targetVersion: targetVersion as string,
    hooks,
  };
}

/**
 * Checks the AppSpec against Lambda's state when the deployment starts: the alias must exist and point at
 * CurrentVersion, and TargetVersion must be another published version of the function.
 */
export function checkAgainstLambda(spec: LambdaAppSpec, lambda: LambdaBackend): void {
  const routing = lambda.getAlias(spec.functionName, spec.alias);
  if (!routing) {
    throw new DeploymentFailure(
      'INVALID_LAMBDA_FUNCTION',
      `The Lambda function ${spec.functionName} or its alias ${spec.alias} does not exist.`,
    );
  }
  if (spec.currentVersion === spec.targetVersion) {
    throw invalid(
      `TargetVersion (${spec.targetVersion}) must be different from CurrentVersion (${spec.currentVersion}).`,
    );
  }
  if (routing.functionVersion !== spec.currentVersion) {
    throw invalid(
      `CurrentVersion ${spec.currentVersion} does not match the version (${routing.functionVersion}) that alias ${spec.alias} of ${spec.functionName} points to.`,
    );
  }
  if (!lambda.hasVersion(spec.functionName, spec.targetVersion)) {
    throw new DeploymentFailure(
      'INVALID_LAMBDA_FUNCTION',
      `TargetVersion ${spec.targetVersion} is not a published version of ${spec.functionName}.`,
    );
  }
}
