import { randomUUID } from 'node:crypto';
import type { Clock } from '../contracts.js';
import type { CodeInput, CodeStore } from './code-source.js';
import {
  checkDescription,
  configure,
  validateConfiguration,
  type ConfigurationInput,
} from './configuration.js';
import { conflict, invalidParameter, notFound, preconditionFailed, validationError } from './errors.js';
import {
  snapshotFingerprint,
  type AliasState,
  type FunctionSnapshot,
  type FunctionState,
  type PackageType,
  type VersionState,
} from './model.js';

export interface CreateFunctionInput extends ConfigurationInput {
  FunctionName: string;
  Publish?: boolean;
  PackageType?: PackageType;
  Code?: CodeInput;
  Architectures?: string[];
}

export interface UpdateCodeInput extends CodeInput {
  Publish?: boolean;
  DryRun?: boolean;
  RevisionId?: string;
}

/** The settings UpdateFunctionConfiguration may change, guarded by a RevisionId. */
export interface UpdateConfigurationInput extends ConfigurationInput {
  RevisionId?: string;
}

export interface AliasInput {
  FunctionVersion?: string;
  Description?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
  RevisionId?: string;
}

export interface Page<T> {
  items: T[];
  nextMarker?: string;
}

/** Service model shapes Alias (max 128), Version (FunctionVersion) and AdditionalVersion (a routing weight's key). */
const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
const VERSION = /^(\$LATEST|[0-9]+)$/;
const ADDITIONAL_VERSION = /^[0-9]+$/;

/** An alias name as the model constrains it, in a path (GetAlias, UpdateAlias, DeleteAlias) or a body (CreateAlias). */
export function checkAliasName(aliasName: string): void {
  if (aliasName.length > 128) {
    throw validationError(aliasName, 'name', 'Member must have length less than or equal to 128');
  }
  if (!ALIAS_NAME.test(aliasName)) {
    throw validationError(
      aliasName,
      'name',
      `Member must satisfy regular expression pattern: ${ALIAS_NAME.source.slice(1, -1)}`,
    );
  }
}

/** An alias's settings as the model constrains them: FunctionVersion, Description, routing keys and weights. */
function checkAliasInput(input: AliasInput): void {
  if (input.FunctionVersion !== undefined && !VERSION.test(input.FunctionVersion)) {
    throw validationError(
      input.FunctionVersion,
      'functionVersion',
      `Member must satisfy regular expression pattern: ${VERSION.source.slice(1, -1)}`,
    );
  }
  checkDescription(input.Description);
  for (const [version, weight] of Object.entries(input.RoutingConfig?.AdditionalVersionWeights ?? {})) {
    if (!ADDITIONAL_VERSION.test(version)) {
      throw validationError(
        version,
        'routingConfig.additionalVersionWeights',
        `Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${ADDITIONAL_VERSION.source.slice(1, -1)}]`,
      );
    }
    if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) {
      throw validationError(
        weight,
        'routingConfig.additionalVersionWeights',
        'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]',
      );
    }
  }
}

/** Lambda's control plane: the rules every mutation obeys. All times are simulated (the sandbox clock). */
export class FunctionStore {
  private functions = new Map<string, FunctionState>();
  private readonly clock: Clock;
  private readonly code: CodeStore;
  private readonly updateDelayMs: number;
  readonly accountId: string;
  readonly region: string;

  constructor(opts: {
    clock: Clock;
    code: CodeStore;
    updateDelayMs: number;
    accountId: string;
    region: string;
  }) {
    this.clock = opts.clock;
    this.code = opts.code;
    this.updateDelayMs = opts.updateDelayMs;
    this.accountId = opts.accountId;
    this.region = opts.region;
  }

  functionArn(name: string, qualifier?: string): string {
    const base = `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`;
    return qualifier === undefined ? base : `${base}:${qualifier}`;
  }

  all(): FunctionState[] {
    return [...this.functions.values()].map((fn) => this.settle(fn));
  }

  get(name: string): FunctionState {
    const fn = this.functions.get(name);
    if (!fn) throw notFound(`Function not found: ${this.functionArn(name)}`);
    return this.settle(fn);
  }

  find(name: string): FunctionState | undefined {
    const fn = this.functions.get(name);
    return fn && this.settle(fn);
  }

