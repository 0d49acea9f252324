import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeChallengeS256, createCodeVerifier, createPkcePair, createState } from './pkce';

describe('PKCE (RFC 7636)', () => {
  it('derives the S256 challenge of the RFC 7636 appendix B example', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43..128 unreserved characters, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i += 1) {
      const v = createCodeVerifier();
      expect(v).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
      seen.add(v);
    }
    expect(seen.size).toBe(50);
    expect(createCodeVerifier(96)).toHaveLength(128);
  });

  it('pairs a verifier with base64url(sha256(verifier)) and method S256', () => {
    const pair = createPkcePair();
    expect(pair.method).toBe('S256');
    expect(pair.challenge).toBe(createHash('sha256').update(pair.verifier).digest('base64url'));
    expect(pair.challenge).not.toMatch(/[+/=]/);
  });

  it('refuses verifiers outside the RFC alphabet or length', () => {
    expect(() => codeChallengeS256('short')).toThrow(RangeError);
    expect(() => codeChallengeS256(`${'a'.repeat(42)}!`)).toThrow(RangeError);
    expect(() => createCodeVerifier(8)).toThrow(RangeError);
  });

  it('makes unguessable states', () => {
    const a = createState();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(createState()).not.toBe(a);
  });
});
