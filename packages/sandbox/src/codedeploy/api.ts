import { createHash, randomUUID } from 'node:crypto';
import type { ServiceContext } from '../contracts.js';
import type { AlarmStore } from '../cloudwatch/alarms.js';
import { type JsonObject, optionalString } from '../cloudwatch/json-rpc.js';
import {
  type DeploymentConfig,
  DEFAULT_LAMBDA_CONFIG,
  predefinedConfigs,
  readTrafficRouting,
  trafficSteps,
} from './configs.js';
import { codeDeployError } from './errors.js';
import {
  type AlarmConfiguration,
  type Application,
  type AutoRollbackConfiguration,
  type AutoRollbackEvent,
  type Deployment,
  DEPLOYMENT_STATUSES,
  type DeploymentGroup,
  type HookExecution,
  isFinished,
} from './model.js';
import { DeploymentRun } from './runner.js';
import {
  applicationView,
  deploymentConfigView,
  deploymentGroupView,
  deploymentTargetView,
  deploymentView,
  targetId,
} from './views.js';

/** AWS does not document ListDeployments' page size; a small one keeps pagination visible in tests. */
const PAGE_SIZE = 25;
const ROLLBACK_EVENTS: readonly AutoRollbackEvent[] = [
  'DEPLOYMENT_FAILURE',
  'DEPLOYMENT_STOP_ON_ALARM',
  'DEPLOYMENT_STOP_ON_REQUEST',
];
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function deploymentIdNew(): string {
  let id = 'd-';
  for (let i = 0; i < 9; i++) id += ID_CHARS[Math.floor(Math.random() * ID_CHARS.length)];
  return id;
}

function required(body: JsonObject, field: string, exception: string, what: string): string {
  const value = optionalString(body, field);
  if (value === undefined) throw codeDeployError(exception, `${what} must be specified.`);
  return value;
}

function readAlarmConfiguration(value: unknown): AlarmConfiguration {
  const config = (value ?? {}) as JsonObject;
  const alarms = Array.isArray(config.alarms) ? (config.alarms as JsonObject[]) : [];
  if (alarms.length > 10)
    throw codeDeployError(
      'AlarmsLimitExceededException',
      'The maximum number of alarms for a deployment group (10) was exceeded.',
    );
  if (alarms.some((alarm) => typeof alarm?.name !== 'string' || alarm.name === '')) {
    throw codeDeployError(
      'InvalidAlarmConfigException',
      'Every alarm in alarmConfiguration.alarms needs a name.',
    );
  }
  const enabled = config.enabled === true;
  if (enabled && alarms.length === 0) {
    throw codeDeployError(
      'InvalidAlarmConfigException',
      'alarmConfiguration is enabled but lists no alarms.',
    );
  }
  return {
    enabled,
    ignorePollAlarmFailure: config.ignorePollAlarmFailure === true,
    alarms: alarms.map((alarm) => ({ name: alarm.name as string })),
  };
}

function readAutoRollback(value: unknown): AutoRollbackConfiguration {
  const config = (value ?? {}) as JsonObject;
  const events = Array.isArray(config.events) ? (config.events as string[]) : [];
  const unknown = events.filter((event) => !ROLLBACK_EVENTS.includes(event as AutoRollbackEvent));
  if (unknown.length > 0) {
    throw codeDeployError(
      'InvalidAutoRollbackConfigException',
      `Unknown auto-rollback event(s): ${unknown.join(', ')}; expected ${ROLLBACK_EVENTS.join(', ')}.`,
    );
  }
  const enabled = config.enabled === true;
  if (enabled && events.length === 0) {
    throw codeDeployError(
      'InvalidAutoRollbackConfigException',
      'autoRollbackConfiguration is enabled but lists no events.',
    );
  }
  return { enabled, events: events as AutoRollbackEvent[] };
}

/** The compute platform a request names; the sandbox runs only Lambda (CodeDeploy's default is Server). */
function lambdaComputePlatform(body: JsonObject): 'Lambda' {
  const computePlatform = optionalString(body, 'computePlatform') ?? 'Server';
  if (computePlatform !== 'Lambda') {
    throw codeDeployError(
      'InvalidComputePlatformException',
      `The sandbox runs only the Lambda compute platform, got ${computePlatform}.`,
    );
  }
  return computePlatform;
}

function roleArn(arn: string): string {
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(arn))
    throw codeDeployError('InvalidRoleException', `The service role ${arn} is not a valid IAM role ARN.`);
  return arn;
}

