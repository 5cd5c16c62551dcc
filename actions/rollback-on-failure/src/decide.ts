import {
  describeAlias,
  UserError,
  type AliasState,
  type DeploymentRecord,
  type Logger,
} from '@lambda-release-kit/core';
import { releaseOf } from './record-source.js';

/** What to do with the alias, decided from the inputs, the record and the alias's live state. */
export type AliasPlan =
  | { kind: 'nothing'; version: string; explanation: string }
  | { kind: 'superseded'; explanation: string }
  | { kind: 'move'; from: string; to: string; why: string };

/** Read-only questions the decision may need answered; each is asked only when the alias cannot answer it. */
export interface VersionLookups {
  /** True when `version` is a published version of the function. */
  exists(version: string): Promise<boolean>;
  /** Every published version number, oldest first. */
  published(): Promise<string[]>;
}

export interface AliasDecisionInput {
  functionName: string;
  alias: AliasState;
  targetVersion?: string | undefined;
  record?: DeploymentRecord | undefined;
  /** Why a record that was given could not be used; the live state is then trusted only where it is unambiguous. */
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
 * Decides where the alias goes, in the order of the spec: an explicit target version, the record's previous
 * version, the primary of an alias that still routes weight to a second version, then the newest published
 * version older than the failed (or current) one. Throws a UserError when no earlier version exists.
 */
export async function decideAliasTarget(
  input: AliasDecisionInput,
  lookups: VersionLookups,
  logger: Logger,
): Promise<AliasPlan> {
  const { alias, record, functionName } = input;
  const where = `alias ${alias.name} of ${functionName}`;
  const state = describeAlias(alias);

  if (input.targetVersion) {
    const target = input.targetVersion;
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
    return {
      kind: 'move',
      from: servingVersion(alias),
      to: target,
      why: `target-version ${target} was given`,
    };
  }

  const released = releaseOf(record, functionName, alias.name);
  const failed = released?.target?.version;
  const previous = released?.previous?.version;
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
  if (previous) {
    if (routedVersions(alias).includes(previous) || (await lookups.exists(previous))) {
      return {
        kind: 'move',
        from: servingVersion(alias, failed),
        to: previous,
        why: `the deployment record says version ${previous} was live before version ${failed ?? '(unknown)'}`,
      };
    }
    logger.warning(
      `the deployment record's previous version ${previous} is no longer a published version of ${functionName}; deciding from the alias's live state`,
    );
  }

  const extra = Object.keys(alias.weights)[0];
  if (extra !== undefined && alias.version !== failed) {
    return {
      kind: 'move',
      from: extra,
      to: alias.version,
      why: `${where} still routes weight to version ${extra} from an unfinished deploy; its primary version ${alias.version} is the stable one`,
    };
  }

  const newest = failed ?? alias.version;
  if (input.recordProblem) {
    throw new UserError(
      `${input.recordProblem}; without it there is no safe way to tell whether version ${newest} (${where} sends ${state}) is the failed release. ` +
        `Nothing changed: give 'target-version', or a valid 'record'/'record-file'`,
    );
  }
  const versions = await lookups.published();
  const earlier = versions.filter((v) => Number(v) < Number(newest)).at(-1);
  if (!earlier) {
    throw new UserError(
      `no earlier version to roll back to; versions: ${versions.join(', ') || 'none published'} (${where} sends ${state})`,
    );
  }
  return {
    kind: 'move',
    from: servingVersion(alias, failed),
    to: earlier,
    why: `version ${earlier} is the newest published version older than version ${newest}`,
  };
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
