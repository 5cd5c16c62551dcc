import {
  describeAlias,
  parseVersionDescription,
  UserError,
  type AliasState,
  type DeploymentRecord,
  type FunctionRelease,
} from '@lambda-release-kit/core';
import { releaseOf } from './record-source.js';
import { namesRun, type WorkflowRun } from './workflow-run.js';

/**
 * What to do with the alias, decided from the inputs, the record and the alias's live state. `superseded`: another
 * release has it (promoted, or a canary in progress), never undone. `unproven`: without a record, nothing live ties
 * the alias to this run's release, so it is not ours to move.
 */
export type AliasPlan =
  | { kind: 'nothing'; version: string; explanation: string }
  | { kind: 'superseded'; explanation: string }
  | { kind: 'unproven'; explanation: string }
  | { kind: 'move'; from: string; to: string; why: string };

/** Read-only questions the decision may need answered; each is asked only when the alias cannot answer it. */
export interface VersionLookups {
  /** True when `version` is a published version of the function. */
  exists(version: string): Promise<boolean>;
  /** The description of a published version (deploy-canary's names the release and its run), if any. */
  description(version: string): Promise<string | undefined>;
  /** Every published version number, oldest first. */
  published(): Promise<string[]>;
}

export interface AliasDecisionInput {
  functionName: string;
  alias: AliasState;
  targetVersion?: string | undefined;
  record?: DeploymentRecord | undefined;
  /** The workflow run this rollback belongs to: without a record, only its own release is moved. */
  run?: WorkflowRun | undefined;
  /** Why a record that was given could not be used: doing nothing then is a failure, not "nothing to do". */
  recordProblem?: string | undefined;
}

export function routedVersions(alias: AliasState): string[] {
  return [alias.version, ...Object.keys(alias.weights)];
}

function isPlain(alias: AliasState, version: string): boolean {
  return alias.version === version && Object.keys(alias.weights).length === 0;
}

/** The version a rollback moves traffic away from: the one carrying the extra weight, else the primary. */
export function servingVersion(alias: AliasState, failed?: string): string {
  if (failed && routedVersions(alias).includes(failed)) return failed;
  return Object.keys(alias.weights)[0] ?? alias.version;
}

/**
 * Decides where the alias goes: an explicit target version; else, with the record, the record's previous version
 * unless another release has the alias; else (no usable record) the primary of a weighted alias whose canary this
 * run published. Never a guess: throws a UserError when this release is live and nothing says what it replaced.
 */
export async function decideAliasTarget(
  input: AliasDecisionInput,
  lookups: VersionLookups,
): Promise<AliasPlan> {
  const { alias, functionName } = input;
  const where = `alias ${alias.name} of ${functionName}`;
  if (input.targetVersion) return decideTarget(input.targetVersion, input, lookups, where);
  const released = releaseOf(input.record, functionName, alias.name);
  if (released) return decideFromRecord(released, input, lookups, where);
  const plan = await decideFromLiveState(input, lookups, where);
  if (plan.kind !== 'unproven') return plan;
  // A record was given and is broken: the job it was given for is not done, so this fails rather than passes.
  if (input.recordProblem) {
    throw new UserError(
      `${input.recordProblem}; without it, ${plan.explanation}, or a valid 'record'/'record-file'`,
    );
  }
  return { kind: 'unproven', explanation: `without a deployment record, ${plan.explanation}` };
}

async function decideTarget(
  target: string,
  { alias, functionName }: AliasDecisionInput,
  lookups: VersionLookups,
  where: string,
): Promise<AliasPlan> {
  if (isPlain(alias, target)) {
    return {
      kind: 'nothing',
      version: target,
      explanation: `${where} already sends 100% to version ${target}`,
    };
  }
  if (!routedVersions(alias).includes(target) && !(await lookups.exists(target))) {
    throw new UserError(
      `input 'target-version' is ${target}, which is not a published version of ${functionName}; versions: ${await listText(lookups)}`,
    );
  }
  return { kind: 'move', from: servingVersion(alias), to: target, why: `target-version ${target} was given` };
}

