/**
 * `ferry sync …`: the app's sync engine from a shell. It reads the settings the app uses (the
 * `conf` file in `--data-dir`, else the default data folder), keeps its state where the app does
 * (the data-folder setting), and talks to Globus with the token file `ferry serve` writes.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertNever } from '../../shared/assert-never';
import type { ErrorKind } from '../../shared/errors';
import { defaultDataDir } from '../core/app';
import { createGlobusAuth, createTransferService, plainFileCipher, type GlobusAuth, type TransferService } from '../core/globus';
import { createSettingsService, openSettingsBackend } from '../core/settings';
import { runSyncCli } from './sync-cli';

export interface SyncCommandIo {
  readonly stdout?: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr?: { write(s: string): unknown };
  readonly env?: NodeJS.ProcessEnv;
  /** Ends `ferry sync run` without `--once` (default: SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
}

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

/** Strips `--data-dir DIR` (or `--data-dir=DIR`) from argv; the rest goes to the sync CLI. */
function takeDataDir(argv: readonly string[]): { dataDir: string | undefined; rest: string[] } | string {
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

/**
 * Runs `ferry sync <argv>` (argv without the leading `sync`) and returns the exit status:
 * 0 succeeded, 1 failed (a run, or Globus sign-in is missing), 2 usage error, 3 nothing to do,
 * 4 succeeded with warnings (SYNC_USAGE says it for people).
 */
export async function runSyncCommand(argv: readonly string[], io: SyncCommandIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const taken = takeDataDir(argv);
  if (typeof taken === 'string') {
    stderr.write(`ferry sync: ${taken}\n`);
    return 2;
  }
  const configDir = resolve(taken.dataDir ?? defaultDataDir(env));
  // the same settings file `ferry serve` and the app read
  const { backend, notice } = openSettingsBackend(configDir);
  if (notice) stderr.write(`ferry sync: ${notice}\n`);
  const settings = createSettingsService(backend, configDir);
  const stateDir = settings.get().dataDir;
  const tokenFile = join(stateDir, 'globus-tokens.bin');

  let auth: GlobusAuth | null = null;
  let transfer: TransferService | null = null;
  const transferService = async (): Promise<TransferService> => {
    if (transfer) return transfer;
    auth ??= createGlobusAuth({
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
    transfer = createTransferService({ auth });
    return transfer;
  };

  try {
    // a run needs Globus: say how to sign in before anything is scanned or recorded
    const [command, ...flags] = taken.rest;
    const wellFormedRun = command === 'run' && !flags.includes('--help') && flags.some((f) => f.startsWith('--job')) !== flags.includes('--all');
    if (wellFormedRun) await transferService();
    return await runSyncCli(taken.rest, {
      dataDir: stateDir,
      transferService,
      stdout,
      stderr,
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } catch (error) {
    stderr.write(`ferry sync: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await (auth as GlobusAuth | null)?.dispose();
  }
}
