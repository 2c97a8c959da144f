import { expect, it } from 'vitest';
import { generateToken, resolveToken, tokensEqual } from '../../src/comm/token.js';

it('generateToken gives 32 random bytes as hex, different each time', () => {
  const a = generateToken();
  expect(a).toMatch(/^[0-9a-f]{64}$/);
  expect(generateToken()).not.toBe(a);
});

it('resolveToken takes TSDASK_TOKEN when set, else generates one', () => {
  expect(resolveToken({ TSDASK_TOKEN: 'secret' })).toBe('secret');
  expect(resolveToken({ TSDASK_TOKEN: '' })).toMatch(/^[0-9a-f]{64}$/);
  expect(resolveToken({})).toMatch(/^[0-9a-f]{64}$/);
});

it('tokensEqual is true only for the same string, whatever the lengths', () => {
  expect(tokensEqual('abc', 'abc')).toBe(true);
  expect(tokensEqual('abc', 'abd')).toBe(false);
  expect(tokensEqual('abc', 'abcd')).toBe(false);
  expect(tokensEqual('', 'x'.repeat(1000))).toBe(false);
  expect(tokensEqual('', '')).toBe(true);
});
