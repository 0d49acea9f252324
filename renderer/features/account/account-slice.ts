import type { AccountStatus } from '../../../shared/account';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export interface AccountSlice extends Attachable {
  readonly status: AccountStatus | null;
  /** Set while a paste-the-code sign-in waits for the code. */
  readonly pasteUrl: string | null;
  readonly busy: boolean;
  signIn(collections?: readonly string[]): Promise<AccountStatus | null>;
  beginPasteSignIn(): Promise<void>;
  completePasteSignIn(code: string): Promise<boolean>;
  cancelSignIn(): Promise<void>;
  addConsent(collectionIds: readonly string[]): Promise<AccountStatus | null>;
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
    if (status?.state === 'signing-in' && status.loginUrl && get().app.info?.host === 'serve') {
      window.open(status.loginUrl, '_blank', 'noopener');
    }
  };
  return {
    status: null,
    pasteUrl: null,
    busy: false,
    attach() {
      void api.account.getStatus().then((status) => set({ status }), () => undefined);
      return api.account.onStatus((status) => set((s) => ({ status, pasteUrl: status.state === 'signed-in' ? null : s.pasteUrl })));
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
  actions: (s: AppState) => s.account,
};
