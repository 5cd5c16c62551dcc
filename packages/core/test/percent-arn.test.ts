import { describe, expect, it } from '@jest/globals';
import { bareFunctionName, formatPercent } from '@lambda-release-kit/core';

describe('formatPercent', () => {
  it('keeps three decimals by default, without trailing zeros', () => {
    expect(formatPercent(0.1)).toBe('10%');
    expect(formatPercent(0.12345)).toBe('12.345%');
    expect(formatPercent(0.123456)).toBe('12.346%');
    expect(formatPercent(1)).toBe('100%');
  });

  it('rounds to the decimals asked for', () => {
    expect(formatPercent(0.0125, { decimals: 1 })).toBe('1.3%');
    expect(formatPercent(0.9, { decimals: 1 })).toBe('90%');
    expect(formatPercent(0.0004, { decimals: 1 })).toBe('0%');
  });

  it('rounds to significant digits for statistics, so small bounds stay readable', () => {
    expect(formatPercent(0.000012345, { significant: 2 })).toBe('0.0012%');
    expect(formatPercent(0.0567, { significant: 2 })).toBe('5.7%');
    expect(formatPercent(1 - 0.0025, { significant: 4 })).toBe('99.75%');
    expect(formatPercent(-0.0123, { significant: 2 })).toBe('-1.2%');
  });
});

describe('bareFunctionName', () => {
  it.each([
    ['orders-api', 'orders-api'],
    ['orders-api:live', 'orders-api'],
    ['123456789012:function:orders-api', 'orders-api'],
    ['123456789012:function:orders-api:7', 'orders-api'],
    ['arn:aws:lambda:us-east-1:123456789012:function:orders-api', 'orders-api'],
    ['arn:aws:lambda:us-east-1:123456789012:function:orders-api:live', 'orders-api'],
    ['arn:aws-cn:lambda:cn-north-1:123456789012:function:orders_api-2:$LATEST', 'orders_api-2'],
  ])('%s is %s', (given, name) => {
    expect(bareFunctionName(given)).toBe(name);
  });
});
