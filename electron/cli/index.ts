/**
 * `ferry` on a shell: `ferry serve` starts the browser host; more commands join as their
 * modules land. Every command prints what it did and exits non-zero with one clear line on error.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir, findPackageRoot } from '../core/kernel';
import { parseArgs, portFlag, UsageError } from './args';

const usage = `Usage:
  ferry serve [--port N] [--data-dir DIR]   start the browser host on 127.0.0.1
  ferry endpoint configure|start|stop|status|list|remove|test NAME [options]
                                            object stores: ProxyStore endpoints in $PROXYSTORE_HOME
                                            (ferry object-store … is the same command)
  ferry relay --port N [--secret S | --no-auth] [--certfile PEM --keyfile PEM]
                                            the relay object stores peer through (ProxyStore's protocol)
  ferry sync add|edit|remove|pause|resume|list|preview|run|log|files [--data-dir DIR] ...
                                            sync jobs, from a shell (ferry sync --help)
  ferry --version | --help`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const pkg = findPackageRoot(fileURLToPath(import.meta.url));
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest, pkg);
      // each command loads only its own modules: `ferry sync run` does not carry the whole app
      // (the bundle is split by command: the sync process starts ~30 MB lighter)
      case 'sync':
        return await (await import('./sync-command')).runSyncCommand(rest);
      case 'endpoint':
      case 'object-store':
        return await (await import('./object-store-command')).runObjectStoreCommand(argv);
      case 'relay':
        return await (await import('./relay-command')).runRelayCommand(rest);
      case '--version':
      case 'version':
        console.log(pkg.version);
        return 0;
      case undefined:
      case '--help':
      case 'help':
        console.log(usage);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".\n${usage}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`ferry: ${error.message}`);
      return 2;
    }
    console.error(`ferry: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function serveCommand(argv: readonly string[], pkg: { root: string; version: string }): Promise<number> {
  const { flags } = parseArgs(argv, { port: 'string', 'data-dir': 'string' });
  const dataDir = resolve(typeof flags['data-dir'] === 'string' ? flags['data-dir'] : defaultDataDir());
  const { startServe } = await import('../serve');
  const running = await startServe({
    dataDir,
    rendererDir: join(pkg.root, 'dist', 'renderer'),
    port: portFlag(flags.port) ?? 0,
    version: pkg.version,
  });
  keepServingOnStrayErrors();
  console.log(`Ferry is running at ${running.url}`);
  console.log(`Data folder: ${dataDir}`);
  console.log('Open the URL above in a browser on this machine. Press Ctrl+C to stop.');
  await new Promise<void>((done) => {
    let closing: Promise<void> | undefined;
    const stop = () => {
      closing ??= running.close().then(done, (error: unknown) => {
        console.error('ferry: stopping did not finish cleanly:', error);
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

/**
 * The last resort of a long-running host: an error nobody caught (a bug in a timer, a library's
 * stray rejection) is logged and the server keeps answering; every request path is wrapped
 * already, so this only catches what escaped them.
 */
function keepServingOnStrayErrors(): void {
  process.on('uncaughtException', (error) => {
    console.error('ferry serve: an unexpected error was caught and logged; still serving.', error);
  });
  process.on('unhandledRejection', (reason) => {
    console.error('ferry serve: an unexpected rejection was caught and logged; still serving.', reason);
  });
}
