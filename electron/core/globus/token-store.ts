import { readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../store';
import type { SecretCipher } from './secret-cipher';

const storedTokenSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  /** Epoch ms. */
  expires_at: z.number(),
  scope: z.string(),
  resource_server: z.string(),
});
export type StoredToken = z.infer<typeof storedTokenSchema>;

const identitySchema = z.object({
  sub: z.string(),
  username: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
});
export type Identity = z.infer<typeof identitySchema>;

const storedAccountSchema = z.object({
  version: z.literal(1),
  /** `environmentKey()` of the Globus that issued these tokens. */
  environment: z.string(),
  clientId: z.string(),
  state: z.enum(['signed-in', 'expired']),
  /** By resource server; empty once expired. */
  tokens: z.record(z.string(), storedTokenSchema),
  identity: identitySchema.nullable(),
  collections: z.array(z.string()),
  /** Epoch ms of the last refresh-token grant (or the sign-in that issued it). */
  refreshTokenUsedAt: z.number(),
  signedInAt: z.number(),
  /**
   * When each identity of the session last authenticated (epoch ms), from the id_token's
   * `identity_set[].last_authentication`; absent in files written before it was recorded.
   */
  authTimes: z.record(z.string(), z.number()).optional(),
});
export type StoredAccount = z.infer<typeof storedAccountSchema>;

export interface TokenStore {
  readonly file: string;
  /** null when there is no file. Throws when the file cannot be read or decrypted. */
  load(): Promise<StoredAccount | null>;
  save(account: StoredAccount): Promise<void>;
  remove(): Promise<void>;
}

/** One encrypted file, written atomically with mode 0600. */
export function createTokenStore(file: string, cipher: SecretCipher): TokenStore {
  return {
    file,
    async load() {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      const text = cipher.decrypt(new Uint8Array(bytes));
      return storedAccountSchema.parse(JSON.parse(text));
    },
    async save(account) {
      await writeFileAtomic(file, cipher.encrypt(JSON.stringify(account)), 0o600);
    },
    async remove() {
      await rm(file, { force: true });
    },
  };
}
