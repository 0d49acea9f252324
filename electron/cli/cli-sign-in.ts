/**
 * The Globus sign-in a shell command uses: the settings file in `--data-dir` (else the default
 * data folder), the state folder it names, and the token file `ferry serve` writes (0600; the
 * desktop app's keychain-encrypted tokens cannot be read here). Shared by `ferry sync` and
 * `ferry endpoint start` (a relay with Globus Auth).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertNever } from '../../shared/assert-never';
import type { ErrorKind } from '../../shared/errors';
import { defaultDataDir } from '../core/kernel';
import { createGlobusAuth, plainFileCipher, type GlobusAuth } from '../core/globus';
import { createSettingsService, openSettingsBackend, type SettingsService } from '../core/settings';

/** Thrown (and printed as one line) when Globus is needed and this shell has no usable sign-in. */
export class NotSignedInError extends Error {
  readonly kind: ErrorKind = 'unauthorized';
  constructor(message: string) {
    super(message);
    this.name = 'NotSignedInError';
  }
}

export type SignInProblem = 'missing' | 'unreadable' | 'expired' | 'other-environment';

/** The one line that says how to sign in. */
export function notSignedInMessage(problem: SignInProblem, tokenFile: string, dataDir: string): string {
  const how = `sign in with \`ferry serve --data-dir ${dataDir}\` (open the URL it prints, Account → Sign in with Globus), then run this again`;
  switch (problem) {
    case 'missing':
      return `not signed in to Globus: ${how}. (The desktop app keeps its tokens in the OS keychain, which the command line cannot use.)`;
    case 'unreadable':
      return `the Globus sign-in in ${tokenFile} cannot be read here (the desktop app keeps its tokens encrypted with the OS keychain): ${how}.`;
    case 'expired':
      return `the Globus session has ended: ${how}.`;
    case 'other-environment':
      return `the saved Globus sign-in is for another Globus environment than the settings name: ${how}.`;
    default:
      return assertNever(problem, 'sign-in problem');
  }
}

/** Strips `--data-dir DIR` (or `--data-dir=DIR`) from argv; returns the message on a bad flag. */
export function takeDataDir(argv: readonly string[]): { dataDir: string | undefined; rest: string[] } | string {
  const rest: string[] = [];
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--data-dir') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) return '--data-dir needs a folder';
      dataDir = v;
    } else if (a.startsWith('--data-dir=')) {
      dataDir = a.slice('--data-dir='.length);
      if (!dataDir) return '--data-dir needs a folder';
    } else rest.push(a);
  }
  return { dataDir, rest };
}

export interface CliSignIn {
  /** The folder holding the settings file. */
  readonly configDir: string;
  /** The data folder the settings name (state, tokens). */
  readonly stateDir: string;
  readonly settings: SettingsService;
  /** A notice about the settings file (repaired on load), or null. */
  readonly notice: string | null;
  /** The signed-in GlobusAuth; throws NotSignedInError saying how to sign in. */
  auth(): Promise<GlobusAuth>;
  dispose(): Promise<void>;
}

export function openCliSignIn(dataDir: string | undefined, env: NodeJS.ProcessEnv): CliSignIn {
  const configDir = resolve(dataDir ?? defaultDataDir(env));
  const { backend, notice } = openSettingsBackend(configDir);
  const settings = createSettingsService(backend, configDir);
  const stateDir = settings.get().dataDir;
  const tokenFile = join(stateDir, 'globus-tokens.bin');
  let auth: GlobusAuth | null = null;
  let ready: Promise<GlobusAuth> | null = null;
  return {
    configDir,
    stateDir,
    settings,
    notice: notice ?? null,
    auth() {
      ready ??= (async () => {
        auth = createGlobusAuth({
          tokenFile,
          cipher: plainFileCipher(),
          environment: () => settings.get().globus,
          clientId: () => settings.get().globusClientId || env.FERRY_GLOBUS_CLIENT_ID || '',
          openBrowser: () => undefined,
        });
        const status = await auth.init();
        if (status.state !== 'signed-in') {
          const problem: SignInProblem =
            status.state === 'expired' ? 'expired' : !existsSync(tokenFile) ? 'missing' : status.message ? 'unreadable' : 'other-environment';
          throw new NotSignedInError(notSignedInMessage(problem, tokenFile, configDir));
        }
        return auth;
      })();
      return ready;
    },
    async dispose() {
      await auth?.dispose();
    },
  };
}
