import { findS3Location, s3Location, type S3Object } from './s3-location.js';

/** Lambda's limit on a version's description, in characters. */
export const MAX_VERSION_DESCRIPTION = 256;

/**
 * What deploy-canary writes in the description of each version it publishes, parts separated by one space:
 *
 *   release <tag> commit <sha>      (or "deploy-canary"): cut, ending "...", when the rest leaves too little room
 *   s3://<bucket>/<key>?versionId=  the code's S3 object: left out whole when it does not fit, never cut
 *   replaces <N>                    the version the alias served when the deploy read it (absent on a first release)
 *   <run URL>/attempts/<A>          the workflow run (and attempt) that published it: never cut
 *
 * e.g. "release v1.2.0 commit 0123456789ab replaces 7 https://github.com/o/r/actions/runs/42/attempts/1".
 * A cut run URL could name another run (runs/4242 cut to runs/42), so a run URL too long to fit is left out: a
 * version whose description names no run is never treated as this run's.
 */
export interface VersionDescription {
  /** "release <tag> commit <sha>", or whatever names the release. */
  release: string;
  s3?: S3Object | undefined;
  /** The version this one replaced on the alias. */
  replaces?: string | undefined;
  runUrl?: string | undefined;
  /** GITHUB_RUN_ATTEMPT. */
  attempt?: string | undefined;
}

const RUN_TOKEN = /^(https?:\/\/\S+\/actions\/runs\/\d+)(?:\/attempts\/(\d+))?$/;
const ATTEMPT_SUFFIX = /\/attempts\/\d+$/;

/** The description deploy-canary gives a version, within Lambda's 256 characters (see VersionDescription). */
export function formatVersionDescription(parts: VersionDescription): string {
  const run = parts.runUrl
    ? `${parts.runUrl}${parts.attempt && /^\d+$/.test(parts.attempt) && !ATTEMPT_SUFFIX.test(parts.runUrl) ? `/attempts/${parts.attempt}` : ''}`
    : '';
  const replaces = parts.replaces !== undefined ? `replaces ${parts.replaces}` : '';
  const withRun = join(replaces, run);
  const tail = withRun.length <= MAX_VERSION_DESCRIPTION ? withRun : replaces;
  const s3 = parts.s3 ? s3Location(parts.s3) : '';
  const withS3 = join(s3, tail);
  const rest = withS3.length <= MAX_VERSION_DESCRIPTION ? withS3 : tail;
  const room = MAX_VERSION_DESCRIPTION - rest.length - (rest ? 1 : 0);
  return join(cut(parts.release, room), rest);
}

/** The parts of a description formatVersionDescription wrote (each absent when the description lacks it). */
export function parseVersionDescription(
  text: string | undefined,
): Omit<VersionDescription, 'release'> & { release?: string } {
  if (!text) return {};
  const tokens = text.split(' ');
  let run: RegExpExecArray | null = null;
  for (const token of tokens) run = RUN_TOKEN.exec(token) ?? run;
  let replaces: string | undefined;
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    if (token === 'replaces' && next !== undefined && /^\d+$/.test(next)) replaces = next;
  });
  const release = /^(?:release \S+|deploy-canary)(?: commit [0-9a-f]+)?/.exec(text)?.[0];
  const s3 = findS3Location(text);
  return {
    ...(release ? { release } : {}),
    ...(s3 ? { s3 } : {}),
    ...(replaces ? { replaces } : {}),
    ...(run?.[1] ? { runUrl: run[1] } : {}),
    ...(run?.[2] ? { attempt: run[2] } : {}),
  };
}

function join(...parts: string[]): string {
  return parts.filter(Boolean).join(' ');
}

function cut(text: string, room: number): string {
  if (text.length <= room) return text;
  return room > 3 ? `${text.slice(0, room - 3)}...` : '';
}
