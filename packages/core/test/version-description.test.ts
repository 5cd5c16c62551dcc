import { describe, expect, it } from '@jest/globals';
import {
  formatVersionDescription,
  MAX_VERSION_DESCRIPTION,
  parseVersionDescription,
} from '@lambda-release-kit/core';

const RUN_URL = 'https://github.com/o/r/actions/runs/4242';

describe('version descriptions', () => {
  it('round-trips the release, S3 object, replaced version, run and attempt', () => {
    const parts = {
      release: 'release v1.2.0 commit 0123456789ab',
      s3: { bucket: 'artifacts', key: 'orders/v1.2.0.zip', objectVersion: 'v9' },
      replaces: '7',
      runUrl: RUN_URL,
      attempt: '2',
    };
    const text = formatVersionDescription(parts);
    expect(text).toBe(
      `release v1.2.0 commit 0123456789ab s3://artifacts/orders/v1.2.0.zip?versionId=v9 replaces 7 ${RUN_URL}/attempts/2`,
    );
    expect(parseVersionDescription(text)).toEqual(parts);
  });

  it('adds no attempt the run URL already has, and names nothing a description lacks', () => {
    const text = formatVersionDescription({
      release: 'deploy-canary',
      runUrl: `${RUN_URL}/attempts/3`,
      attempt: '4',
    });
    expect(text).toBe(`deploy-canary ${RUN_URL}/attempts/3`);
    expect(parseVersionDescription(text)).toEqual({
      release: 'deploy-canary',
      runUrl: RUN_URL,
      attempt: '3',
    });
    expect(parseVersionDescription('published by hand')).toEqual({});
    expect(parseVersionDescription(undefined)).toEqual({});
  });

  it('stays within 256 characters with the longest repository: the release is cut, never the run or the replaced version', () => {
    // GitHub allows owners of 39 characters and repositories of 100.
    const runUrl = `https://github.com/${'o'.repeat(39)}/${'r'.repeat(100)}/actions/runs/12345678901`;
    const parts = {
      release: `release v1.2.0-${'x'.repeat(200)} commit 0123456789ab`,
      s3: { bucket: 'b'.repeat(63), key: `${'k'.repeat(300)}.zip` },
      replaces: '123456',
      runUrl,
      attempt: '12',
    };
    const text = formatVersionDescription(parts);
    expect(text.length).toBeLessThanOrEqual(MAX_VERSION_DESCRIPTION);
    expect(text.endsWith(` replaces 123456 ${runUrl}/attempts/12`)).toBe(true);
    expect(text).toMatch(/^release v1\.2\.0-x+\.\.\. replaces/);
    expect(parseVersionDescription(text)).toMatchObject({ replaces: '123456', runUrl, attempt: '12' });
    expect(parseVersionDescription(text).s3).toBeUndefined();
  });

  it('leaves out a run URL too long to fit rather than cut it into the address of another run', () => {
    const runUrl = `https://${'h'.repeat(240)}.example/o/r/actions/runs/4242`;
    const text = formatVersionDescription({ release: 'release v1', replaces: '3', runUrl });
    expect(text).toBe('release v1 replaces 3');
    expect(parseVersionDescription(text).runUrl).toBeUndefined();
  });
});
