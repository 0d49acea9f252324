/**
 * `ferry endpoint …` (also `ferry object-store …`) and `ferry relay`: object stores from a shell,
 * in the words ProxyStore's own `proxystore-endpoint` uses, since its users know them as endpoints.
 * Core (electron/core/object-store) does the work; this file is the command text and its arguments.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  EndpointClient,
  EndpointManager,
  parseUuid,
  PROXYSTORE_RELAY_SCOPE,
  resolveProxystoreHome,
  type EndpointManagerOptions,
  type EndpointStatus,
  type RelayServer,
} from '../core/object-store';
import { untilShutdownSignal, UsageError } from './args';
import { openCliSignIn, takeDataDir, type CliSignIn } from './cli-sign-in';
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
  /**
   * `start --detach` (ProxyStore's default): runs `argv` (ending in `--no-detach`) as a detached
   * process and returns its pid. Defaults to this same `ferry` command under `process.execPath`.
   */
  readonly spawnDetached?: (argv: readonly string[], env: Readonly<Record<string, string | undefined>>) => number;
  /** How long `start --detach` waits for the detached endpoint to serve (default 15 s). */
  readonly detachTimeoutMs?: number;
}

/** ProxyStore's defaults for `proxystore-endpoint configure`. */
export const PROXYSTORE_PUBLIC_RELAY = 'wss://relay.proxystore.dev';

const USAGE = `Usage (the verbs and flags of ProxyStore's proxystore-endpoint):
  ferry endpoint configure NAME [--host ip|fqdn|ADDR] [--port N]
                                [--relay-address ADDR] [--relay-auth/--no-relay-auth]
                                [--relay-server/--no-relay-server] [--peer-channels N]
                                [--persist/--no-persist] [--max-object-size BYTES]
        As ProxyStore: the relay defaults to ${PROXYSTORE_PUBLIC_RELAY} with Globus Auth, data is
        kept in memory unless --persist. Ferry additions: --relay-secret S (a \`ferry relay --secret\`;
        implies --no-relay-auth), --relay (= --relay-address), --memory (= --no-persist).
        Without --host the endpoint serves on 127.0.0.1; with ip or fqdn it also serves on 127.0.0.1.
  ferry endpoint start NAME [--detach/--no-detach]    (detached by default, as ProxyStore)
  ferry endpoint stop NAME
  ferry endpoint list                                 (with each endpoint's relay link)
  ferry endpoint status NAME
  ferry endpoint remove NAME
  ferry endpoint test NAME [--remote UUID] get KEY | put DATA | exists KEY | evict KEY
  ferry relay --port N [--host H] [--secret S | --no-auth | --globus-auth] [--certfile PEM --keyfile PEM]

An endpoint with Globus Auth (relay.auth.method = "globus", the default, as for ProxyStore's
public relay) presents a token for the relay's scope from the person's Ferry sign-in: the one
\`ferry serve --data-dir DIR\` keeps (\`ferry endpoint start NAME --data-dir DIR\`; default: the
default data folder), with the relay consent granted in Ferry. Without a usable sign-in it serves
locally and \`list\`/\`status\` say why it is not connected to its relay.

\`ferry object-store …\` is the same command. Endpoints (Ferry's object stores) live in
$PROXYSTORE_HOME (one folder per endpoint, as ProxyStore lays them out).`;