/** CodeDeploy's state and operations for the Lambda compute platform. */
export class CodeDeployApi {
  private readonly applications = new Map<string, Application>();
  private readonly groups = new Map<string, DeploymentGroup>();
  private readonly configs = new Map<string, DeploymentConfig>();
  private readonly deployments = new Map<string, Deployment>();
  private readonly runs = new Map<string, DeploymentRun>();
  private readonly hookExecutions = new Map<string, HookExecution>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly alarms: AlarmStore,
  ) {
    for (const config of predefinedConfigs(ctx.clock.now()))
      this.configs.set(config.deploymentConfigName, config);
  }

  readonly operations: Record<string, (body: JsonObject) => unknown> = {
    CreateApplication: (body) => this.createApplication(body),
    GetApplication: (body) => ({ application: applicationView(this.application(body)) }),
    CreateDeploymentGroup: (body) => this.createDeploymentGroup(body),
    GetDeploymentGroup: (body) => ({ deploymentGroupInfo: deploymentGroupView(this.group(body)) }),
    UpdateDeploymentGroup: (body) => this.updateDeploymentGroup(body),
    CreateDeploymentConfig: (body) => this.createDeploymentConfig(body),
    GetDeploymentConfig: (body) => ({ deploymentConfigInfo: deploymentConfigView(this.config(body)) }),
    CreateDeployment: (body) => this.createDeployment(body),
    GetDeployment: (body) => ({ deploymentInfo: deploymentView(this.deployment(body)) }),
    ListDeployments: (body) => this.listDeployments(body),
    StopDeployment: (body) => this.stopDeployment(body),
    PutLifecycleEventHookExecutionStatus: (body) => this.putHookStatus(body),
    ListDeploymentTargets: (body) => {
      const id = targetId(this.deployment(body));
      return { targetIds: id ? [id] : [] };
    },
    GetDeploymentTarget: (body) => this.getDeploymentTarget(body),
  };

  inspect(): unknown {
    return {
      applications: [...this.applications.values()],
      deploymentGroups: [...this.groups.values()],
      deployments: [...this.deployments.values()].map(deploymentView),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.runs.values()].map((run) => run.close()));
    this.runs.clear();
  }

  private application(body: JsonObject): Application {
    const name = required(
      body,
      'applicationName',
      'ApplicationNameRequiredException',
      'The application name',
    );
    const app = this.applications.get(name);
    if (!app)
      throw codeDeployError('ApplicationDoesNotExistException', `No application found for name: ${name}`);
    return app;
  }

  private group(body: JsonObject): DeploymentGroup {
    const app = this.application(body);
    const name = required(
      body,
      'deploymentGroupName',
      'DeploymentGroupNameRequiredException',
      'The deployment group name',
    );
    const group = this.groups.get(`${app.applicationName}/${name}`);
    if (!group) {
      throw codeDeployError(
        'DeploymentGroupDoesNotExistException',
        `No Deployment Group found for name: ${name} in application ${app.applicationName}`,
      );
    }
    return group;
  }

  private config(body: JsonObject): DeploymentConfig {
    const name = required(
      body,
      'deploymentConfigName',
      'DeploymentConfigNameRequiredException',
      'The deployment configuration name',
    );
    return this.configNamed(name);
  }

  private configNamed(name: string): DeploymentConfig {
    const config = this.configs.get(name);
    if (!config)
      throw codeDeployError(
        'DeploymentConfigDoesNotExistException',
        `No deployment configuration found for name: ${name}`,
      );
    return config;
  }

  private deployment(body: JsonObject): Deployment {
    const id = required(body, 'deploymentId', 'DeploymentIdRequiredException', 'The deployment ID');
    if (!/^d-[A-Z0-9]{9}$/.test(id))
      throw codeDeployError('InvalidDeploymentIdException', `The deployment ID ${id} is not valid.`);
    const deployment = this.deployments.get(id);
    if (!deployment)
      throw codeDeployError('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`);
    return deployment;
  }

  private createApplication(body: JsonObject): unknown {
    const name = required(
      body,
      'applicationName',
      'ApplicationNameRequiredException',
      'The application name',
    );
    if (this.applications.has(name))
      throw codeDeployError('ApplicationAlreadyExistsException', `The application ${name} already exists.`);
    const computePlatform = lambdaComputePlatform(body);
    const app: Application = {
      applicationId: randomUUID(),
      applicationName: name,
      computePlatform,
      createTime: this.ctx.clock.now(),
    };
    this.applications.set(name, app);
    return { applicationId: app.applicationId };
  }

  private createDeploymentGroup(body: JsonObject): unknown {
    const app = this.application(body);
    const name = required(
      body,
      'deploymentGroupName',
      'DeploymentGroupNameRequiredException',
      'The deployment group name',
    );
    const key = `${app.applicationName}/${name}`;
    if (this.groups.has(key))
      throw codeDeployError(
        'DeploymentGroupAlreadyExistsException',
        `The deployment group ${name} already exists for application ${app.applicationName}.`,
      );
    const serviceRoleArn = roleArn(
      required(body, 'serviceRoleArn', 'RoleRequiredException', 'The service role ARN'),
    );
    const deploymentConfigName = optionalString(body, 'deploymentConfigName') ?? DEFAULT_LAMBDA_CONFIG;
    this.configNamed(deploymentConfigName);
    const group: DeploymentGroup = {
      applicationName: app.applicationName,
      deploymentGroupId: randomUUID(),
      deploymentGroupName: name,
      deploymentConfigName,
      serviceRoleArn,
      alarmConfiguration: readAlarmConfiguration(body.alarmConfiguration),
      autoRollbackConfiguration: readAutoRollback(body.autoRollbackConfiguration),
    };
    this.groups.set(key, group);
    return { deploymentGroupId: group.deploymentGroupId };
  }

  /** Changes what is given (name, configuration, role, alarms, automatic rollback); the rest is kept. */
  private updateDeploymentGroup(body: JsonObject): unknown {
    const current = optionalString(body, 'currentDeploymentGroupName');
    const group = this.group({ ...body, deploymentGroupName: current });
    const newName = optionalString(body, 'newDeploymentGroupName');
    const oldKey = `${group.applicationName}/${group.deploymentGroupName}`;
    const newKey = `${group.applicationName}/${newName}`;
    if (newName && newName !== group.deploymentGroupName && this.groups.has(newKey))
      throw codeDeployError(
        'DeploymentGroupAlreadyExistsException',
        `The deployment group ${newName} already exists for application ${group.applicationName}.`,
      );
    const configName = optionalString(body, 'deploymentConfigName');
    if (configName) this.configNamed(configName);
    const role = optionalString(body, 'serviceRoleArn');
    const updated: DeploymentGroup = {
      ...group,
      deploymentGroupName: newName ?? group.deploymentGroupName,
      deploymentConfigName: configName ?? group.deploymentConfigName,
      serviceRoleArn: role ? roleArn(role) : group.serviceRoleArn,
      alarmConfiguration:
        body.alarmConfiguration === undefined
          ? group.alarmConfiguration
          : readAlarmConfiguration(body.alarmConfiguration),
      autoRollbackConfiguration:
        body.autoRollbackConfiguration === undefined
          ? group.autoRollbackConfiguration
          : readAutoRollback(body.autoRollbackConfiguration),
    };
    this.groups.delete(oldKey);
    this.groups.set(`${updated.applicationName}/${updated.deploymentGroupName}`, updated);
    return { hooksNotCleanedUp: [] };
  }

  private createDeploymentConfig(body: JsonObject): unknown {
    const name = required(
      body,
      'deploymentConfigName',
      'DeploymentConfigNameRequiredException',
      'The deployment configuration name',
    );
    if (name.startsWith('CodeDeployDefault.')) {
      throw codeDeployError(
        'InvalidDeploymentConfigNameException',
        `The prefix CodeDeployDefault. is reserved for predefined configurations: ${name}`,
      );
    }
    if (this.configs.has(name))
      throw codeDeployError(
        'DeploymentConfigAlreadyExistsException',
        `The deployment configuration ${name} already exists.`,
      );
    const config: DeploymentConfig = {
      deploymentConfigId: randomUUID(),
      deploymentConfigName: name,
      computePlatform: lambdaComputePlatform(body),
      trafficRoutingConfig: readTrafficRouting(body.trafficRoutingConfig),
      createTime: this.ctx.clock.now(),
    };
    this.configs.set(name, config);
    return { deploymentConfigId: config.deploymentConfigId };
  }

  private readRevision(value: unknown): string {
    if (value === undefined || value === null)
      throw codeDeployError('RevisionRequiredException', 'The revision must be specified.');
    const revision = value as JsonObject;
    if (revision.revisionType !== 'AppSpecContent') {
      throw codeDeployError(
        'InvalidRevisionException',
        `The sandbox supports only revisionType AppSpecContent for Lambda, got ${JSON.stringify(revision.revisionType)}.`,
      );
    }
    const appSpec = (revision.appSpecContent ?? {}) as JsonObject;
    if (typeof appSpec.content !== 'string' || appSpec.content === '') {
      throw codeDeployError('InvalidRevisionException', 'appSpecContent.content must hold the AppSpec.');
    }
    if (typeof appSpec.sha256 === 'string') {
      const actual = createHash('sha256').update(appSpec.content).digest('hex');
      if (actual !== appSpec.sha256.toLowerCase()) {
        throw codeDeployError(
          'InvalidRevisionException',
          `appSpecContent.sha256 ${appSpec.sha256} does not match the content's SHA-256 ${actual}.`,
        );
      }
    }
    return appSpec.content;
  }

  private createDeployment(body: JsonObject): unknown {
    const group = this.group(body);
    const content = this.readRevision(body.revision);
    const active = [...this.deployments.values()].find(
      (d) =>
        d.applicationName === group.applicationName &&
        d.deploymentGroupName === group.deploymentGroupName &&
        !isFinished(d.status),
    );
    if (active) {
      throw codeDeployError(
        'DeploymentLimitExceededException',
        `The Deployment Group '${group.deploymentGroupName}' already has an active Deployment '${active.deploymentId}'`,
      );
    }
    const config = this.configNamed(
      optionalString(body, 'deploymentConfigName') ?? group.deploymentConfigName,
    );
    const description = optionalString(body, 'description');
    if (description && description.length > 100)
      throw codeDeployError('DescriptionTooLongException', 'The description is longer than 100 characters.');
    const deployment: Deployment = {
      deploymentId: this.newDeploymentId(),
      applicationName: group.applicationName,
      deploymentGroupName: group.deploymentGroupName,
      deploymentConfigName: config.deploymentConfigName,
      revision: body.revision,
      appSpecContent: content,
      description,
      creator: 'user',
      status: 'Created',
      createTime: this.ctx.clock.now(),
      autoRollbackConfiguration: body.autoRollbackConfiguration
        ? readAutoRollback(body.autoRollbackConfiguration)
        : group.autoRollbackConfiguration,
      alarmConfiguration: group.alarmConfiguration,
      lifecycleEvents: (['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'] as const).map(
        (lifecycleEventName) => ({
          lifecycleEventName,
          status: 'Pending',
        }),
      ),
      targetWeight: 0,
    };
    this.deployments.set(deployment.deploymentId, deployment);
    group.lastAttemptedDeployment = {
      deploymentId: deployment.deploymentId,
      status: 'Created',
      createTime: deployment.createTime,
    };
    const run = new DeploymentRun(deployment, {
      clock: this.ctx.clock,
      lambda: this.ctx.lambda,
      alarms: this.alarms,
      steps: trafficSteps(config.trafficRoutingConfig),
      hookExecutions: this.hookExecutions,
      recordRollback: (failed) => this.recordRollback(failed),
      onFinished: (finished) => this.onFinished(finished),
    });
    this.runs.set(deployment.deploymentId, run);
    return { deploymentId: deployment.deploymentId };
  }

  private newDeploymentId(): string {
    for (;;) {
      const id = deploymentIdNew();
      if (!this.deployments.has(id)) return id;
    }
  }

  /** The rollback CodeDeploy creates for a failed or stopped deployment: it redeploys CurrentVersion at once. */
  private recordRollback(failed: Deployment): string {
    const now = this.ctx.clock.now();
    const rollback: Deployment = {
      ...failed,
      deploymentId: this.newDeploymentId(),
      creator: 'autoRollback',
      status: 'Succeeded',
      errorInformation: undefined,
      createTime: now,
      startTime: now,
      completeTime: now,
      rollbackInfo: { rollbackTriggeringDeploymentId: failed.deploymentId },
      lifecycleEvents: [
        { lifecycleEventName: 'AllowTraffic', status: 'Succeeded', startTime: now, endTime: now },
      ],
      targetWeight: 0,
    };
    this.deployments.set(rollback.deploymentId, rollback);
    return rollback.deploymentId;
  }

  private onFinished(deployment: Deployment): void {
    this.runs.delete(deployment.deploymentId);
    const group = this.groups.get(`${deployment.applicationName}/${deployment.deploymentGroupName}`);
    if (!group) return;
    const summary = {
      deploymentId: deployment.deploymentId,
      status: deployment.status,
      endTime: deployment.completeTime,
      createTime: deployment.createTime,
    };
    group.lastAttemptedDeployment = summary;
    if (deployment.status === 'Succeeded') group.lastSuccessfulDeployment = summary;
  }

  private listDeployments(body: JsonObject): unknown {
    const applicationName = optionalString(body, 'applicationName');
    const groupName = optionalString(body, 'deploymentGroupName');
    // Both or neither: "If applicationName is specified, then deploymentGroupName must be specified."
    if (applicationName && !groupName)
      throw codeDeployError(
        'DeploymentGroupNameRequiredException',
        'deploymentGroupName must be specified with applicationName.',
      );
    if (groupName && !applicationName)
      throw codeDeployError(
        'ApplicationNameRequiredException',
        'applicationName must be specified with deploymentGroupName.',
      );
    if (applicationName) this.group(body);
    const statuses = Array.isArray(body.includeOnlyStatuses) ? (body.includeOnlyStatuses as string[]) : [];
    const unknown = statuses.filter((status) => !DEPLOYMENT_STATUSES.includes(status));
    if (unknown.length > 0)
      throw codeDeployError(
        'InvalidDeploymentStatusException',
        `Unknown deployment status(es): ${unknown.join(', ')}`,
      );
    const ids = [...this.deployments.values()]
      .filter(
        (d) =>
          !applicationName || (d.applicationName === applicationName && d.deploymentGroupName === groupName),
      )
      .filter((d) => statuses.length === 0 || statuses.includes(d.status))
      .sort((a, b) => b.createTime - a.createTime)
      .map((d) => d.deploymentId);
    const offset = this.readNextToken(body.nextToken);
    const page = ids.slice(offset, offset + PAGE_SIZE);
    const next =
      offset + PAGE_SIZE < ids.length
        ? Buffer.from(String(offset + PAGE_SIZE)).toString('base64')
        : undefined;
    return { deployments: page, nextToken: next };
  }

  private readNextToken(token: unknown): number {
    if (token === undefined || token === null || token === '') return 0;
    const offset = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString('utf8')) : NaN;
    if (!Number.isInteger(offset) || offset < 0)
      throw codeDeployError(
        'InvalidNextTokenException',
        'The next token was specified in an invalid format.',
      );
    return offset;
  }

  private async stopDeployment(body: JsonObject): Promise<unknown> {
    const deployment = this.deployment(body);
    const run = this.runs.get(deployment.deploymentId);
    if (isFinished(deployment.status) || !run) {
      throw codeDeployError(
        'DeploymentAlreadyCompletedException',
        `The deployment ${deployment.deploymentId} has already completed.`,
      );
    }
    // Without autoRollbackEnabled the deployment group's DEPLOYMENT_STOP_ON_REQUEST setting decides.
    const { enabled, events } = deployment.autoRollbackConfiguration;
    const rollback =
      typeof body.autoRollbackEnabled === 'boolean'
        ? body.autoRollbackEnabled
        : enabled && events.includes('DEPLOYMENT_STOP_ON_REQUEST');
    await run.stop(rollback);
    return {
      status: 'Succeeded',
      statusMessage: `Deployment ${deployment.deploymentId} of application ${deployment.applicationName} on deployment group ${deployment.deploymentGroupName} stopped${deployment.rollbackInfo?.rollbackDeploymentId ? ` and rolled back by ${deployment.rollbackInfo.rollbackDeploymentId}` : ''}.`,
    };
  }

  private putHookStatus(body: JsonObject): unknown {
    const deployment = this.deployment(body);
    const executionId = optionalString(body, 'lifecycleEventHookExecutionId');
    const execution = executionId ? this.hookExecutions.get(executionId) : undefined;
    if (!execution || execution.deploymentId !== deployment.deploymentId) {
      throw codeDeployError(
        'InvalidLifecycleEventHookExecutionIdException',
        `The lifecycle event hook execution ID ${executionId} is not valid for deployment ${deployment.deploymentId}.`,
      );
    }
    const status = optionalString(body, 'status');
    if (status !== 'Succeeded' && status !== 'Failed') {
      throw codeDeployError(
        'InvalidLifecycleEventHookExecutionStatusException',
        `The status must be Succeeded or Failed, got ${JSON.stringify(status)}.`,
      );
    }
    if (execution.status !== 'Pending') {
      throw codeDeployError(
        'LifecycleEventAlreadyCompletedException',
        `The lifecycle event ${execution.event} of deployment ${deployment.deploymentId} has already completed.`,
      );
    }
    execution.status = status;
    this.runs.get(deployment.deploymentId)?.hookReported();
    return { lifecycleEventHookExecutionId: execution.lifecycleEventHookExecutionId };
  }

  private getDeploymentTarget(body: JsonObject): unknown {
    const deployment = this.deployment(body);
    const requested = required(body, 'targetId', 'DeploymentTargetIdRequiredException', 'The target ID');
    if (requested !== targetId(deployment)) {
      throw codeDeployError(
        'DeploymentTargetDoesNotExistException',
        `The target ${requested} is not part of deployment ${deployment.deploymentId}.`,
      );
    }
    return {
      deploymentTarget: deploymentTargetView(deployment, this.ctx.lambda.accountId, this.ctx.lambda.region),
    };
  }
}