  private settle(fn: FunctionState): FunctionState {
    this.lastUpdateStatus(fn);
    return fn;
  }

  state(fn: FunctionState): 'Pending' | 'Active' {
    return this.clock.now() < fn.activeAt ? 'Pending' : 'Active';
  }

  /**
   * Whether the last update has finished, read at one instant with what finishing does: $LATEST gets its final
   * RevisionId. So an answer saying Successful always carries that RevisionId, however the clock moves meanwhile.
   */
  lastUpdateStatus(fn: FunctionState): 'InProgress' | 'Successful' {
    if (this.clock.now() < fn.updateCompletesAt) return 'InProgress';
    if (fn.revisionOnceUpdated) {
      fn.latest.revisionId = fn.revisionOnceUpdated;
      fn.revisionOnceUpdated = undefined;
    }
    return 'Successful';
  }

  /** Version ("$LATEST", "3") or alias; `alias` is set when the qualifier named an alias. */
  resolve(
    name: string,
    qualifier: string | undefined,
  ): { fn: FunctionState; version: VersionState; alias?: AliasState } {
    const fn = this.get(name);
    if (qualifier === undefined || qualifier === '$LATEST') return { fn, version: fn.latest };
    const published = fn.versions.get(qualifier);
    if (published) return { fn, version: published };
    const alias = fn.aliases.get(qualifier);
    if (alias) return { fn, version: this.version(fn, alias.functionVersion), alias };
    throw notFound(`Function not found: ${this.functionArn(name, qualifier)}`);
  }

  create(input: CreateFunctionInput): { fn: FunctionState; version: VersionState } {
    const name = input.FunctionName;
    if (!name || !/^[a-zA-Z0-9-_]{1,64}$/.test(name)) {
      throw validationError(
        name,
        'functionName',
        'Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length less than or equal to 64',
      );
    }
    if (this.functions.has(name)) throw conflict(`Function already exist: ${name}`);
    if (!input.Role) throw invalidParameter('The role defined for the function cannot be assumed by Lambda.');
    const packageType = input.PackageType ?? 'Zip';
    if (packageType === 'Zip' && (!input.Runtime || !input.Handler)) {
      throw invalidParameter(
        'Runtime and Handler are mandatory parameters for functions created with Zip packages.',
      );
    }
    validateConfiguration(input);
    const resolved = this.code.resolve(input.Code, packageType);
    const now = this.clock.now();
    const snapshot: FunctionSnapshot = {
      packageType,
      runtime: packageType === 'Zip' ? input.Runtime : undefined,
      handler: packageType === 'Zip' ? input.Handler : undefined,
      role: input.Role,
      description: input.Description ?? '',
      timeoutSeconds: input.Timeout ?? 3,
      memorySize: input.MemorySize ?? 128,
      environment: { ...(input.Environment?.Variables ?? {}) },
      layers: [...(input.Layers ?? [])],
      ephemeralStorageMb: input.EphemeralStorage?.Size ?? 512,
      architectures: input.Architectures ?? ['x86_64'],
      imageConfig: input.ImageConfig,
      ...resolved,
    };
    const fn: FunctionState = {
      name,
      latest: {
        version: '$LATEST',
        snapshot,
        revisionId: randomUUID(),
        lastModified: now,
        description: snapshot.description,
      },
      // A new function is Pending until its resources are ready; see "Lambda function states" in the developer guide.
      activeAt: now + this.updateDelayMs,
      updateCompletesAt: now,
      versions: new Map(),
      nextVersion: 1,
      aliases: new Map(),
    };
    this.functions.set(name, fn);
    if (input.Publish) return { fn, version: this.publishSnapshot(fn, '') };
    return { fn, version: fn.latest };
  }

  delete(name: string, qualifier: string | undefined): void {
    const fn = this.get(name);
    if (qualifier === undefined) {
      this.functions.delete(name);
      return;
    }
    if (qualifier === '$LATEST') {
      throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    }
    if (!fn.versions.has(qualifier))
      throw notFound(`Function not found: ${this.functionArn(name, qualifier)}`);
    const users = [...fn.aliases.values()].filter(
      (a) => a.functionVersion === qualifier || qualifier in a.additionalVersionWeights,
    );
    if (users.length > 0) {
      throw conflict(
        `Unable to delete version because the following aliases reference it: [${users.map((a) => a.name).join(', ')}]`,
      );
    }
    fn.versions.delete(qualifier);
  }

