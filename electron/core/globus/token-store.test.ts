import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plainFileCipher, type SecretCipher } from './secret-cipher';
import { createTokenStore, type StoredAccount } from './token-store';

/** A stand-in for safeStorage: reversible and not plain text. */
const xorCipher: SecretCipher = {
  kind: 'os-keychain',
  encrypt: (text) => Uint8Array.from(Buffer.from(text, 'utf8'), (b) => b ^ 0x5a),
  decrypt: (bytes) => Buffer.from(Uint8Array.from(bytes, (b) => b ^ 0x5a)).toString('utf8'),
};

const account: StoredAccount = {
  version: 1,
  environment: 'production',
  clientId: 'client',
  state: 'signed-in',
  tokens: {
    'transfer.api.globus.org': {
      access_token: 'AT-secret-transfer-token',
      refresh_token: 'RT-secret-refresh-token',
      expires_at: 1_700_000_000_000,
      scope: 'urn:globus:auth:scope:transfer.api.globus.org:all',
      resource_server: 'transfer.api.globus.org',
    },
  },
  identity: { sub: 'u', username: 'ada', name: null, email: null },
  collections: [],
  refreshTokenUsedAt: 1,
  signedInAt: 1,
};

describe('token store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-tokens-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through the cipher and never writes a token in clear', async () => {
    const store = createTokenStore(join(dir, 'tokens.bin'), xorCipher);
    expect(await store.load()).toBeNull();
    await store.save(account);
    const raw = await readFile(store.file, 'utf8');
    expect(raw).not.toContain('AT-secret');
    expect(raw).not.toContain('RT-secret');
    expect(await store.load()).toEqual(account);
    await store.remove();
    expect(await store.load()).toBeNull();
  });

  it('writes the file 0600, also with the plain cipher of serve mode', async () => {
    const cipher = plainFileCipher();
    expect(cipher.decrypt(cipher.encrypt('héllo'))).toBe('héllo');
    const store = createTokenStore(join(dir, 'nested', 'tokens.json'), cipher);
    await store.save(account);
    await store.save({ ...account, collections: ['x'] });
    if (process.platform !== 'win32') expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await store.load())?.collections).toEqual(['x']);
  });

  it('refuses a file it cannot decrypt', async () => {
    const file = join(dir, 'tokens.bin');
    await createTokenStore(file, plainFileCipher()).save(account);
    await expect(createTokenStore(file, xorCipher).load()).rejects.toThrow();
  });
});
