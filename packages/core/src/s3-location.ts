import type { VersionRef } from './record.js';

export type S3Object = NonNullable<VersionRef['s3']>;

/** "s3://bucket/key?versionId=v": how records, logs and version descriptions name an S3 object. */
export function s3Location(s3: S3Object): string {
  return `s3://${s3.bucket}/${s3.key}${s3.objectVersion ? `?versionId=${s3.objectVersion}` : ''}`;
}

/** The S3 object named in a text (e.g. a version description deploy-canary wrote), if any. */
export function findS3Location(text: string | undefined): S3Object | undefined {
  const match = text?.match(/(?:^| )s3:\/\/([^/\s]+)\/([^\s?]+)(?:\?versionId=(\S+))?(?= |$)/);
  const [, bucket, key, objectVersion] = match ?? [];
  if (bucket === undefined || key === undefined) return undefined;
  return { bucket, key, ...(objectVersion ? { objectVersion } : {}) };
}
