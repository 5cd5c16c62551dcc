import { InputError, inputError } from '@lambda-release-kit/core';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Parses a URL input. Plain http is accepted only for loopback (the local sandbox). A secret input's value is
 * never repeated in the error: the URL of a Slack webhook is itself the credential.
 */
export function urlInput(
  name: string,
  value: string,
  options: { secret: boolean; protocols: string[] },
): URL {
  const fail = (expected: string) =>
    options.secret
      ? new InputError(`input '${name}' is not usable (value hidden, it is a secret) — expected ${expected}`)
      : inputError(name, value, expected);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail(`a URL like ${options.protocols[0]}//host/path`);
  }
  if (!options.protocols.includes(url.protocol)) {
    throw fail(`a URL starting with ${options.protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw fail('an https:// URL (plain http only for 127.0.0.1 or localhost)');
  }
  return url;
}

const ADDRESS = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$|^[^\s@<>,;]+@(localhost|127\.0\.0\.1)$/;

/** An e-mail address, bare (`a@b.c`) or with a display name (`Release bot <a@b.c>`). */
export function emailAddress(name: string, value: string): string {
  const named = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
  const address = (named?.[1] ?? value).trim();
  if (!ADDRESS.test(address))
    throw inputError(name, value, 'e-mail addresses like ops@example.com or "Ops <ops@example.com>"');
  return value.trim();
}

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

/** A topic ARN and the region it lives in (so no separate region input is needed). */
export function topicArnInput(name: string, value: string): { arn: string; region: string } {
  const region = TOPIC_ARN.exec(value)?.[1];
  if (!region)
    throw inputError(name, value, 'an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:releases');
  return { arn: value, region };
}

export const SLACK_TS = /^\d{9,}\.\d{1,9}$/;
export const SLACK_TS_EXPECTED =
  'a Slack message timestamp like 1712345678.123456 (the slack-ts output of an earlier notify)';
