import type { AccountStatus } from '../../../shared/account';
import type { accountInvoke } from '../../../shared/contract/account';
import type { Capability } from '../kernel';
import type { GlobusAuth } from './auth-service';

export type AccountChannel = keyof typeof accountInvoke;

/** The `account:*` channels: Globus sign-in (browser or pasted code), consent, sign-out. */
export function createAccountCapability(deps: { readonly auth: GlobusAuth; readonly ready: Promise<unknown> }): Capability<AccountChannel> {
  const { auth, ready } = deps;
  /** Starts a browser sign-in and answers as soon as it is waiting for the person (or done). */
  const startLogin = (run: () => Promise<AccountStatus>) =>
    new Promise<AccountStatus>((resolve, reject) => {
      const off = auth.onStatus((s) => {
        if (s.state === 'signing-in') {
          off();
          resolve(s);
        }
      });
      run().then(
        (s) => {
          off();
          resolve(s);
        },
        (error: unknown) => {
          off();
          reject(error);
        },
      );
    });

  return {
    handlers: {
      'account:get-status': async () => {
        await ready;
        return auth.status();
      },
      'account:sign-in': async (options) => startLogin(() => auth.login(options.collections ? { collections: options.collections } : {})),
      'account:begin-paste-sign-in': async (options) => auth.beginPasteLogin(options.collections ? { collections: options.collections } : {}),
      'account:complete-paste-sign-in': async (code) => auth.completePasteLogin(code),
      'account:cancel-sign-in': async () => {
        auth.cancelLogin();
        return auth.status();
      },
      'account:add-consent': async (ids) => startLogin(() => auth.addConsent(ids)),
      'account:add-scope-consent': async (scopes) => startLogin(() => auth.addScopeConsent(scopes)),
      'account:sign-out': async () => auth.logout(),
    },
  };
}
