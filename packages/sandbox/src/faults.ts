import type { FaultKind, FaultRule } from './contracts.js';

const KINDS: readonly FaultKind[] = ['throttle', 'error', 'delay', 'drop', 'conflict', 'stale-revision'];
/** Operations that run a function rather than manage one: Lambda's control-plane limits do not apply to them. */
const INVOCATIONS = new Set(['Invoke', 'InvokeFunctionUrl']);

function selects(selector: FaultRule['operation'], operation: string): boolean {
  if (Array.isArray(selector)) return selector.includes(operation);
  if (selector === '*') return true;
  if (selector === 'control-plane') return !INVOCATIONS.has(operation);
  return selector === operation;
}

const isOperationName = (value: unknown) => typeof value === 'string' && value !== '';

/** Checks a rule supplied by a caller (options, sandbox.faults.add, or POST /_sandbox/faults). */
export function validateFaultRule(rule: FaultRule): FaultRule {
  const operation: unknown = rule?.operation;
  const valid = Array.isArray(operation)
    ? operation.length > 0 && operation.every(isOperationName)
    : isOperationName(operation);
  if (!valid) {
    throw new Error(
      `fault rule needs an 'operation' (an operation name, a non-empty list of them, '*' or 'control-plane'), got ${JSON.stringify(rule)}`,
    );
  }
  if (!KINDS.includes(rule.kind)) {
    throw new Error(`fault rule kind ${JSON.stringify(rule.kind)} is not one of ${KINDS.join(', ')}`);
  }
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
    throw new Error(`fault rule rate must be within [0, 1], got ${rule.rate}`);
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) {
    throw new Error(`fault rule times must be a positive integer, got ${rule.times}`);
  }
  return { ...rule, operation: Array.isArray(rule.operation) ? [...rule.operation] : rule.operation };
}

/** The active fault rules; `take` consumes one application of the first rule that hits. */
export class FaultSet {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push(validateFaultRule(rule));
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  take(service: string, operation: string, random: () => number = Math.random): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.service !== undefined && rule.service !== service) continue;
      if (!selects(rule.operation, operation)) continue;
      if (rule.rate !== undefined && random() >= rule.rate) continue;
      if (rule.times !== undefined) {
        rule.times -= 1;
        if (rule.times <= 0) this.rules = this.rules.filter((r) => r !== rule);
      }
      return { ...rule };
    }
    return undefined;
  }
}

/** How each service names and statuses an injected fault, so the SDK throws its modeled exception. */
export function faultError(
  service: string,
  kind: FaultKind,
): { code: string; status: number; message: string } {
  const lambda = service === 'lambda' || service === 'function-url';
  switch (kind) {
    case 'throttle':
      if (lambda) return { code: 'TooManyRequestsException', status: 429, message: 'Rate exceeded' };
      if (service === 'cloudwatch') return { code: 'Throttling', status: 400, message: 'Rate exceeded' };
      if (service === 'sns') return { code: 'Throttled', status: 400, message: 'Rate exceeded' };
      return { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' };
    case 'conflict':
      return {
        code: lambda ? 'ResourceConflictException' : 'ConflictException',
        status: 409,
        message:
          'The operation cannot be performed at this time. An update is in progress for resource (injected fault)',
      };
    case 'stale-revision':
      return {
        code: 'PreconditionFailedException',
        status: 412,
        message: 'The Revision Id provided does not match the latest Revision Id (injected fault)',
      };
    default:
      return {
        code: lambda ? 'ServiceException' : 'InternalFailure',
        status: 500,
        message: 'The service encountered an internal error (injected fault)',
      };
  }
}
