import { describe, expect, it } from 'vitest';
import { assertNoSecrets, SecretLeakError } from './secrets';

describe('assertNoSecrets', () => {
  const held = ['AgV7secretTokenValue123', 'RefreshTokenValue456'];

  it('passes plain data', () => {
    expect(() => assertNoSecrets({ state: 'signed-in', list: [1, 'two', null], nested: { ok: true } }, held)).not.toThrow();
  });

  it('finds a held token anywhere, even inside a longer string or a key', () => {
    expect(() => assertNoSecrets({ a: [{ b: 'x AgV7secretTokenValue123 y' }] }, held)).toThrow(SecretLeakError);
    expect(() => assertNoSecrets({ RefreshTokenValue456: 1 }, held)).toThrow(SecretLeakError);
  });

  it('flags bearer headers and token fields even when the value is unknown', () => {
    expect(() => assertNoSecrets({ h: 'Bearer abcdefghijkl' }, [])).toThrow(/Authorization header/);
    expect(() => assertNoSecrets({ access_token: 'zzz' }, [])).toThrow(/access_token/);
  });

  it('does not quote the secret in its message', () => {
    try {
      assertNoSecrets(['AgV7secretTokenValue123'], held);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('AgV7');
      expect((error as SecretLeakError).path).toBe('$[0]');
    }
  });
});
