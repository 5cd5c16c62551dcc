import { randomUUID } from 'node:crypto';
import type { Clock, LambdaBackend } from '../contracts.js';
import type { AlarmStore } from '../cloudwatch/alarms.js';
import { checkAgainstLambda, type HookEvent, parseLambdaAppSpec } from './appspec.js';
import { type TrafficStep } from './configs.js';
import { DeploymentFailure } from './errors.js';
import type {
  AutoRollbackEvent,
  Deployment,
  HookExecution,
  LifecycleEventName,
  LifecycleEventStatus,
} from './model.js';

/** How often, in simulated time, a running deployment looks at its alarms while it waits. */
const ALARM_POLL_MS = 10_000;
/** A lifecycle hook that reports no status within an hour fails (CodeDeploy's lifecycle event limit of 3600 s). */
export const HOOK_DEADLINE_MS = 60 * 60_000;

export interface RunnerDeps {
  clock: Clock;
  lambda: LambdaBackend;
  alarms: AlarmStore;
  steps: TrafficStep[];
  hookExecutions: Map<string, HookExecution>;
  /** Records an auto-rollback deployment for `deployment` and returns its id. */
  recordRollback(deployment: Deployment): string;
  onFinished(deployment: Deployment): void;
}

/** Thrown inside the run when the sandbox closes: the run ends without touching the deployment. */
class Closed extends Error {}

/**
 * Runs one Lambda deployment in the background: validate the AppSpec, BeforeAllowTraffic hook, shift the
 * alias step by step, promote, AfterAllowTraffic hook. Alarms are watched throughout; StopDeployment and
 * close() interrupt the waits at once.
 */
export class DeploymentRun {
  readonly done: Promise<void>;
  private stopRequest?: { rollback: boolean };
  private closed = false;
  private validated = false;
  private wake!: () => void;
  private interrupted: Promise<void>;
  private hookSettled?: () => void;

  constructor(
    readonly deployment: Deployment,
    private readonly deps: RunnerDeps,
  ) {
    this.interrupted = new Promise((resolve) => (this.wake = resolve));
    this.done = Promise.resolve().then(() => this.run());
  }

  /** StopDeployment: ends the run as Stopped (MANUAL_STOP), rolling the alias back when asked. */
  async stop(rollback: boolean): Promise<void> {
    this.stopRequest = { rollback };
    this.wake();
    await this.done;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await this.done;
  }

  /** PutLifecycleEventHookExecutionStatus arrived for this run's hook. */
  hookReported(): void {
    this.hookSettled?.();
  }

  private async run(): Promise<void> {
    const d = this.deployment;
    d.status = 'InProgress';
    d.startTime = this.deps.clock.now();
    try {
      const spec = parseLambdaAppSpec(d.appSpecContent);
      d.spec = spec;
      checkAgainstLambda(spec, this.deps.lambda);
      this.validated = true;
      await this.runHook('BeforeAllowTraffic');
      this.setEvent('AllowTraffic', 'InProgress');
      for (const step of this.deps.steps) {
        this.checkInterrupts();
        this.deps.lambda.setAliasRouting(spec.functionName, spec.alias, spec.currentVersion, {
          [spec.targetVersion]: step.weight,
        });
        d.targetWeight = step.weight;
        await this.wait(step.holdMs);
      }
      this.checkInterrupts();
      this.deps.lambda.setAliasRouting(spec.functionName, spec.alias, spec.targetVersion, {});
      d.targetWeight = 1;
      this.setEvent('AllowTraffic', 'Succeeded');
      await this.runHook('AfterAllowTraffic');
      this.finish('Succeeded');
    } catch (error) {
      if (error instanceof Closed) return;
      const failure =
        error instanceof DeploymentFailure
          ? error
          : new DeploymentFailure(
              'INTERNAL_ERROR',
              `deployment ${d.deploymentId} failed: ${(error as Error).message}`,
            );
      this.fail(failure);
    }
  }

  private fail(failure: DeploymentFailure): void {
    const d = this.deployment;
    for (const event of d.lifecycleEvents) {
      if (event.status === 'InProgress') this.setEvent(event.lifecycleEventName, 'Failed');
      else if (event.status === 'Pending') this.setEvent(event.lifecycleEventName, 'Skipped');
    }
    d.errorInformation = { code: failure.code, message: failure.message };
    const stopped = failure.code === 'MANUAL_STOP' || failure.code === 'ALARM_ACTIVE';
    if (this.shouldRollBack(failure.code)) this.rollBack();
    this.finish(stopped ? 'Stopped' : 'Failed');
  }

  private shouldRollBack(code: string): boolean {
    // A deployment whose AppSpec never validated changed nothing, so there is nothing to roll back.
    if (!this.validated) return false;
    if (code === 'MANUAL_STOP') return this.stopRequest?.rollback ?? false;
    const { enabled, events } = this.deployment.autoRollbackConfiguration;
    const trigger: AutoRollbackEvent =
      code === 'ALARM_ACTIVE' ? 'DEPLOYMENT_STOP_ON_ALARM' : 'DEPLOYMENT_FAILURE';
    return enabled && events.includes(trigger);
  }

  private rollBack(): void {
    const d = this.deployment;
    const spec = d.spec;
    if (!spec) return;
    this.deps.lambda.setAliasRouting(spec.functionName, spec.alias, spec.currentVersion, {});
    d.targetWeight = 0;
    const rollbackDeploymentId = this.deps.recordRollback(d);
    d.rollbackInfo = {
      rollbackDeploymentId,
      rollbackMessage: `Deployment ${d.deploymentId} was rolled back by deployment ${rollbackDeploymentId}: alias ${spec.alias} of ${spec.functionName} points to version ${spec.currentVersion} again.`,
    };
  }

