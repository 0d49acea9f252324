/** Sign-in for tests against the emulator, usable from a child process (no emulator import). */
import { approveConsent } from '../../../e2e/globus-emulator/consent';
import { createGlobusAuth, plainFileCipher, type GlobusAuth } from '../../../electron/core/globus';

/** The emulator's default native-app client id (e2e/globus-emulator EMULATOR_DEFAULT_CLIENT_ID). */
export const RIG_CLIENT_ID = '5f2f7b8e-6c1d-4a3e-9b7a-0d4c2e1f9a11';

export interface RigEnvironment {
  readonly kind: 'custom';
  readonly authUrl: string;
  readonly transferUrl: string;
}

/** What a person does in the browser: open the consent page and click Allow. */
const clickAllow = async (authorizeUrl: string): Promise<void> => {
  await approveConsent(authorizeUrl);
};

/** The sign-in service over a token file (a child process reads the one the parent signed in with). */
export function openAuth(tokenFile: string, environment: RigEnvironment): GlobusAuth {
  return createGlobusAuth({
    tokenFile,
    cipher: plainFileCipher(),
    environment: () => environment,
    clientId: () => RIG_CLIENT_ID,
    openBrowser: clickAllow,
    loginTimeoutMs: 15_000,
  });
}
