import { auth } from '@globus/sdk';
import type { AccountStatus, StatusListener } from './account-status';
import { authTimesFromIdToken, exchangeAuthorizationCode, fetchIdentity, flattenTokens, idTokenOf } from './auth-tokens';
import type { GlobusAuth, GlobusAuthOptions, LoginOptions, Pending, TokenResponse } from './auth-types';
import { environmentKey, withSdkEnvironment, type GlobusEnvironment } from './environment';
import { isConsentRequired, localError } from './errors';
import { readJson, requestOptions, sendSdk } from './http';
import { startLoopbackListener } from './loopback';
import { createPkcePair, createState } from './pkce';
import { AUTH_RESOURCE_SERVER, isResourceServerScope, loginScopes, normalizeCollectionIds, normalizeResourceScopes, TRANSFER_RESOURCE_SERVER } from './scopes';
import { assertNoSecrets as assertNoSecretsIn } from './secrets';
import { tokenAccessKey, type TokenAccess } from './token-access';
import { createTokenStore, type StoredAccount, type StoredToken } from './token-store';
import { GlobusApiError } from './transfer-port';

export type { GlobusAuth, GlobusAuthOptions, LoginOptions } from './auth-types';

const DAY = 24 * 60 * 60 * 1000;

export function createGlobusAuth(options: GlobusAuthOptions): GlobusAuth {
  const now = options.now ?? Date.now;
  const loginTimeoutMs = options.loginTimeoutMs ?? 5 * 60_000;
  const refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const warnAfterMs = options.refreshTokenWarnAfterMs ?? 150 * DAY;
  const store = createTokenStore(options.tokenFile, options.cipher);
  const listeners = new Set<StatusListener>();
  /** Every secret this instance has seen, for `assertNoSecrets`. */
  const held = new Set<string>();
  const refreshing = new Map<string, Promise<StoredToken>>();

  let account: StoredAccount | null = null;
  let pending: Pending | null = null;
  let message: string | null = null;
  let loaded: Promise<void> | null = null;
  let saving: Promise<void> = Promise.resolve();

  const remember = (token: StoredToken | TokenResponse): void => {
    held.add(token.access_token);
    if (token.refresh_token) held.add(token.refresh_token);
  };

  const ensureLoaded = (): Promise<void> => {
    loaded ??= (async () => {
      try {
        account = await store.load();
        if (account) Object.values(account.tokens).forEach(remember);
      } catch (error) {
        account = null;
        message = `Ferry could not read its saved Globus sign-in (${(error as Error).message}). Sign in again.`;
      }
    })();
    return loaded;
  };

  /** The stored account, if it belongs to the Globus environment and client now configured. */
  const activeAccount = (): StoredAccount | null => {
    if (!account) return null;
    if (account.environment !== environmentKey(options.environment())) return null;
    return account;
  };

  const computeStatus = (): AccountStatus => {
    const env = options.environment();
    const active = activeAccount();
    const state = pending ? 'signing-in' : active ? active.state : 'signed-out';
    const transfer = active?.tokens[TRANSFER_RESOURCE_SERVER];
    const idleMs = active && active.state === 'signed-in' ? now() - active.refreshTokenUsedAt : 0;
    let statusMessage = message;
    if (!statusMessage && account && !active) {
      statusMessage = 'The saved sign-in belongs to another Globus environment. Sign in again here.';
    }
    return {
      state,
      identity: active?.identity ? { ...active.identity } : null,
      accessTokenExpiresAt: transfer ? transfer.expires_at : null,
      consentedCollections: active ? [...active.collections] : [],
      secretStorage: options.cipher.kind,
      loginUrl: pending ? pending.url : null,
      pendingLogin: pending ? { mode: pending.mode, url: pending.url, collections: [...pending.collections] } : null,
      message: statusMessage,
      refreshTokenWarning:
        idleMs >= warnAfterMs
          ? `Your Globus sign-in has not been renewed for ${Math.floor(idleMs / DAY)} days. ` +
            'Globus ends sign-ins unused for six months: use Ferry or sign in again to keep it.'
          : null,
      refreshTokenUsedAt: active ? active.refreshTokenUsedAt : null,
      environment: env.kind,
    };
  };

  const emit = (): AccountStatus => {
    const status = computeStatus();
    for (const listener of listeners) {
      try {
        listener(status);
      } catch {
        // A listener's failure must not break sign-in.
      }
    }
    return status;
  };

  const persist = (next: StoredAccount): Promise<void> => {
    account = next;
    saving = saving.then(
      () => store.save(next),
      () => store.save(next),
    );
    return saving;
  };

  const requireClientId = (): string => {
    const id = options.clientId().trim();
    if (!id) {
      throw localError(
        'ClientIdMissing',
        'Ferry needs a Globus native-app client id. Register one at https://app.globus.org/settings/developers ' +
          '("Register a thick client or script that will be installed and run by users on their devices"), ' +
          'then enter it in Settings or set FERRY_GLOBUS_CLIENT_ID.',
      );
    }
    return id;
  };

  const authorizeUrl = (env: GlobusEnvironment, params: Record<string, string>): string => {
    const url = new URL(withSdkEnvironment(env, () => auth.getAuthorizationEndpoint()));
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  };

  const pasteRedirectUri = (env: GlobusEnvironment): string =>
    new URL('/v2/web/auth-code', withSdkEnvironment(env, () => auth.getAuthorizationEndpoint())).toString();

  const cancelPending = (reason?: GlobusApiError): void => {
    const current = pending;
    pending = null;
    current?.listener?.cancel(reason);
  };

  const startPending = async (mode: 'browser' | 'paste', login?: LoginOptions): Promise<Pending> => {
    await ensureLoaded();
    const clientId = requireClientId();
    const env = options.environment();
    cancelPending(localError('LoginCancelled', 'A new sign-in replaced this one.'));
    const collections = normalizeCollectionIds([...(activeAccount()?.collections ?? []), ...(login?.collections ?? [])]);
    // Resource-server scopes already granted (their tokens are kept) stay consented on every new sign-in.
    const granted = Object.values(activeAccount()?.tokens ?? {}).flatMap((t) => t.scope.split(' ').filter(isResourceServerScope));
    const resourceScopes = normalizeResourceScopes([...granted, ...(login?.scopes ?? [])]);
    const pkce = createPkcePair();
    const state = createState();
    const listener =
      mode === 'browser' ? await startLoopbackListener({ expectedState: state, timeoutMs: loginTimeoutMs }) : undefined;
    const redirectUri = listener ? listener.redirectUri : pasteRedirectUri(env);
    const url = authorizeUrl(env, {
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: loginScopes(collections, resourceScopes),
      state,
      response_type: 'code',
      code_challenge: pkce.challenge,
      code_challenge_method: pkce.method,
      access_type: 'offline',
    });
    const next: Pending = {
      mode,
      url,
      collections,
      verifier: pkce.verifier,
      state,
      redirectUri,
      env,
      clientId,
      resourceScopes,
      ...(listener ? { listener } : {}),
    };
    held.add(pkce.verifier);
    pending = next;
    message = null;
    emit();
    return next;
  };

  const exchange = async (login: Pending, code: string): Promise<AccountStatus> => {
    const body = await exchangeAuthorizationCode(login, code, requestTimeoutMs);
    const issued = now();
    const tokens: Record<string, StoredToken> = {};
    let idToken: string | undefined;
    for (const token of flattenTokens(body)) {
      remember(token);
      idToken ??= token.id_token;
      tokens[token.resource_server] = {
        access_token: token.access_token,
        ...(token.refresh_token ? { refresh_token: token.refresh_token } : {}),
        expires_at: issued + token.expires_in * 1000,
        scope: token.scope,
        resource_server: token.resource_server,
      };
    }
    if (!tokens[TRANSFER_RESOURCE_SERVER]) {
      throw localError('LoginFailed', 'Globus signed you in but did not grant access to the Transfer service. Sign in again.');
    }
    const identity = await fetchIdentity(login.env, tokens[AUTH_RESOURCE_SERVER], idToken, requestTimeoutMs);
    const previous = activeAccount();
    await persist({
      version: 1,
      environment: environmentKey(login.env),
      clientId: login.clientId,
      state: 'signed-in',
      tokens,
      identity: identity ?? previous?.identity ?? null,
      collections: [...login.collections],
      refreshTokenUsedAt: issued,
      signedInAt: issued,
      authTimes: { ...(previous?.identity?.sub === identity?.sub ? previous?.authTimes : {}), ...authTimesFromIdToken(idToken) },
    });
    message = null;
    return computeStatus();
  };

  const finishLogin = async (login: Pending, code: string): Promise<AccountStatus> => {
    try {
      await exchange(login, code);
      if (pending === login) pending = null;
      return emit();
    } catch (error) {
      if (pending === login) pending = null;
      message = error instanceof Error ? error.message : String(error);
      emit();
      throw error;
    }
  };

  const markExpired = async (reason: string): Promise<void> => {
    const current = account;
    if (!current || current.state === 'expired') return;
    message = `Signed out — sign in again. (${reason})`;
    await persist({ ...current, state: 'expired', tokens: {} });
    emit();
  };

  const refresh = (resourceServer: string): Promise<StoredToken> => {
    const inFlight = refreshing.get(resourceServer);
    if (inFlight) return inFlight;
    const run = (async (): Promise<StoredToken> => {
      const current = activeAccount();
      const token = current?.tokens[resourceServer];
      if (!current || current.state !== 'signed-in' || !token) {
        throw localError('SignInRequired', 'Sign in to Globus first.');
      }
      if (!token.refresh_token) {
        await markExpired('the session has no refresh token');
        throw localError('SessionExpired', 'Your Globus session ended. Sign in again.');
      }
      const env = options.environment();
      const response = await sendSdk('Auth', () =>
        withSdkEnvironment(env, () =>
          auth.oauth2.token.refresh(
            { payload: { grant_type: 'refresh_token', refresh_token: token.refresh_token ?? '', client_id: current.clientId } },
            requestOptions(requestTimeoutMs),
          ),
        ),
      );
      let body: unknown;
      try {
        body = await readJson('Auth', response);
      } catch (error) {
        // Globus refused the refresh token (expired, revoked, idle > 6 months): the session is over.
        if (error instanceof GlobusApiError && error.status >= 400 && error.status < 500) {
          await markExpired(`Globus would not renew the session: ${error.message}`);
          throw new GlobusApiError({
            code: 'SessionExpired',
            message: 'Your Globus session has ended. Sign in again; nothing else was lost.',
            status: error.status,
            ...(error.requestId ? { requestId: error.requestId } : {}),
          });
        }
        throw error;
      }
      const issued = now();
      const fresh = flattenTokens(body).find((t) => t.resource_server === resourceServer) ?? flattenTokens(body)[0];
      if (!fresh) throw localError('InvalidResponse', 'Globus answered the token refresh without a token.');
      remember(fresh);
      const renewed: StoredToken = {
        access_token: fresh.access_token,
        refresh_token: fresh.refresh_token ?? token.refresh_token,
        expires_at: issued + fresh.expires_in * 1000,
        scope: fresh.scope || token.scope,
        resource_server: resourceServer,
      };
      const latest = account;
      if (!latest || latest.state !== 'signed-in') throw localError('SignInRequired', 'Sign in to Globus first.');
      // A refresh that brings an id_token (Globus does for openid) also tells the session's age.
      const authTimes = { ...latest.authTimes, ...authTimesFromIdToken(idTokenOf(body)) };
      await persist({ ...latest, tokens: { ...latest.tokens, [resourceServer]: renewed }, refreshTokenUsedAt: issued, authTimes });
      emit();
      return renewed;
    })();
    refreshing.set(resourceServer, run);
    const clear = (): void => {
      if (refreshing.get(resourceServer) === run) refreshing.delete(resourceServer);
    };
    run.then(clear, clear);
    return run;
  };

  const notSignedIn = (): GlobusApiError => {
    const current = activeAccount();
    return current?.state === 'expired'
      ? localError('SessionExpired', 'Your Globus session has ended. Sign in again; nothing else was lost.')
      : localError('SignInRequired', 'Sign in to Globus first (Account).');
  };

  const tokenAccess: TokenAccess = {
    environment: () => options.environment(),
    async authorization(resourceServer) {
      await ensureLoaded();
      const current = activeAccount();
      const token = current?.state === 'signed-in' ? current.tokens[resourceServer] : undefined;
      if (!token) throw notSignedIn();
      if (token.expires_at - now() > refreshMarginMs) return `Bearer ${token.access_token}`;
      return `Bearer ${(await refresh(resourceServer)).access_token}`;
    },
    granted(resourceServer) {
      const current = activeAccount();
      return current?.state === 'signed-in' && current.tokens[resourceServer] !== undefined;
    },
    async refreshAfter401(resourceServer, failedHeader) {
      await ensureLoaded();
      const token = activeAccount()?.tokens[resourceServer];
      if (token && `Bearer ${token.access_token}` !== failedHeader) return `Bearer ${token.access_token}`;
      return `Bearer ${(await refresh(resourceServer)).access_token}`;
    },
  };

  const service: GlobusAuth = {
    [tokenAccessKey]: tokenAccess,

    async init() {
      await ensureLoaded();
      return emit();
    },

    status: computeStatus,

    onStatus(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    refreshStatus: emit,

    session() {
      const current = activeAccount();
      if (!current || current.state !== 'signed-in') return null;
      return {
        identityId: current.identity?.sub ?? null,
        signedInAt: current.signedInAt,
        refreshTokenUsedAt: current.refreshTokenUsedAt,
        authentications: Object.entries(current.authTimes ?? {}).map(([identityId, authTime]) => ({ identityId, authTime })),
        consentedCollections: [...current.collections],
        grantedResourceServers: Object.keys(current.tokens).sort(),
      };
    },

    async login(login) {
      const started = await startPending('browser', login);
      const listener = started.listener;
      if (!listener) throw localError('LoginFailed', 'The sign-in listener did not start.');
      try {
        await options.openBrowser(started.url);
      } catch (error) {
        // The page can still open `loginUrl` itself; keep waiting, but say so.
        message = `Ferry could not open the browser (${(error as Error).message}). Open the sign-in link shown here.`;
        emit();
      }
      let code: string;
      try {
        code = await listener.code;
      } catch (error) {
        // Replaced by a newer sign-in: that one owns the status now.
        if (pending !== null && pending !== started) throw error;
        pending = null;
        message = error instanceof Error ? error.message : String(error);
        emit();
        throw error;
      }
      return finishLogin(started, code);
    },

    async beginPasteLogin(login) {
      const started = await startPending('paste', login);
      return { url: started.url };
    },

    async completePasteLogin(code) {
      const current = pending;
      if (!current || current.mode !== 'paste') {
        throw localError('LoginFailed', 'No "paste the code" sign-in is in progress. Start one first.');
      }
      const trimmed = code.trim();
      if (!trimmed) throw localError('LoginFailed', 'Paste the code Globus showed after you signed in.');
      return finishLogin(current, trimmed);
    },

    cancelLogin() {
      if (!pending) return computeStatus();
      cancelPending();
      return emit();
    },

    addConsent(collectionIds) {
      return service.login({ collections: collectionIds });
    },

    addScopeConsent(scopes) {
      return service.login({ scopes });
    },

    async tokenFor(scope, tokenOptions) {
      await ensureLoaded();
      const current = activeAccount();
      if (!current || current.state !== 'signed-in') throw notSignedIn();
      const wanted = scope.trim();
      const consented = Object.values(current.tokens).find((t) => t.scope.split(' ').includes(wanted));
      if (!consented && tokenOptions?.askConsent) {
        await service.addScopeConsent([wanted]);
        return service.tokenFor(wanted);
      }
      if (!consented) {
        throw localError('ConsentRequired', `Ferry's Globus sign-in has no consent for ${wanted}. Grant it (sign in again) and Ferry will use it.`, {
          requiredScopes: [wanted],
        });
      }
      const header = await tokenAccess.authorization(consented.resource_server);
      // The resource server refused this token (expired early, revoked): get a new one, once.
      const fresh = tokenOptions?.refresh ? await tokenAccess.refreshAfter401(consented.resource_server, header) : header;
      return fresh.replace(/^Bearer /, '');
    },

    async retryAfterConsent(action, consent) {
      try {
        return await action();
      } catch (error) {
        if (!isConsentRequired(error) || error.collectionIds.length === 0) throw error;
        await (consent ? consent(error) : service.addConsent(error.collectionIds));
        return action();
      }
    },

    async logout() {
      await ensureLoaded();
      cancelPending();
      const current = account;
      const failures: string[] = [];
      if (current) {
        const env = current.environment === environmentKey(options.environment()) ? options.environment() : null;
        const secrets = Object.values(current.tokens).flatMap((t) => [t.refresh_token, t.access_token]);
        if (env) {
          for (const secret of secrets) {
            if (!secret) continue;
            try {
              const response = await sendSdk('Auth', () =>
                withSdkEnvironment(env, () =>
                  auth.oauth2.token.revoke({ payload: { token: secret, client_id: current.clientId } }, requestOptions(requestTimeoutMs)),
                ),
              );
              await readJson('Auth', response);
            } catch (error) {
              failures.push((error as Error).message);
            }
          }
        } else if (secrets.length > 0) {
          failures.push('the tokens belong to another Globus environment');
        }
      }
      await saving.catch(() => undefined);
      await store.remove();
      account = null;
      message = failures.length > 0 ? `Signed out on this machine, but Globus could not revoke the tokens: ${failures[0]}` : null;
      return emit();
    },

    assertNoSecrets(value) {
      assertNoSecretsIn(value, held);
    },

    async dispose() {
      const listener = pending?.listener;
      cancelPending();
      listeners.clear();
      await listener?.closed;
      await saving.catch(() => undefined);
    },
  };
  return service;
}
