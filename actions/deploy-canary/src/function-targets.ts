import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import {
  defaultRecordPath,
  findS3Location,
  type Inputs,
  InputError,
  quoteValue,
  type Redactor,
} from '@lambda-release-kit/core';
import { type CanaryTraffic, readItemCanaryTraffic } from './canary-traffic-input.js';
import { readConfiguration } from './configuration.js';
import { Input } from './constants.js';
import { type FunctionEntry, parseFunctionEntries } from './functions-input.js';
import type { CodeSource, FunctionTarget, NonEmpty } from './plan.js';
import { parseYamlInput } from './yaml-input.js';

/**
 * Which functions a release names and what each of them releases: the `functions` list or the single-function
 * inputs, each function's code source (zip files read now) and configuration.
 */

export const FUNCTION_NAME = /^(?:arn:[\w-]+:lambda:[\w-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}$/;
export const FUNCTION_EXPECTED = 'a function name like "orders-api" or its ARN, without a version or alias';
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const ALIAS_EXPECTED = 'an alias name of letters, digits, "-" or "_" (not only digits)';
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ENVIRONMENT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** Lambda runs images from Amazon ECR only: registry, repository, then a tag or a digest. */
const IMAGE_URI =
  /^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/;
/** S3 object keys and version ids: 1 to 1,024 characters. */
const S3_KEY = /^[^\r\n]{1,1024}$/;
const IMAGE_EXPECTED =
  'a container image URI like "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:v1.2.3"';
/** The single-function inputs that `functions` replaces with per-item keys. */
const SINGLE_FUNCTION_INPUTS = [
  Input.ZipFile,
  Input.S3Bucket,
  Input.S3Key,
  Input.S3ObjectVersion,
  Input.ImageUri,
  Input.Configuration,
  Input.CodeDeployApplication,
  Input.CodeDeployDeploymentGroup,
];
/** UpdateFunctionCode takes at most 50 MB inline; larger packages go through S3. */
const MAX_ZIP_BYTES = 50 * 1024 * 1024;

/** The release's functions, its environment and its record file: enough to leave a record when a later input is wrong. */
export interface RecordPlaceInputs {
  /** Each function's name and alias, in the order given. */
  functions: NonEmpty<{ functionName: string; alias: string }>;
  recordFile: string;
  environment?: string;
  /** The items of the `functions` input, when it is the form used. */
  entries?: NonEmpty<FunctionEntry & { alias: string }>;
}

export function readRecordPlace(inputs: Inputs, env: NodeJS.ProcessEnv): RecordPlaceInputs {
  const defaultAlias =
    inputs.string(Input.Alias, { pattern: ALIAS_NAME, expected: ALIAS_EXPECTED }) ?? 'live';
  const environment = inputs.string(Input.Environment, {
    pattern: ENVIRONMENT_NAME,
    expected: 'an environment name of at most 64 letters, digits, ".", "-" or "_", like "production"',
  });
  const entries = readEntries(inputs, defaultAlias);
  const functions: RecordPlaceInputs['functions'] = entries
    ? [entryPlace(entries[0]), ...entries.slice(1).map(entryPlace)]
    : [
        {
          functionName: inputs.string(Input.FunctionName, {
            required: true,
            pattern: FUNCTION_NAME,
            expected: FUNCTION_EXPECTED,
          }),
          alias: defaultAlias,
        },
      ];
  const [first] = functions;
  const recordFile =
    inputs.string(Input.RecordFile) ??
    defaultRecordPath(first.functionName, first.alias, env.RUNNER_TEMP || tmpdir(), environment);
  return {
    functions,
    recordFile,
    ...(environment !== undefined ? { environment } : {}),
    ...(entries ? { entries } : {}),
  };
}

/**
 * What the release prints in its log, outputs and record anyway (function names as given and short, aliases,
 * environment, region): the redactor never masks these, so a secret equal to one cannot blank them.
 */
export function printedNames(place: RecordPlaceInputs, region: string | undefined): string[] {
  const names = place.functions.flatMap((fn) => [
    fn.functionName,
    fn.functionName.replace(/^.*:function:/, ''),
    fn.alias,
  ]);
  return [
    ...names,
    ...(place.environment !== undefined ? [place.environment] : []),
    ...(region ? [region] : []),
  ];
}

const entryPlace = (entry: FunctionEntry & { alias: string }) => ({
  functionName: entry.name,
  alias: entry.alias,
});

/** The `functions` items with names and aliases checked, or undefined when the single-function inputs are used. */
function readEntries(inputs: Inputs, defaultAlias: string): RecordPlaceInputs['entries'] {
  const text = inputs.string(Input.Functions);
  if (text === undefined) return undefined;
  if (inputs.has(Input.FunctionName)) {
    throw new InputError(
      `inputs '${Input.FunctionName}' and '${Input.Functions}' were both given — expected one: '${Input.FunctionName}' for one function, '${Input.Functions}' for several`,
    );
  }
  const stray = SINGLE_FUNCTION_INPUTS.find((name) => inputs.has(name));
  if (stray) {
    throw new InputError(
      `input '${stray}' applies to '${Input.FunctionName}'; with '${Input.Functions}', give it as the key '${stray}' of each item`,
    );
  }
  const seen = new Set<string>();
  const checked = parseFunctionEntries(text).map((entry) => {
    if (!FUNCTION_NAME.test(entry.name)) {
      throw new InputError(
        `${entry.where} has the name ${JSON.stringify(entry.name)} — expected ${FUNCTION_EXPECTED}`,
      );
    }
    const alias = entry.alias ?? defaultAlias;
    if (!ALIAS_NAME.test(alias)) {
      throw new InputError(
        `${entry.where} has the alias ${JSON.stringify(alias)} — expected ${ALIAS_EXPECTED}`,
      );
    }
    const key = `${entry.name.replace(/^.*:function:/, '')}:${alias}`;
    if (seen.has(key)) {
      throw new InputError(`${entry.where} names ${key} again — expected each function and alias once`);
    }
    seen.add(key);
    return { ...entry, alias };
  });
  const [first, ...rest] = checked;
  if (!first) throw new InputError(`input '${Input.Functions}' has no functions`);
  return [first, ...rest];
}

/** The function of the single-function inputs, with its code source and configuration. */
export async function readSingleTarget(
  inputs: Inputs,
  redactor: Redactor,
): Promise<FunctionTarget & CodeDeployNames> {
  const functionName = inputs.string(Input.FunctionName, {
    required: true,
    pattern: FUNCTION_NAME,
    expected: FUNCTION_EXPECTED,
  });
  const alias = inputs.string(Input.Alias, { pattern: ALIAS_NAME, expected: ALIAS_EXPECTED }) ?? 'live';
  const source = await readCodeSource(inputs);
  const text = inputs.string(Input.Configuration);
  const configuration =
    text === undefined
      ? undefined
      : readConfiguration(
          parseYamlInput(text, `input '${Input.Configuration}'`, 'a map like "memory-size: 512"'),
          `input '${Input.Configuration}'`,
          redactor,
        );
  const application = inputs.string(Input.CodeDeployApplication);
  const group = inputs.string(Input.CodeDeployDeploymentGroup);
  return {
    functionName,
    alias,
    source,
    ...(configuration ? { configuration } : {}),
    names: {
      application: inputValue(Input.CodeDeployApplication, application),
      deploymentGroup: inputValue(Input.CodeDeployDeploymentGroup, group),
    },
  };
}

/**
 * The items of `functions`, each with its code source (zip files read now), configuration and canary traffic (its
 * own `canary-traffic` key, else the inputs' `canaryTraffic`, read with `canaryPayload`).
 */
export async function readListedTargets(
  entries: NonEmpty<FunctionEntry & { alias: string }>,
  redactor: Redactor,
  canary: { canaryTraffic?: CanaryTraffic | undefined; canaryPayload?: string | undefined } = {},
): Promise<NonEmpty<FunctionTarget & CodeDeployNames>> {
  const read = async (
    entry: FunctionEntry & { alias: string },
  ): Promise<FunctionTarget & CodeDeployNames> => {
    if (entry.zipFile !== undefined && entry.imageUri !== undefined) {
      throw new InputError(
        `${entry.where} has both 'zip-file' and 'image-uri' — expected at most one code source`,
      );
    }
    const configuration =
      entry.configuration === undefined
        ? undefined
        : readConfiguration(entry.configuration, `${entry.where} 'configuration'`, redactor);
    const own = await readItemCanaryTraffic(entry.canaryTraffic, entry.where, canary.canaryPayload);
    const canaryTraffic = own === undefined ? canary.canaryTraffic : own === 'off' ? undefined : own;
    return {
      functionName: entry.name,
      alias: entry.alias,
      source: await entrySource(entry),
      ...(configuration ? { configuration } : {}),
      ...(canaryTraffic ? { canaryTraffic } : {}),
      names: {
        application: itemValue(entry.where, 'codedeploy-application', entry.codedeployApplication),
        deploymentGroup: itemValue(
          entry.where,
          'codedeploy-deployment-group',
          entry.codedeployDeploymentGroup,
        ),
      },
    };
  };
  const [first, ...rest] = entries;
  return [await read(first), ...(await Promise.all(rest.map(read)))];
}

async function entrySource(entry: FunctionEntry): Promise<CodeSource> {
  const where = `${entry.where} 'zip-file'`;
  if (entry.zipFile?.startsWith('s3://')) {
    const s3 = findS3Location(entry.zipFile);
    if (!s3 || !S3_BUCKET.test(s3.bucket)) {
      throw new InputError(
        `${where} has ${JSON.stringify(entry.zipFile)} — expected "s3://bucket/key" or "s3://bucket/key?versionId=v"`,
      );
    }
    if (!S3_KEY.test(s3.key) || (s3.objectVersion !== undefined && !S3_KEY.test(s3.objectVersion))) {
      throw new InputError(
        `${where} has ${JSON.stringify(entry.zipFile)} — expected a key (and versionId) of 1 to 1024 characters on one line`,
      );
    }
    return { kind: 's3', ...s3 };
  }
  if (entry.zipFile !== undefined) return readZip(entry.zipFile, where);
  if (entry.imageUri !== undefined) {
    if (!IMAGE_URI.test(entry.imageUri)) {
      throw new InputError(
        `${entry.where} has the image-uri ${JSON.stringify(entry.imageUri)} — expected ${IMAGE_EXPECTED}`,
      );
    }
    return { kind: 'image', imageUri: entry.imageUri };
  }
  return { kind: 'latest' };
}

/** Where a function's CodeDeploy application and group were given (an input, or keys of a `functions` item). */
export interface CodeDeployNames {
  names: { application: NamedValue; deploymentGroup: NamedValue };
}

/** A value as given, where it was given, and the error when it is required but missing. */
export interface NamedValue {
  value: string | undefined;
  where: string;
  missing: string;
}

const inputValue = (name: Input, value: string | undefined): NamedValue => ({
  value,
  where: `input '${name}'`,
  missing: `input '${name}' is required but was not given`,
});

const itemValue = (where: string, key: string, value: string | undefined): NamedValue => ({
  value,
  where: `${where} '${key}'`,
  missing: `${where} has no '${key}' — expected one with strategy codedeploy (each function has its own deployment group)`,
});

async function readCodeSource(inputs: Inputs): Promise<CodeSource> {
  const given = [Input.ZipFile, Input.S3Bucket, Input.ImageUri].filter((name) => inputs.has(name));
  if (given.length > 1) {
    throw new InputError(
      `inputs ${given.map((n) => `'${n}'`).join(' and ')} were both given — expected at most one code source`,
    );
  }
  if (inputs.has(Input.S3Key) && !inputs.has(Input.S3Bucket)) {
    throw new InputError(`input '${Input.S3Key}' was given without '${Input.S3Bucket}' — expected both`);
  }
  if (inputs.has(Input.S3ObjectVersion) && !inputs.has(Input.S3Bucket)) {
    throw new InputError(
      `input '${Input.S3ObjectVersion}' was given without '${Input.S3Bucket}' and '${Input.S3Key}'`,
    );
  }
  const zipPath = inputs.string(Input.ZipFile);
  if (zipPath) return readZip(zipPath, `input '${Input.ZipFile}'`);
  const bucket = inputs.string(Input.S3Bucket, { pattern: S3_BUCKET, expected: 'an S3 bucket name' });
  if (bucket) {
    if (!inputs.has(Input.S3Key)) {
      throw new InputError(`input '${Input.S3Key}' is required when '${Input.S3Bucket}' is given`);
    }
    const expected = 'an S3 object key of 1 to 1024 characters on one line';
    return {
      kind: 's3',
      bucket,
      key: inputs.string(Input.S3Key, { required: true, pattern: S3_KEY, expected }),
      objectVersion: inputs.string(Input.S3ObjectVersion, {
        pattern: S3_KEY,
        expected: 'an S3 object version id of 1 to 1024 characters',
      }),
    };
  }
  const imageUri = inputs.string(Input.ImageUri, { pattern: IMAGE_URI, expected: IMAGE_EXPECTED });
  if (imageUri) return { kind: 'image', imageUri };
  return { kind: 'latest' };
}

async function readZip(path: string, where: string): Promise<CodeSource> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile())
    throw new InputError(`${where} has ${quoteValue(path)} — expected the path of an existing .zip file`);
  if (info.size > MAX_ZIP_BYTES) {
    throw new InputError(
      `${where} is ${info.size} bytes — Lambda takes at most ${MAX_ZIP_BYTES} bytes inline; ` +
        `upload it to S3 and use '${Input.S3Bucket}' and '${Input.S3Key}'`,
    );
  }
  const bytes = new Uint8Array(await readFile(path));
  const problem = zipProblem(bytes);
  if (problem) throw new InputError(`${where} has ${quoteValue(path)} — expected a .zip file (${problem})`);
  return { kind: 'zip', path, bytes, codeSha256: createHash('sha256').update(bytes).digest('base64') };
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** The end record is 22 bytes, followed by a comment of at most 65,535. */
const END_RECORD_BYTES = 22;

/**
 * Why Lambda would refuse these bytes as a .zip package, or undefined: checked locally so a corrupt package fails
 * before any function of the release is changed. Reads the end of central directory record only (no unpacking).
 */
export function zipProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'the file is empty';
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) return 'it does not start with "PK"';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lowest = Math.max(0, bytes.length - END_RECORD_BYTES - 0xffff);
  for (let at = bytes.length - END_RECORD_BYTES; at >= lowest; at--) {
    if (view.getUint32(at, true) !== END_OF_CENTRAL_DIRECTORY) continue;
    const entries = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 12, true);
    const offset = view.getUint32(at + 16, true);
    if (entries === 0) return 'it holds no files';
    // ZIP64 archives mark these fields 0xffffffff and keep the real values elsewhere.
    if (size !== 0xffffffff && offset !== 0xffffffff && offset + size > at)
      return 'its central directory is cut off or damaged';
    return undefined;
  }
  return 'it has no end of central directory record: truncated or damaged';
}
