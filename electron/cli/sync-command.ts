/**
 * `ferry sync …`: the app's sync engine from a shell. It reads the settings the app uses (the
 * `conf` file in `--data-dir`, else the default data folder), keeps its state where the app does
 * (the data-folder setting), and talks to Globus with the token file `ferry serve` writes.
 */
import { createTransferService, type TransferService } from '../core/globus';
import { openCliSignIn, takeDataDir } from './cli-sign-in';
import { runSyncCli } from './sync-cli';


export interface SyncCommandIo {
  readonly stdout?: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr?: { write(s: string): unknown };
  readonly env?: NodeJS.ProcessEnv;
  /** Ends `ferry sync run` without `--once` (default: SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
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
  // the same settings file `ferry serve` and the app read, and the token file `ferry serve` writes
  const signIn = openCliSignIn(taken.dataDir, env);
  if (signIn.notice) stderr.write(`ferry sync: ${signIn.notice}\n`);
  let transfer: TransferService | null = null;
  const transferService = async (): Promise<TransferService> => {
    transfer ??= createTransferService({ auth: await signIn.auth() });
    return transfer;
  };

  try {
    // a run needs Globus: say how to sign in before anything is scanned or recorded
    const [command, ...flags] = taken.rest;
    const wellFormedRun = command === 'run' && !flags.includes('--help') && flags.some((f) => f.startsWith('--job')) !== flags.includes('--all');
    if (wellFormedRun) await transferService();
    return await runSyncCli(taken.rest, {
      dataDir: signIn.stateDir,
      transferService,
      stdout,
      stderr,
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } catch (error) {
    stderr.write(`ferry sync: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await signIn.dispose();
  }
}
