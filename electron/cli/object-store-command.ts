/**
 * `ferry endpoint …` (also `ferry object-store …`) and `ferry relay`: object stores from a shell,
 * in the words ProxyStore's own `proxystore-endpoint` uses, since its users know them as endpoints.
 * Core (electron/core/object-store) does the work; this file is the command text and its arguments.
 */
import { EndpointManager, resolveProxystoreHome, type EndpointManagerOptions, type EndpointStatus, type RelayServer } from '../core/object-store';
import { UsageError } from './args';
import { runRelayCommand } from './relay-command';

/** The command's words: `endpoint` for ProxyStore users, `object-store` as Ferry's UI says it. */
const GROUPS: readonly string[] = ['endpoint', 'object-store'];

export interface ObjectStoreCommandDeps {
  /** Environment; $PROXYSTORE_HOME wins over `defaultHome`. Defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Home used when $PROXYSTORE_HOME is unset (Ferry passes `<dataDir>/proxystore`). */
  readonly defaultHome?: string;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Resolves when a foreground `start` or `relay` should end (default: SIGINT or SIGTERM). */
  readonly waitForShutdown?: () => Promise<void>;
  /** Called once a foreground server is up (tests use it to learn ports). */
  readonly onReady?: (info: { readonly kind: 'endpoint'; readonly status: EndpointStatus } | { readonly kind: 'relay'; readonly relay: RelayServer }) => void;
  /** Passed to the manager (pid, isProcessAlive, kill, timeouts). */
  readonly manager?: Omit<EndpointManagerOptions, 'home' | 'owner'>;
}

const USAGE = `Usage:
  ferry endpoint configure NAME [--port N] [--host H] [--relay-address ws://HOST:PORT [--relay-secret S] [--peer-channels N]]
                                [--memory] [--max-object-size BYTES]
                                 (--relay is --relay-address; without --relay-secret the relay needs no authentication)
  ferry endpoint start NAME        serve in the foreground until Ctrl-C
  ferry endpoint stop NAME
  ferry endpoint list
  ferry endpoint remove NAME
  ferry relay --port N [--host H] [--secret S | --no-auth] [--certfile PEM --keyfile PEM]

\`ferry object-store …\` is the same command. Endpoints (Ferry's object stores) live in
$PROXYSTORE_HOME (one folder per endpoint, as ProxyStore lays them out).`;

interface Parsed {
  readonly positional: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

const VALUE_FLAGS = new Set(['port', 'host', 'relay', 'relay-address', 'relay-secret', 'peer-channels', 'max-object-size']);
const BOOL_FLAGS = new Set(['memory', 'help']);

function parseArgs(args: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '-h') {
      flags.set('help', true);
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (BOOL_FLAGS.has(name)) {
        flags.set(name, true);
      } else if (VALUE_FLAGS.has(name)) {
        const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        flags.set(name, value);
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}

function intFlag(flags: Parsed['flags'], name: string): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`);
  return n;
}

function strFlag(flags: Parsed['flags'], name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

function defaultShutdown(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

function formatTable(rows: readonly EndpointStatus[]): string {
  const nameWidth = Math.max(18, ...rows.map((r) => r.name.length));
  const lines = [`${'NAME'.padEnd(nameWidth)} ${'STATUS'.padEnd(8)} ${'UUID'.padEnd(36)} ${'PORT'.padEnd(5)} OBJECTS`];
  lines.push('='.repeat(lines[0]?.length ?? 0));
  for (const r of rows) {
    const objects = r.objectCount === null ? '?' : `${r.objectCount} (${r.totalBytes ?? 0} B)`;
    lines.push(`${r.name.padEnd(nameWidth)} ${r.state.toUpperCase().padEnd(8)} ${r.uuid.padEnd(36)} ${String(r.port).padEnd(5)} ${objects}`);
  }
  return lines.join('\n');
}

/** `ferry endpoint configure|start|stop|list|remove NAME` (or `ferry object-store …`) and `ferry relay`. Returns the exit code. */
export async function runObjectStoreCommand(argv: readonly string[], deps: ObjectStoreCommandDeps = {}): Promise<number> {
  const out = deps.stdout ?? ((t: string) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`));
  const err = deps.stderr ?? ((t: string) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`));
  const env = deps.env ?? process.env;
  try {
    const [group, ...rest] = argv;
    if (group === 'relay') {
      return await runRelayCommand(rest, { env, stdout: out, waitForShutdown: deps.waitForShutdown, onReady: (relay) => deps.onReady?.({ kind: 'relay', relay }) });
    }
    const { positional, flags } = parseArgs(rest);
    if (group === undefined || !GROUPS.includes(group) || flags.has('help')) {
      (flags.has('help') ? out : err)(USAGE);
      return flags.has('help') ? 0 : 2;
    }
    const [command, name] = positional;
    const home = resolveProxystoreHome(env, deps.defaultHome);
    const manager = new EndpointManager({ ...deps.manager, home, owner: 'cli' });
    const needName = (): string => {
      if (!name) throw new UsageError(`ferry ${group} ${command ?? ''} needs a NAME`);
      return name;
    };
    switch (command) {
      case 'configure': {
        const relay = strFlag(flags, 'relay-address') ?? strFlag(flags, 'relay') ?? null;
        const status = await manager.configure(needName(), {
          port: intFlag(flags, 'port'),
          host: strFlag(flags, 'host'),
          relayAddress: relay,
          relaySecret: strFlag(flags, 'relay-secret') ?? env.FERRY_RELAY_SECRET ?? null,
          peerChannels: intFlag(flags, 'peer-channels'),
          persist: !flags.has('memory'),
          maxObjectSize: intFlag(flags, 'max-object-size'),
        });
        out(`Configured endpoint: ${status.name} <${status.uuid}>`);
        out(`Config and log file directory: ${status.dir}`);
        out(`Start the endpoint with:\n  $ ferry endpoint start ${status.name}`);
        return 0;
      }
      case 'start': {
        const status = await manager.start(needName());
        out(`Serving endpoint ${status.uuid} (${status.name}) on http://${status.host ?? '127.0.0.1'}:${status.port} in ${status.mode} mode`);
        deps.onReady?.({ kind: 'endpoint', status });
        await (deps.waitForShutdown ?? defaultShutdown)();
        await manager.close();
        out(`Finished serving endpoint: ${status.name}`);
        return 0;
      }
      case 'stop': {
        const before = await manager.status(needName());
        if (before.state === 'stopped') {
          out(`Endpoint ${before.name} is not running.`);
          return 0;
        }
        await manager.stop(before.name);
        out(`Endpoint ${before.name} has been stopped.`);
        return 0;
      }
      case 'list': {
        const rows = await manager.list();
        out(rows.length === 0 ? `No valid endpoint configurations in ${home}.` : formatTable(rows));
        return 0;
      }
      case 'remove': {
        await manager.remove(needName());
        out(`Removed endpoint named ${name}.`);
        return 0;
      }
      default:
        err(command ? `unknown command: ferry ${group} ${command}\n\n${USAGE}` : USAGE);
        return 2;
    }
  } catch (error) {
    err(error instanceof Error ? error.message : String(error));
    if (error instanceof UsageError) {
      err(USAGE);
      return 2;
    }
    return 1;
  }
}
