/** The signed-in Globus account as the UI sees it. Plain JSON; never contains a token. */
export const accountStates = ['signed-out', 'signing-in', 'signed-in', 'expired'] as const;
export type AccountState = (typeof accountStates)[number];

export interface AccountIdentity {
  readonly sub: string;
  readonly username: string | null;
  readonly name: string | null;
  readonly email: string | null;
}

export interface PendingLogin {
  /** `browser`: the loopback listener waits; `paste`: the user pastes the code Globus shows. */
  readonly mode: 'browser' | 'paste';
  readonly url: string;
  readonly collections: readonly string[];
}

export interface AccountStatus {
  readonly state: AccountState;
  readonly identity: AccountIdentity | null;
  /** Epoch ms when the Transfer access token expires (renewed automatically). */
  readonly accessTokenExpiresAt: number | null;
  readonly consentedCollections: readonly string[];
  readonly secretStorage: 'os-keychain' | 'file-0600';
  readonly loginUrl: string | null;
  readonly pendingLogin: PendingLogin | null;
  /** Why the account is signed out, or why the last sign-in failed. */
  readonly message: string | null;
  readonly refreshTokenWarning: string | null;
  readonly refreshTokenUsedAt: number | null;
  readonly environment: 'production' | 'custom';
}
