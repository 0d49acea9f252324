import type { AccountStatus } from '../../../shared/account';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export interface AccountSlice extends Attachable {
  readonly status: AccountStatus | null;
  /** Set while a paste-the-code sign-in waits for the code. */
  readonly pasteUrl: string | null;
  readonly busy: boolean;
  /** Display names of the consented collections, looked up once each (null: unknown). */
  readonly collectionNames: Readonly<Record<string, string | null>>;
  signIn(collections?: readonly string[]): Promise<AccountStatus | null>;
  beginPasteSignIn(): Promise<void>;
  completePasteSignIn(code: string): Promise<boolean>;
  cancelSignIn(): Promise<void>;
  addConsent(collectionIds: readonly string[]): Promise<AccountStatus | null>;
  /** Adds a resource server's scope (ProxyStore's relay) to the sign-in; the browser host opens Globus' page. */
  addScopeConsent(scopes: readonly string[]): Promise<AccountStatus | null>;
  signOut(): Promise<void>;
}

export function createAccountSlice(api: AppApi, set: SliceSet<'account'>, get: () => AppState): AccountSlice {
  const run = async <T>(fn: () => Promise<T>): Promise<T | null> => {
    set({ busy: true });
    try {
      return await fn();
    } catch {
      return null;
    } finally {
      set({ busy: false });
    }
  };
  /** In a browser the page opens Globus' sign-in page itself; Electron's main opens the system browser. */
  const openIfBrowserHost = (status: AccountStatus | null) => {
    if (status?.state === 'signing-in' && status.loginUrl && get().app.info?.capabilities.opensSignInPage === 'page') {
      window.open(status.loginUrl, '_blank', 'noopener');
    }
  };
  return {
    status: null,
    pasteUrl: null,
    busy: false,
    collectionNames: {},
    attach() {
      const lookUpNames = (status: AccountStatus) => {
        const known = get().account.collectionNames;
        const missing = status.state === 'signed-in' ? status.consentedCollections.filter((id) => !(id in known)) : [];
        if (missing.length === 0) return;
        void api.connectors.collectionNames(missing).then(
          (r) => r.signedIn && set((s) => ({ collectionNames: { ...s.collectionNames, ...r.names } })),
          () => undefined,
        );
      };
      void api.account.getStatus().then(
        (status) => {
          set({ status });
          lookUpNames(status);
        },
        () => undefined,
      );
      return api.account.onStatus((status) => {
        set((s) => ({ status, pasteUrl: status.state === 'signed-in' ? null : s.pasteUrl }));
        lookUpNames(status);
      });
    },
    async signIn(collections) {
      const status = await run(() => api.account.signIn(collections ? { collections } : {}));
      if (status) set({ status });
      openIfBrowserHost(status);
      return status;
    },
    async beginPasteSignIn() {
      const result = await run(() => api.account.beginPasteSignIn({}));
      if (result) set({ pasteUrl: result.url });
    },
    async completePasteSignIn(code) {
      const status = await run(() => api.account.completePasteSignIn(code));
      if (status) set({ status, pasteUrl: null });
      return status !== null;
    },
    async cancelSignIn() {
      const status = await run(() => api.account.cancelSignIn());
      set({ pasteUrl: null, ...(status ? { status } : {}) });
    },
    async addConsent(collectionIds) {
      const status = await run(() => api.account.addConsent(collectionIds));
      if (status) set({ status });
      openIfBrowserHost(status);
      return status;
    },
    async addScopeConsent(scopes) {
      const status = await run(() => api.account.addScopeConsent(scopes));
      if (status) set({ status });
      openIfBrowserHost(status);
      return status;
    },
    async signOut() {
      const status = await run(() => api.account.signOut());
      if (status) set({ status });
    },
  };
}

export const accountSelectors = {
  status: (s: AppState) => s.account.status,
  signedIn: (s: AppState) => s.account.status?.state === 'signed-in',
  pasteUrl: (s: AppState) => s.account.pasteUrl,
  busy: (s: AppState) => s.account.busy,
  collectionNames: (s: AppState) => s.account.collectionNames,
  actions: (s: AppState) => s.account,
};
