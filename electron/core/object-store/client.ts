import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { listConfigs, resolveProxystoreHome, type EndpointConfig } from './config';
import { EndpointRequestError, NoReachableEndpointError } from './errors';
import { MAX_CHUNK_LENGTH } from './http-server';
import { parseUuid } from './uuid';

export interface EndpointClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:12345`. */
  readonly url: string;
  /** The endpoint's UUID, if known. */
  readonly uuid?: string;
  /** Per-request timeout (default 60 s). */
  readonly timeoutMs?: number;
}

export interface FindEndpointOptions {
  /** Endpoint UUIDs in order of preference. */
  readonly endpoints: readonly string[];
  /** ProxyStore home; defaults to resolveProxystoreHome(process.env). */
  readonly home?: string;
  /** Timeout for each GET /endpoint probe (default 2 s). */
  readonly probeTimeoutMs?: number;
}

interface RawResponse {
  readonly status: number;
  readonly body: Buffer;
}

/**
 * HTTP client for an endpoint's ProxyStore routes (what ProxyStore's `proxystore.endpoint.client`
 * does). `connect` finds the first of a list of endpoints that is configured and answering here.
 */
export class EndpointClient {
  readonly url: string;
  readonly uuid: string | undefined;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });
  private readonly timeoutMs: number;

  constructor(options: EndpointClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.uuid = options.uuid;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /**
   * Reads the endpoint folders under `home` and returns a client for the first UUID (in the order
   * given) whose config has a host and whose GET /endpoint answers with that UUID.
   */
  static async connect(options: FindEndpointOptions): Promise<EndpointClient> {
    const found = await findLocalEndpoint(options);
    return new EndpointClient({ url: `http://${hostForUrl(found.host ?? '127.0.0.1')}:${found.port}`, uuid: found.uuid });
  }

  /** GET /endpoint: the UUID the endpoint reports. */
  async endpointUuid(): Promise<string> {
    const res = await this.call('GET', '/endpoint', {});
    expectOk(res);
    const uuid = (JSON.parse(res.body.toString('utf8')) as { uuid?: unknown }).uuid;
    if (typeof uuid !== 'string') throw new EndpointRequestError(res.status, 'response has no uuid');
    return uuid;
  }

  /** The blob, or null when the endpoint has no data for the key (404). */
  async get(key: string, endpoint?: string | null): Promise<Uint8Array | null> {
    const res = await this.call('GET', '/get', { key, endpoint });
    if (res.status === 404) return null;
    expectOk(res);
    return res.body;
  }

  async set(key: string, data: Uint8Array, endpoint?: string | null): Promise<void> {
    expectOk(await this.call('POST', '/set', { key, endpoint }, data));
  }

  async exists(key: string, endpoint?: string | null): Promise<boolean> {
    const res = await this.call('GET', '/exists', { key, endpoint });
    expectOk(res);
    return (JSON.parse(res.body.toString('utf8')) as { exists?: unknown }).exists === true;
  }

  async evict(key: string, endpoint?: string | null): Promise<void> {
    expectOk(await this.call('POST', '/evict', { key, endpoint }));
  }

  close(): void {
    this.agent.destroy();
  }

  private call(method: 'GET' | 'POST', path: string, params: Record<string, string | null | undefined>, body?: Uint8Array): Promise<RawResponse> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) query.set(k, v);
    const qs = query.toString();
    return rawRequest(`${this.url}${path}${qs ? `?${qs}` : ''}`, method, this.timeoutMs, this.agent, body);
  }
}

/** The first configured endpoint among `endpoints` that answers GET /endpoint with its own UUID. */
export async function findLocalEndpoint(options: FindEndpointOptions): Promise<EndpointConfig> {
  if (options.endpoints.length === 0) throw new TypeError('At least one endpoint must be specified.');
  const wanted = options.endpoints.map((e) => {
    const uuid = parseUuid(e);
    if (!uuid) throw new TypeError(`${e} is not a valid UUID4`);
    return uuid;
  });
  const home = options.home ?? resolveProxystoreHome(process.env);
  const configs = await listConfigs(home);
  const tried: string[] = [];
  for (const uuid of wanted) {
    const found = configs.find((c) => parseUuid(c.config.uuid) === uuid);
    if (!found) continue;
    const { config } = found;
    if (config.host === null) {
      tried.push(`${config.name} (${uuid}) has not been started`);
      continue;
    }
    const client = new EndpointClient({ url: `http://${hostForUrl(config.host)}:${config.port}`, timeoutMs: options.probeTimeoutMs ?? 2_000 });
    try {
      const answered = parseUuid(await client.endpointUuid());
      if (answered === uuid) return config;
      tried.push(`${config.name} (${uuid}) at ${client.url} answered as ${answered ?? 'something else'}`);
    } catch (error) {
      tried.push(`${config.name} (${uuid}) at ${client.url}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      client.close();
    }
  }
  throw new NoReachableEndpointError(
    `None of the endpoints ${wanted.join(', ')} is configured in ${home} and answering on this machine` +
      (tried.length ? `: ${tried.join('; ')}` : '.'),
  );
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function expectOk(res: RawResponse): void {
  if (res.status < 200 || res.status >= 300) throw new EndpointRequestError(res.status, res.body.toString('utf8'));
}

function rawRequest(url: string, method: 'GET' | 'POST', timeoutMs: number, agent: Agent, body?: Uint8Array): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body) {
      headers['Content-Type'] = 'application/octet-stream';
      headers['Content-Length'] = body.byteLength;
    }
    const req = httpRequest(url, { method, agent, headers, timeout: timeoutMs }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size) }));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error(`request to ${url} timed out after ${timeoutMs} ms`)));
    req.once('error', reject);
    if (body) void writeBody(req, body);
    else req.end();
  });
}

/** Streams the body in slices of at most MAX_CHUNK_LENGTH, respecting backpressure. */
async function writeBody(req: ReturnType<typeof httpRequest>, body: Uint8Array): Promise<void> {
  for (let offset = 0; offset < body.byteLength; offset += MAX_CHUNK_LENGTH) {
    if (req.destroyed) return;
    const slice = body.subarray(offset, Math.min(offset + MAX_CHUNK_LENGTH, body.byteLength));
    if (!req.write(slice)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          req.off('drain', done);
          req.off('close', done);
          resolve();
        };
        req.on('drain', done);
        req.on('close', done);
      });
    }
  }
  if (!req.destroyed) req.end();
}