interface Parsed {
  readonly positional: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

const VALUE_FLAGS = new Set(['port', 'host', 'relay', 'relay-address', 'relay-secret', 'peer-channels', 'max-object-size', 'remote', 'log-level']);
/** Click's `--x/--no-x` pairs: stored as `x` = 'true' | 'false'. */
const PAIR_FLAGS = new Set(['relay-auth', 'relay-server', 'persist', 'detach']);
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
      if (eq < 0 && PAIR_FLAGS.has(name)) {
        flags.set(name, 'true');
      } else if (eq < 0 && name.startsWith('no-') && PAIR_FLAGS.has(name.slice(3))) {
        flags.set(name.slice(3), 'false');
      } else if (BOOL_FLAGS.has(name)) {
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

function pairFlag(flags: Parsed['flags'], name: string, dflt: boolean): boolean {
  const v = flags.get(name);
  return v === undefined ? dflt : v === 'true';
}

/** Runs this same `ferry` (bin script or bundle) again, detached, with its output appended to nothing. */
function defaultSpawnDetached(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  const script = process.argv[1];
  const args = script ? [...process.execArgv, script, ...argv] : [...argv];
  const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore', env: { ...env } as NodeJS.ProcessEnv });
  child.unref();
  if (child.pid === undefined) throw new Error('could not start a detached process');
  return child.pid;
}

function relayColumn(r: EndpointStatus): string {
  if (r.relayAddress === null) return '-';
  if (r.relayState === null) return r.state === 'running' ? 'unknown' : '-';
  return r.relayState;
}

/** What `test get` shows: ProxyStore's str and bytes serializations as text, anything else by size. */
export function describeSerialized(data: Uint8Array): string {
  const buf = Buffer.from(data);
  const nl = buf.indexOf(0x0a);
  const id = nl === 2 ? buf.subarray(0, 2).toString('latin1') : '';
  if (id === 'US') return buf.subarray(3).toString('utf8');
  if (id === 'BS') return `b${JSON.stringify(buf.subarray(3).toString('latin1'))}`;
  return `<${buf.length} bytes${id ? `, ProxyStore serializer ${id}` : ''}>`;
}

function formatTable(rows: readonly EndpointStatus[]): string {
  const nameWidth = Math.max(18, ...rows.map((r) => r.name.length));
  const lines = [`${'NAME'.padEnd(nameWidth)} ${'STATUS'.padEnd(8)} ${'UUID'.padEnd(36)} ${'PORT'.padEnd(5)} ${'OBJECTS'.padEnd(16)} RELAY`];
  lines.push('='.repeat(lines[0]?.length ?? 0));
  for (const r of rows) {
    const objects = r.objectCount === null ? '?' : `${r.objectCount} (${r.totalBytes ?? 0} B)`;
    lines.push(
      `${r.name.padEnd(nameWidth)} ${r.state.toUpperCase().padEnd(8)} ${r.uuid.padEnd(36)} ${String(r.port).padEnd(5)} ${objects.padEnd(16)} ${relayColumn(r)}`,
    );
  }
  return lines.join('\n');
}

function formatStatus(r: EndpointStatus): string {
  const lines = [
    `Endpoint: ${r.name} <${r.uuid}>`,
    `Status:   ${r.state.toUpperCase()}${r.pid !== null ? ` (pid ${r.pid})` : ''}`,
    `Address:  http://${r.host ?? '127.0.0.1'}:${r.port}`,
    `Mode:     ${r.mode}`,
  ];
  if (r.relayAddress !== null) {
    lines.push(`Relay:    ${r.relayAddress} (${relayColumn(r)})`);
    if (r.relayError) lines.push(`Relay error: ${r.relayError}`);
  }
  lines.push(`Storage:  ${r.storage}, ${r.objectCount === null ? '?' : `${r.objectCount} objects (${r.totalBytes ?? 0} B)`}`);
  return lines.join('\n');
}

async function runTest(
  manager: EndpointManager,
  name: string,
  words: readonly string[],
  remote: string | undefined,
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<number> {
  const [op, arg] = words;
  if (!op || !['get', 'put', 'exists', 'evict'].includes(op)) throw new UsageError(`ferry endpoint test ${name} needs get KEY, put DATA, exists KEY or evict KEY`);
  if (arg === undefined) throw new UsageError(`ferry endpoint test ${name} ${op} needs ${op === 'put' ? 'DATA' : 'KEY'}`);
  if (remote !== undefined && !parseUuid(remote)) throw new UsageError(`--remote must be a UUID (got ${remote})`);
  const status = await manager.status(name);
  const address = `http://${status.host ?? '127.0.0.1'}:${status.port}`;
  const client = new EndpointClient({ url: address, timeoutMs: 30_000 });
  try {
    switch (op) {
      case 'get': {
        const data = await client.get(arg, remote);
        out(data === null ? 'Object does not exist.' : `Result: ${describeSerialized(data)}`);
        return 0;
      }
      case 'put': {
        const key = randomUUID();
        // ProxyStore's serialize() of a str: the "US" identifier line, then UTF-8.
        await client.set(key, Buffer.concat([Buffer.from('US\n'), Buffer.from(arg, 'utf8')]), remote);
        out(`Put object in endpoint with key ${key}`);
        return 0;
      }
      case 'exists':
        out(`Object exists: ${(await client.exists(arg, remote)) ? 'True' : 'False'}`);
        return 0;
      default:
        await client.evict(arg, remote);
        out('Evicted object from endpoint.');
        return 0;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    err(code === 'ECONNREFUSED' ? `Unable to connect to endpoint at ${address}.` : error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    client.close();
  }
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
    const taken = takeDataDir(rest);
    if (typeof taken === 'string') throw new UsageError(taken);
    const { positional, flags } = parseArgs(taken.rest);
    if (group === undefined || !GROUPS.includes(group) || flags.has('help')) {
      (flags.has('help') ? out : err)(USAGE);
      return flags.has('help') ? 0 : 2;
    }
    const [command, name] = positional;
    const home = resolveProxystoreHome(env, deps.defaultHome);
    // An endpoint whose relay uses Globus Auth presents a token for the relay's scope from the
    // sign-in `ferry serve` keeps in --data-dir (read only when such an endpoint connects).
    let signIn: CliSignIn | null = null;
    const globusRelayToken =
      deps.manager?.globusRelayToken ??
      (async (_address: string, o?: { readonly refresh: boolean }) => {
        signIn ??= openCliSignIn(taken.dataDir, env);
        return (await signIn.auth()).tokenFor(PROXYSTORE_RELAY_SCOPE, o);
      });
    const manager = new EndpointManager({ ...deps.manager, home, owner: 'cli', globusRelayToken });
    const needName = (): string => {
      if (!name) throw new UsageError(`ferry ${group} ${command ?? ''} needs a NAME`);
      return name;
    };
    switch (command) {
      case 'configure': {
        // proxystore-endpoint configure: --relay-address (default the public relay), used unless
        // --no-relay-server; --relay-auth (default on) writes relay.auth.method = "globus".
        const relayServer = pairFlag(flags, 'relay-server', true);
        const relay = relayServer ? (strFlag(flags, 'relay-address') ?? strFlag(flags, 'relay') ?? PROXYSTORE_PUBLIC_RELAY) : null;
        const secret = strFlag(flags, 'relay-secret') ?? null;
        const relayAuth = pairFlag(flags, 'relay-auth', secret === null);
        if (relayAuth && secret !== null) throw new UsageError('--relay-secret is for a ferry relay with a shared secret; it cannot be used with --relay-auth');
        const rawHost = strFlag(flags, 'host');
        const hostWord = rawHost?.trim().toLowerCase();
        const hostType = hostWord === 'ip' || hostWord === 'fqdn' ? hostWord : 'static';
        const peerChannels = intFlag(flags, 'peer-channels');
        if (peerChannels === 0) throw new UsageError('--peer-channels must be at least 1');
        const status = await manager.configure(needName(), {
          port: intFlag(flags, 'port'),
          host: hostType === 'static' ? rawHost : undefined,
          hostType,
          relayAddress: relay,
          relayAuth: relay !== null && relayAuth ? 'globus' : null,
          relaySecret: relayAuth ? null : (secret ?? env.FERRY_RELAY_SECRET ?? null),
          peerChannels,
          persist: flags.has('memory') ? false : pairFlag(flags, 'persist', false),
          maxObjectSize: intFlag(flags, 'max-object-size'),
        });
        out(`Configured endpoint: ${status.name} <${status.uuid}>`);
        out(`Config and log file directory: ${status.dir}`);
        out(`Start the endpoint with:\n  $ ferry endpoint start ${status.name}`);
        return 0;
      }
      case 'start': {
        if (pairFlag(flags, 'detach', true)) {
          const n = needName();
          const before = await manager.status(n);
          if (before.state === 'running') throw new Error(`Endpoint ${n} is already running (pid ${before.pid ?? '?'}).`);
          const childArgs = [group, 'start', n, '--no-detach', ...(taken.dataDir ? ['--data-dir', taken.dataDir] : [])];
          const pid = (deps.spawnDetached ?? defaultSpawnDetached)(childArgs, env);
          const deadline = Date.now() + (deps.detachTimeoutMs ?? 15_000);
          for (;;) {
            const now = await manager.status(n);
            if (now.state === 'running' && now.pid === pid) {
              out(`Started endpoint ${now.name} <${now.uuid}> in the background (pid ${pid}) on http://${now.host ?? '127.0.0.1'}:${now.port}`);
              out(`Log: ${now.dir}/log.txt. Stop it with:\n  $ ferry ${group} stop ${now.name}`);
              return 0;
            }
            if (Date.now() > deadline) throw new Error(`Endpoint ${n} did not start within ${Math.round((deps.detachTimeoutMs ?? 15_000) / 1000)} s; see ${now.dir}/log.txt.`);
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        const status = await manager.start(needName());
        out(`Serving endpoint ${status.uuid} (${status.name}) on http://${status.host ?? '127.0.0.1'}:${status.port} in ${status.mode} mode`);
        deps.onReady?.({ kind: 'endpoint', status });
        await (deps.waitForShutdown ?? untilShutdownSignal)();
        await manager.close();
        await (signIn as CliSignIn | null)?.dispose();
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
      case 'status': {
        out(formatStatus(await manager.status(needName())));
        return 0;
      }
      case 'test': {
        return await runTest(manager, needName(), positional.slice(2), strFlag(flags, 'remote'), out, err);
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
