/**
 * How tokens are protected at rest. Electron's main passes one over `safeStorage`
 * (`os-keychain`); serve mode passes `plainFileCipher()` and relies on the file's 0600 mode
 * (`file-0600`, which the UI must say is not encrypted).
 */
export interface SecretCipher {
  readonly kind: 'os-keychain' | 'file-0600';
  encrypt(text: string): Uint8Array;
  decrypt(bytes: Uint8Array): string;
}

/** No encryption: the token file is only protected by its 0600 mode. */
export function plainFileCipher(): SecretCipher {
  return {
    kind: 'file-0600',
    encrypt: (text) => new TextEncoder().encode(text),
    decrypt: (bytes) => new TextDecoder('utf-8', { fatal: true }).decode(bytes),
  };
}
