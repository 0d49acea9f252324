import { createHash, randomBytes } from 'node:crypto';

/** base64url without padding (RFC 4648 §5), as RFC 7636 uses it. */
export function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** RFC 7636 §4.1: 43..128 characters from [A-Z a-z 0-9 - . _ ~]. 32 random bytes give 43. */
export function createCodeVerifier(byteLength = 32): string {
  if (byteLength < 32 || byteLength > 96) throw new RangeError('PKCE verifier needs 32..96 random bytes');
  return base64Url(randomBytes(byteLength));
}

/** RFC 7636 §4.2, method S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export function codeChallengeS256(verifier: string): string {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) {
    throw new RangeError('PKCE verifier must be 43..128 unreserved characters');
  }
  return base64Url(createHash('sha256').update(verifier, 'ascii').digest());
}

export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
  readonly method: 'S256';
}

export function createPkcePair(): PkcePair {
  const verifier = createCodeVerifier();
  return { verifier, challenge: codeChallengeS256(verifier), method: 'S256' };
}

/** An unguessable OAuth `state` value (128 bits). */
export function createState(): string {
  return base64Url(randomBytes(16));
}