  updateCode(name: string, input: UpdateCodeInput): VersionState {
    const fn = this.get(name);
    this.assertUpdatable(fn);
    checkRevision(input.RevisionId, fn.latest.revisionId);
    const resolved = this.code.resolve(input, fn.latest.snapshot.packageType);
    const snapshot: FunctionSnapshot = { ...fn.latest.snapshot, ...resolved };
    // DryRun validates the request and the code without touching the function (UpdateFunctionCode "DryRun").
    if (input.DryRun) return { ...fn.latest, snapshot };
    this.applyUpdate(fn, snapshot);
    return input.Publish ? this.publishOrReuse(fn, '') : fn.latest;
  }

  updateConfiguration(name: string, input: UpdateConfigurationInput): VersionState {
    const fn = this.get(name);
    this.assertUpdatable(fn);
    checkRevision(input.RevisionId, fn.latest.revisionId);
    this.applyUpdate(fn, configure(fn.latest.snapshot, input));
    return fn.latest;
  }

  publish(
    name: string,
    input: { CodeSha256?: string; Description?: string; RevisionId?: string },
  ): VersionState {
    checkDescription(input.Description);
    const fn = this.get(name);
    this.assertUpdatable(fn);
    checkRevision(input.RevisionId, fn.latest.revisionId);
    const current = fn.latest.snapshot.codeSha256;
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== current) {
      // Lambda answers a mismatch with InvalidParameterValueException (400), not PreconditionFailed.
      throw invalidParameter(
        `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${current}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    return this.publishOrReuse(fn, input.Description ?? '');
  }

  listVersions(name: string, marker: string | undefined, maxItems: number | undefined): Page<VersionState> {
    const fn = this.get(name);
    return paginate([fn.latest, ...fn.versions.values()], marker, maxItems);
  }

  createAlias(name: string, aliasName: string, input: AliasInput): AliasState {
    checkAliasName(aliasName);
    checkAliasInput(input);
    const fn = this.get(name);
    if (fn.aliases.has(aliasName))
      throw conflict(`Alias already exists: ${this.functionArn(name, aliasName)}`);
    if (!input.FunctionVersion) throw invalidParameter('FunctionVersion is required');
    const weights = input.RoutingConfig?.AdditionalVersionWeights ?? {};
    this.validateRouting(fn, input.FunctionVersion, weights);
    const alias: AliasState = {
      name: aliasName,
      functionVersion: input.FunctionVersion,
      additionalVersionWeights: { ...weights },
      description: input.Description ?? '',
      revisionId: randomUUID(),
    };
    fn.aliases.set(aliasName, alias);
    return alias;
  }

  getAlias(name: string, aliasName: string): AliasState {
    const alias = this.get(name).aliases.get(aliasName);
    if (!alias) throw notFound(`Alias not found: ${this.functionArn(name, aliasName)}`);
    return alias;
  }

  updateAlias(name: string, aliasName: string, input: AliasInput): AliasState {
    checkAliasInput(input);
    const fn = this.get(name);
    const alias = this.getAlias(name, aliasName);
    checkRevision(input.RevisionId, alias.revisionId);
    const functionVersion = input.FunctionVersion ?? alias.functionVersion;
    // RoutingConfig replaces the previous one when given; `{}` clears it (UpdateAlias API reference).
    const weights = input.RoutingConfig
      ? (input.RoutingConfig.AdditionalVersionWeights ?? {})
      : alias.additionalVersionWeights;
    this.validateRouting(fn, functionVersion, weights);
    alias.functionVersion = functionVersion;
    alias.additionalVersionWeights = { ...weights };
    alias.description = input.Description ?? alias.description;
    alias.revisionId = randomUUID();
    return alias;
  }

  /** CodeDeploy's way of moving an alias: the same routing rules, no RevisionId guard. */
  setAliasRouting(
    name: string,
    aliasName: string,
    functionVersion: string,
    weights: Record<string, number>,
  ): AliasState {
    return this.updateAlias(name, aliasName, {
      FunctionVersion: functionVersion,
      RoutingConfig: { AdditionalVersionWeights: weights },
    });
  }

  deleteAlias(name: string, aliasName: string): void {
    const fn = this.get(name);
    fn.aliases.delete(aliasName);
  }

  listAliases(
    name: string,
    functionVersion: string | undefined,
    marker: string | undefined,
    maxItems: number | undefined,
  ): Page<AliasState> {
    const fn = this.get(name);
    const aliases = [...fn.aliases.values()]
      .filter(
        (a) =>
          functionVersion === undefined ||
          a.functionVersion === functionVersion ||
          functionVersion in a.additionalVersionWeights,
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    return paginate(aliases, marker, maxItems);
  }

  setReservedConcurrency(name: string, value: number | undefined): void {
    this.get(name).reservedConcurrency = value;
  }

  private version(fn: FunctionState, version: string): VersionState {
    if (version === '$LATEST') return fn.latest;
    const found = fn.versions.get(version);
    if (!found) throw notFound(`Function not found: ${this.functionArn(fn.name, version)}`);
    return found;
  }

  /**
   * Alias routing rules (developer guide, "Lambda alias routing configuration"): one additional version at
   * most, weight within [0, 1], both versions published (never $LATEST), same execution role.
   */
  private validateRouting(fn: FunctionState, primary: string, weights: Record<string, number>): void {
    const primaryVersion = this.version(fn, primary);
    const extra = Object.entries(weights);
    const [first] = extra;
    if (!first) return;
    if (extra.length > 1) {
      throw invalidParameter(
        `Alias can route traffic to at most one additional version, got ${extra.length}: ${extra.map(([v]) => v).join(', ')}`,
      );
    }
    const [other] = first;
    if (primary === '$LATEST' || other === '$LATEST') {
      throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
    }
    if (other === primary) {
      throw invalidParameter(
        `Invalid function version ${other}. Function version ${other} is already included in routing configuration.`,
      );
    }
    const otherVersion = this.version(fn, other);
    if (otherVersion.snapshot.role !== primaryVersion.snapshot.role) {
      throw invalidParameter('Specified versions must be associated with the same execution role');
    }
  }

  private assertUpdatable(fn: FunctionState): void {
    if (this.state(fn) === 'Pending') {
      throw conflict(
        `The operation cannot be performed at this time. The function is currently in the following state: Pending`,
      );
    }
    if (this.lastUpdateStatus(fn) === 'InProgress') {
      throw conflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${this.functionArn(fn.name)}`,
      );
    }
  }

  private applyUpdate(fn: FunctionState, snapshot: FunctionSnapshot): void {
    const now = this.clock.now();
    fn.latest = {
      version: '$LATEST',
      snapshot,
      revisionId: randomUUID(),
      lastModified: now,
      description: snapshot.description,
    };
    fn.updateCompletesAt = now + this.updateDelayMs;
    fn.revisionOnceUpdated = randomUUID();
  }

  /** Lambda does not publish when code and configuration are unchanged since the last version: it returns that version. */
  private publishOrReuse(fn: FunctionState, description: string): VersionState {
    const last = [...fn.versions.values()].pop();
    if (last && snapshotFingerprint(last.snapshot) === snapshotFingerprint(fn.latest.snapshot)) return last;
    return this.publishSnapshot(fn, description);
  }

  private publishSnapshot(fn: FunctionState, description: string): VersionState {
    const version: VersionState = {
      version: String(fn.nextVersion++),
      snapshot: { ...fn.latest.snapshot },
      revisionId: randomUUID(),
      lastModified: this.clock.now(),
      description,
    };
    fn.versions.set(version.version, version);
    return version;
  }
}

function checkRevision(given: string | undefined, current: string): void {
  if (given !== undefined && given !== current) {
    throw preconditionFailed(
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
}

/** Marker is the index of the next item, opaque to callers; MaxItems defaults to 50 (API reference). */
function paginate<T>(items: T[], marker: string | undefined, maxItems: number | undefined): Page<T> {
  const limit = maxItems ?? 50;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= 10000)) {
    throw invalidParameter(
      `1 validation error detected: Value '${maxItems}' at 'maxItems' failed to satisfy constraint`,
    );
  }
  const start = marker === undefined ? 0 : Number(Buffer.from(marker, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0 || start > items.length)
    throw invalidParameter(`Invalid marker: ${marker}`);
  const page = items.slice(start, start + limit);
  const next = start + page.length;
  return next < items.length
    ? { items: page, nextMarker: Buffer.from(String(next)).toString('base64url') }
    : { items: page };
}