async function decideFromRecord(
  released: FunctionRelease,
  { alias, record, functionName }: AliasDecisionInput,
  lookups: VersionLookups,
  where: string,
): Promise<AliasPlan> {
  const state = describeAlias(alias);
  const failed = released.target?.version;
  const previous = released.previous?.version;
  if (previous && isPlain(alias, previous)) {
    const earlier = record?.status === 'rolled-back' ? ' (the record says it was already rolled back)' : '';
    return {
      kind: 'nothing',
      version: previous,
      explanation: `${where} already sends 100% to version ${previous}, the version before this release${earlier}`,
    };
  }
  if (failed && !routedVersions(alias).includes(failed)) {
    // Someone moved the alias after this release failed (a newer release or a manual fix): never undo that.
    return {
      kind: 'superseded',
      explanation:
        `${where} sends ${state} and no traffic to version ${failed}, the version this release deployed; ` +
        `a later release or a person has moved it since, so rolling back${previous ? ` to version ${previous}` : ''} would undo that. ` +
        `Nothing changed; give 'target-version' to force a version.`,
    };
  }
  const other = routedVersions(alias).find((v) => v !== failed && v !== previous);
  if (other !== undefined) {
    // Another release is shifting traffic (from ours, or to it): moving the alias would undo it half-way.
    return {
      kind: 'superseded',
      explanation: `left: another release (version ${other}) is in progress on ${alias.name} (${where} sends ${state}, not only this release's versions ${[previous, failed].filter(Boolean).join(' and ')}); nothing changed. Give 'target-version' to force a version.`,
    };
  }
  if (previous && (routedVersions(alias).includes(previous) || (await lookups.exists(previous)))) {
    return {
      kind: 'move',
      from: servingVersion(alias, failed),
      to: previous,
      why: `the deployment record says version ${previous} was live before version ${failed ?? '(unknown)'}`,
    };
  }
  const why = previous
    ? `the deployment record's previous version ${previous} is no longer a published version of ${functionName}`
    : `the deployment record has no previous version of ${functionName} (the release created ${alias.name})`;
  throw new UserError(
    `${why}, so there is no version to restore (${where} sends ${state}); nothing changed — give 'target-version' to choose one`,
  );
}

/**
 * Without a usable record, only live evidence that this run's release is on the alias allows a move: weight toward
 * a version whose description names this run goes back to the primary version, the one that release replaced; 100%
 * on such a version goes back to the version its description says it replaced, while that is still published.
 */
async function decideFromLiveState(
  { alias, run, functionName }: AliasDecisionInput,
  lookups: VersionLookups,
  where: string,
): Promise<AliasPlan> {
  const state = describeAlias(alias);
  if (!run) {
    return {
      kind: 'unproven',
      explanation: `nothing ties ${where} (${state}) to a release of this run: the rollback runs outside a workflow run (no GITHUB_RUN_ID), so nothing changed. Give 'target-version' to choose a version`,
    };
  }
  const extra = Object.keys(alias.weights)[0];
  const candidate = extra ?? alias.version;
  const description = await lookups.description(candidate);
  const ours = namesRun(description, run);
  if (ours && extra !== undefined) {
    return {
      kind: 'move',
      from: extra,
      to: alias.version,
      why: `version ${extra}, which ${where} routes weight to, was published by this run (${run.url}); its primary version ${alias.version} is the one it replaced`,
    };
  }
  if (ours) {
    const replaced = parseVersionDescription(description).replaces;
    return restoreReplaced({ live: candidate, replaced, functionName }, run, lookups, where);
  }
  return {
    kind: 'unproven',
    explanation: `nothing ties ${where} (${state}) to this run: version ${candidate} was not published by ${run.url} (its description does not name it), so this run's release is not on the alias and nothing changed. Give 'target-version' to choose a version`,
  };
}

/** This run's version at 100%: back to the version its description says it replaced, if that is still published. */
async function restoreReplaced(
  { live, replaced, functionName }: { live: string; replaced: string | undefined; functionName: string },
  run: WorkflowRun,
  lookups: VersionLookups,
  where: string,
): Promise<AliasPlan> {
  const published = `${where} sends 100% to version ${live}, which this run published (${run.url})`;
  if (replaced !== undefined && replaced !== live && (await lookups.exists(replaced))) {
    return {
      kind: 'move',
      from: live,
      to: replaced,
      why: `${published}, and its description says it replaced version ${replaced}`,
    };
  }
  const missing =
    replaced !== undefined && replaced !== live
      ? `its description says it replaced version ${replaced}, which is no longer published`
      : 'without the deployment record nothing says which version it replaced';
  throw new UserError(
    `${published}, but ${missing}; nothing changed — give 'target-version' (aws lambda list-versions-by-function --function-name ${functionName} shows each version's description)`,
  );
}

async function listText(lookups: VersionLookups): Promise<string> {
  const versions = await lookups.published();
  return versions.join(', ') || 'none published';
}

/**
 * After a concurrent change (412) the alias is read again; before deciding afresh, make sure we would not fight
 * whoever changed it: already on our target means done, no longer routing to the version we were moving away
 * from means someone else has taken over.
 */
export function recheckAfterConflict(
  alias: AliasState,
  earlier: { from: string; to: string },
): AliasPlan | undefined {
  if (isPlain(alias, earlier.to)) {
    return {
      kind: 'nothing',
      version: earlier.to,
      explanation: `alias ${alias.name} was moved to 100% on version ${earlier.to} by someone else while we were rolling back`,
    };
  }
  if (!routedVersions(alias).includes(earlier.from)) {
    return {
      kind: 'superseded',
      explanation:
        `alias ${alias.name} changed while we were rolling back and now sends ${describeAlias(alias)}, no longer version ${earlier.from}; ` +
        `someone else has taken over, so nothing was changed. Give 'target-version' to force a version.`,
    };
  }
  return undefined;
}
