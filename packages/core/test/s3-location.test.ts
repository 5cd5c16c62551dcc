import { describe, expect, it } from '@jest/globals';
import { findS3Location, s3Location } from '@lambda-release-kit/core';

describe('S3 locations in version descriptions', () => {
  it('reads back the object a description names, with or without an object version', () => {
    const object = { bucket: 'artifacts', key: 'orders/v1.2.3.zip', objectVersion: 'Xb3.k_9' };
    const description = `release v1.2.3 commit 0123abc ${s3Location(object)} https://github.com/o/r/actions/runs/1`;
    expect(findS3Location(description)).toEqual(object);
    expect(findS3Location('release v1 s3://b/k.zip')).toEqual({ bucket: 'b', key: 'k.zip' });
  });

  it('finds nothing in a description without one', () => {
    expect(findS3Location('release v1.2.3 commit 0123abc')).toBeUndefined();
    expect(findS3Location(undefined)).toBeUndefined();
  });
});
