import type { SecretCipher } from './secret-cipher';

export const accountStates = ['signed-out', 'signing-in', 'signed-in', 'expired'] as const;
export type AccountState = (typeof accountStates)[number];

export interface AccountIdentity {
  /** Globus identity id. */
  readonly sub: string;
  readonly username: string | null;
  readonly name: string | null;
  readonly email: string | null;
}

export interface PendingLogin {
  /** `browser`: the loopback listener waits; `paste`: the user pastes the code Globus shows. */
  readonly mode: 'browser' | 'paste';
  readonly url: string;
  /** Collections whose data_access consent this sign-in asks for. */
  readonly collections: readonly string[];
}

/** Everything the Account view shows. Plain JSON; never contains a token. */
export interface AccountStatus {
  readonly state: AccountState;
  readonly identity: AccountIdentity | null;
  /** Epoch ms when the Transfer access token expires (it is renewed automatically). */
  readonly accessTokenExpiresAt: number | null;
  readonly consentedCollections: readonly string[];
  readonly secretStorage: SecretCipher['kind'];
  /** While `signing-in`: the authorize URL (serve mode opens it from the page). */
  readonly loginUrl: string | null;
  readonly pendingLogin: PendingLogin | null;
  /** A sentence for the person: why they are signed out, why the last sign-in failed. */
  readonly message: string | null;
  /** Set when the refresh token nears Globus' six-month idle limit. */
  readonly refreshTokenWarning: string | null;
  /** Epoch ms of the last refresh (or sign-in); Globus ends a refresh token unused for six months. */
  readonly refreshTokenUsedAt: number | null;
  readonly environment: 'production' | 'custom';
}

export type StatusListener = (status: AccountStatus) => void;
