/**
 * `ferry relay`: the relay endpoints peer through, speaking ProxyStore's relay protocol, so Ferry
 * endpoints and Python ProxyStore endpoints (`proxystore-endpoint`) can both register with it.
 * Core (electron/core/object-store) runs the server; this file is the command text and its flags.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { globusIntrospectionAuthenticator, PROXYSTORE_RELAY_RESOURCE_SERVER, startRelay, type RelayAuthenticator, type RelayServer } from '../core/object-store';
import { untilShutdownSignal, UsageError } from './args';

export interface RelayCommandDeps {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: (text: string) => void;
  /** Resolves when the relay should stop (default: SIGINT or SIGTERM). */
  readonly waitForShutdown?: () => Promise<void>;
  /** Called once the relay listens (tests use it to learn the port). */
  readonly onReady?: (relay: RelayServer) => void;
}

export const RELAY_USAGE = `Usage:
  ferry relay --port N [--host H] [--secret S | --no-auth | --globus-auth] [--certfile PEM --keyfile PEM] [--max-message-bytes N]

  Endpoints register with the relay and exchange WebRTC offers through it (ProxyStore's relay
  protocol); object data goes directly between endpoints.
  --secret S      endpoints must send "Authorization: Bearer S" (also $FERRY_RELAY_SECRET);
                  without --secret or --no-auth a random secret is made and printed
  --no-auth       no authentication, as ProxyStore's relay without [auth]; Python endpoints
                  configured with --no-relay-auth can register
  --globus-auth   as ProxyStore's relay with method = "globus": endpoints send a Globus access token
                  for the relay's scope; the relay introspects it with Globus Auth
                  ($GLOBUS_SDK_SERVICE_URL_AUTH, else https://auth.globus.org) and lets endpoints
                  peer only with endpoints of the same Globus identity
  --globus-client-id ID / --globus-client-secret S   the relay's confidential Globus app, which
                  introspects (also $PROXYSTORE_GLOBUS_CLIENT_ID / $PROXYSTORE_GLOBUS_CLIENT_SECRET)
  --globus-audience A   the audience tokens must carry (default ProxyStore's relay,
                  ${PROXYSTORE_RELAY_RESOURCE_SERVER})
  --certfile/--keyfile   serve wss:// with this certificate and private key (PEM)`;

const VALUE_FLAGS = new Set(['port', 'host', 'secret', 'certfile', 'keyfile', 'max-message-bytes', 'globus-client-id', 'globus-client-secret', 'globus-audience']);
const BOOL_FLAGS = new Set(['no-auth', 'globus-auth', 'help']);

function parseFlags(args: readonly string[]): ReadonlyMap<string, string | true> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '-h') {
      flags.set('help', true);
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${arg}`);
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
  }
  return flags;
}

function wholeNumber(flags: ReadonlyMap<string, string | true>, name: string): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`);
  return n;
}

/** Runs the relay until shutdown; throws UsageError on bad flags. Returns the exit code. */
export async function runRelayCommand(args: readonly string[], deps: RelayCommandDeps = {}): Promise<number> {
  const out = deps.stdout ?? ((t: string) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`));
  const env = deps.env ?? process.env;
  const flags = parseFlags(args);
  if (flags.has('help')) {
    out(RELAY_USAGE);
    return 0;
  }
  const port = wholeNumber(flags, 'port');
  if (port === undefined) throw new UsageError('ferry relay needs --port N');
  const noAuth = flags.has('no-auth');
  const given = flags.get('secret');
  if (noAuth && given !== undefined) throw new UsageError('--secret and --no-auth cannot be used together');
  const globus = flags.has('globus-auth');
  if (globus && (noAuth || given !== undefined)) throw new UsageError('--globus-auth cannot be used with --secret or --no-auth');
  if (!globus && ['globus-client-id', 'globus-client-secret', 'globus-audience'].some((f) => flags.has(f))) {
    throw new UsageError('--globus-client-id, --globus-client-secret and --globus-audience go with --globus-auth');
  }
  let authenticate: RelayAuthenticator | undefined;
  if (globus) {
    const text = (name: string): string | undefined => {
      const v = flags.get(name);
      return typeof v === 'string' ? v : undefined;
    };
    const clientId = text('globus-client-id') ?? env.PROXYSTORE_GLOBUS_CLIENT_ID;
    const clientSecret = text('globus-client-secret') ?? env.PROXYSTORE_GLOBUS_CLIENT_SECRET;
    if (!clientId || !clientSecret) {
      throw new UsageError('--globus-auth needs the relay\'s Globus app: --globus-client-id and --globus-client-secret (or $PROXYSTORE_GLOBUS_CLIENT_ID and $PROXYSTORE_GLOBUS_CLIENT_SECRET)');
    }
    const authUrl = env.GLOBUS_SDK_SERVICE_URL_AUTH?.trim() || 'https://auth.globus.org';
    authenticate = globusIntrospectionAuthenticator({ authUrl, clientId, clientSecret, audience: text('globus-audience') ?? PROXYSTORE_RELAY_RESOURCE_SERVER });
  }
  let secret: string | null = null;
  if (!noAuth && !globus) {
    secret = (typeof given === 'string' ? given : undefined) ?? env.FERRY_RELAY_SECRET ?? null;
    if (!secret) {
      secret = randomBytes(18).toString('base64url');
      out(`No --secret given; endpoints must use this one: ${secret}`);
    }
  }
  const certfile = flags.get('certfile');
  const keyfile = flags.get('keyfile');
  if ((certfile === undefined) !== (keyfile === undefined)) throw new UsageError('--certfile and --keyfile go together');
  const tls =
    typeof certfile === 'string' && typeof keyfile === 'string' ? { cert: await readFile(certfile), key: await readFile(keyfile) } : undefined;
  const hostFlag = flags.get('host');
  const relay = await startRelay({
    port,
    host: typeof hostFlag === 'string' ? hostFlag : '127.0.0.1',
    secret,
    ...(authenticate ? { authenticate } : {}),
    tls,
    maxMessageBytes: wholeNumber(flags, 'max-message-bytes'),
    onPeersChange: (peers) => out(`${peers.length} endpoint(s) connected${peers.length ? `: ${peers.map((p) => `${p.name} <${p.uuid}>`).join(', ')}` : ''}`),
  });
  out(`Relay listening on ${relay.address}${noAuth ? ' (no authentication)' : globus ? ' (Globus Auth)' : ''}`);
  deps.onReady?.(relay);
  await (deps.waitForShutdown ?? untilShutdownSignal)();
  await relay.close();
  out('Relay stopped.');
  return 0;
}