  private finish(status: 'Succeeded' | 'Failed' | 'Stopped'): void {
    const d = this.deployment;
    d.status = status;
    d.completeTime = this.deps.clock.now();
    this.deps.onFinished(d);
  }

  private setEvent(name: LifecycleEventName, status: LifecycleEventStatus): void {
    const event = this.deployment.lifecycleEvents.find((e) => e.lifecycleEventName === name);
    if (!event) return;
    const now = this.deps.clock.now();
    if (status === 'InProgress') event.startTime = now;
    if (status !== 'Pending' && status !== 'InProgress') {
      event.startTime ??= now;
      event.endTime = now;
    }
    event.status = status;
  }

  private checkInterrupts(): void {
    if (this.closed) throw new Closed();
    if (this.stopRequest)
      throw new DeploymentFailure('MANUAL_STOP', 'The deployment was stopped by a StopDeployment request.');
    this.checkAlarms();
  }

  /** CodeDeploy stops a deployment whose alarms go into ALARM (and fails it when alarms cannot be read). */
  private checkAlarms(): void {
    const { enabled, alarms, ignorePollAlarmFailure } = this.deployment.alarmConfiguration;
    if (!enabled) return;
    const firing: string[] = [];
    const unknown: string[] = [];
    for (const { name } of alarms) {
      const status = this.deps.alarms.status(name);
      if (!status) unknown.push(name);
      else if (status.state === 'ALARM') firing.push(name);
    }
    if (firing.length > 0) {
      throw new DeploymentFailure(
        'ALARM_ACTIVE',
        `One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <${firing.join(', ')}>`,
      );
    }
    if (unknown.length > 0 && !ignorePollAlarmFailure) {
      throw new DeploymentFailure(
        'CODEDEPLOY_RESOURCE_CANNOT_BE_FOUND',
        `The state of alarm(s) <${unknown.join(', ')}> could not be retrieved from Amazon CloudWatch.`,
      );
    }
  }

  /** Waits `ms` of simulated time, checking alarms every ALARM_POLL_MS; `until` ends the wait early. */
  private async wait(ms: number, until?: () => boolean): Promise<void> {
    const deadline = this.deps.clock.now() + ms;
    for (;;) {
      this.checkInterrupts();
      if (until?.()) return;
      const remaining = deadline - this.deps.clock.now();
      if (remaining <= 0) return;
      const settled = new Promise<void>((resolve) => (this.hookSettled = resolve));
      await Promise.race([
        this.deps.clock.sleep(Math.min(remaining, ALARM_POLL_MS)),
        this.interrupted,
        settled,
      ]);
    }
  }

  private async runHook(event: HookEvent): Promise<void> {
    const d = this.deployment;
    const hookFunction = d.spec?.hooks[event];
    if (!hookFunction) {
      this.setEvent(event, 'Skipped');
      return;
    }
    this.checkInterrupts();
    this.setEvent(event, 'InProgress');
    const execution: HookExecution = {
      lifecycleEventHookExecutionId: randomUUID(),
      deploymentId: d.deploymentId,
      event,
      status: 'Pending',
    };
    this.deps.hookExecutions.set(execution.lifecycleEventHookExecutionId, execution);
    let invokeError: string | undefined;
    const { name, qualifier } = splitFunctionReference(hookFunction);
    const payload = JSON.stringify({
      DeploymentId: d.deploymentId,
      LifecycleEventHookExecutionId: execution.lifecycleEventHookExecutionId,
    });
    // CodeDeploy invokes hooks asynchronously: a function error does not fail the hook, only the status
    // the function reports (or the lack of one within the hour) does. A function that cannot be invoked fails it.
    this.deps.lambda.invoke(name, qualifier, payload).then(
      () => undefined,
      (error: Error) => {
        invokeError = error.message;
        this.hookSettled?.();
      },
    );
    await this.wait(HOOK_DEADLINE_MS, () => execution.status !== 'Pending' || invokeError !== undefined);
    if (invokeError !== undefined) {
      throw new DeploymentFailure(
        'HOOK_EXECUTION_FAILURE',
        `The ${event} hook function ${hookFunction} could not be invoked: ${invokeError}`,
      );
    }
    if (execution.status === 'Pending') {
      execution.status = 'Failed';
      throw new DeploymentFailure(
        'HOOK_EXECUTION_FAILURE',
        `The ${event} hook ${hookFunction} did not report a status with PutLifecycleEventHookExecutionStatus within ${HOOK_DEADLINE_MS / 60_000} minutes.`,
      );
    }
    if (execution.status === 'Failed') {
      throw new DeploymentFailure(
        'HOOK_EXECUTION_FAILURE',
        `The ${event} hook ${hookFunction} reported Failed.`,
      );
    }
    this.setEvent(event, 'Succeeded');
  }
}

/** Hooks may be named as `fn`, `fn:qualifier` or a function ARN. */
function splitFunctionReference(reference: string): { name: string; qualifier?: string | undefined } {
  const parts = reference.split(':');
  if (reference.startsWith('arn:')) return { name: parts[6] ?? reference, qualifier: parts[7] };
  return { name: parts[0] ?? reference, qualifier: parts[1] };
}
