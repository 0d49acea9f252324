/** The Globus Auth service's public shape and the records it keeps while signing in. */
import type { AccountStatus, PendingLogin, StatusListener } from './account-status';
import type { GlobusEnvironment } from './environment';
import type { ConsentRequiredError } from './errors';
import type { LoopbackListener } from './loopback';
import type { SecretCipher } from './secret-cipher';
import type { HasTokenAccess } from './token-access';

export interface GlobusAuthOptions {
  /** Where the encrypted tokens live (e.g. `<dataDir>/globus-tokens.bin`). */
  readonly tokenFile: string;
  readonly cipher: SecretCipher;
  /** Read before every call: the settings' Globus environment. */
  readonly environment: () => GlobusEnvironment;
  /** Read at sign-in: the native-app client id (settings, else FERRY_GLOBUS_CLIENT_ID). */
  readonly clientId: () => string;
  /** Opens the authorize URL (Electron: shell.openExternal; serve: no-op, the page opens `loginUrl`). */
  readonly openBrowser: (url: string) => void | Promise<void>;
  readonly now?: () => number;
  /** How long the loopback listener waits for the browser. Default 5 minutes. */
  readonly loginTimeoutMs?: number;
  /** Renew an access token this long before it expires. Default 5 minutes. */
  readonly refreshMarginMs?: number;
  /** Per-request timeout for Auth calls. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Warn when the refresh token has not been used for this long. Default 150 days (Globus: 6 months). */
  readonly refreshTokenWarnAfterMs?: number;
}

export interface LoginOptions {
  /** Collections to ask data_access consent for, on top of those already consented. */
  readonly collections?: readonly string[];
  /**
   * Resource-server scopes to consent to as well, such as a ProxyStore relay's
   * (`https://auth.globus.org/scopes/<uuid>/relay_all`). Scopes already granted are kept.
   */
  readonly scopes?: readonly string[];
}

export interface GlobusAuth extends HasTokenAccess {
  /** Loads the token file once; every other method calls it first. */
  init(): Promise<AccountStatus>;
  status(): AccountStatus;
  onStatus(listener: StatusListener): () => void;
  /** What health checks need to know about the sign-in (no tokens); null unless signed in. */
  session(): SessionFacts | null;
  /** Re-reads environment/client id and emits the status (call after settings change). */
  refreshStatus(): AccountStatus;
  /** Browser sign-in through the loopback listener; resolves when signed in. */
  login(options?: LoginOptions): Promise<AccountStatus>;
  /** Paste-the-code sign-in: returns the URL to open anywhere; then `completePasteLogin(code)`. */
  beginPasteLogin(options?: LoginOptions): Promise<{ readonly url: string }>;
  completePasteLogin(code: string): Promise<AccountStatus>;
  /** Abandons a sign-in in progress (the loopback port closes). */
  cancelLogin(): AccountStatus;
  /** Signs in again asking data_access consent for these collections too (browser flow). */
  addConsent(collectionIds: readonly string[]): Promise<AccountStatus>;
  /** Signs in again consenting to these resource-server scopes too (browser flow), e.g. a relay's. */
  addScopeConsent(scopes: readonly string[]): Promise<AccountStatus>;
  /**
   * A current access token (refreshed when near expiry) for a resource-server scope the person
   * consented to, such as ProxyStore's relay scope; throws ConsentRequired when the sign-in lacks
   * it (then `addScopeConsent([scope])`), SignInRequired when signed out. With `askConsent`, a
   * missing consent is asked for at once (the browser opens, as for data_access consents).
   */
  tokenFor(scope: string, options?: { readonly askConsent?: boolean; readonly refresh?: boolean }): Promise<string>;
  /** Runs `action`; on ConsentRequired, gets consent (default: `addConsent`) and runs it once more. */
  retryAfterConsent<T>(action: () => Promise<T>, consent?: (error: ConsentRequiredError) => Promise<unknown>): Promise<T>;
  /** Revokes the tokens at Globus and deletes the token file. */
  logout(): Promise<AccountStatus>;
  /** Throws when `value` contains any token this service holds or ever held. */
  assertNoSecrets(value: unknown): void;
  dispose(): Promise<void>;
}

/** The sign-in's age and grants, for health checks. Plain JSON, never a token. */
export interface SessionFacts {
  /** The identity Ferry signed in as. */
  readonly identityId: string | null;
  /** Epoch ms of the sign-in that issued these tokens. */
  readonly signedInAt: number;
  /** Epoch ms of the last refresh-token grant (or the sign-in). */
  readonly refreshTokenUsedAt: number;
  /** When each identity of the session last authenticated (epoch ms), when Globus said so. */
  readonly authentications: readonly { readonly identityId: string; readonly authTime: number }[];
  /** Collections with a data_access consent in this sign-in. */
  readonly consentedCollections: readonly string[];
  /** Resource servers the sign-in holds tokens for (e.g. groups.api.globus.org). */
  readonly grantedResourceServers: readonly string[];
}

export interface Pending extends PendingLogin {
  readonly verifier: string;
  readonly state: string;
  readonly redirectUri: string;
  readonly env: GlobusEnvironment;
  readonly clientId: string;
  readonly listener?: LoopbackListener;
  /** Resource-server scopes this sign-in asks for. */
  readonly resourceScopes: readonly string[];
}

/** Globus' token response: one token at the top level, the others in `other_tokens`. */
export interface TokenResponse {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly expires_in: number;
  readonly resource_server: string;
  readonly scope: string;
  readonly id_token?: string;
  readonly other_tokens?: readonly TokenResponse[];
}
