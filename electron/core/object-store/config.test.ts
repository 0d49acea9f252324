import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  configFromToml,
  configToToml,
  listConfigs,
  readConfig,
  relaySecretOf,
  resolveProxystoreHome,
  writeConfig,
  type EndpointConfig,
} from './config';
import { EndpointConfigError } from './errors';
import { tempDir } from './testing/test-helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const sample: EndpointConfig = {
  name: 'my-endpoint_1',
  uuid: '5f0c1e9a-3b7d-4c2e-9f4a-8d6b2a1c0e7f',
  port: 12345,
  host: '127.0.0.1',
  hostType: 'static',
  relay: {
    address: 'ws://relay.example.org:8700',
    auth: { method: null, kwargs: { secret: 'shh' } },
    peerChannels: 2,
    verifyCertificate: false,
  },
  storage: { databasePath: '/data/proxystore/my-endpoint_1/blobs.db', maxObjectSize: 5_000 },
};

describe('config.toml', () => {
  it('round-trips through TOML in ProxyStore layout', () => {
    const toml = configToToml(sample);
    expect(toml).toContain('name = "my-endpoint_1"');
    expect(toml).toContain('host_type = "static"');
    expect(toml).toContain('[relay]\naddress = "ws://relay.example.org:8700"\npeer_channels = 2\nverify_certificate = false');
    expect(toml).toContain('[relay.auth.kwargs]\nsecret = "shh"');
    expect(toml).toContain('[storage]\ndatabase_path = "/data/proxystore/my-endpoint_1/blobs.db"\nmax_object_size = 5000');
    expect(configFromToml(toml)).toEqual(sample);
    expect(relaySecretOf(sample)).toBe('shh');
  });

  it('reads what Python ProxyStore writes, with its defaults for missing fields', () => {
    // As `proxystore-endpoint configure ep` writes it with tomli_w (None values left out).
    const python = [
      'name = "ep"',
      'uuid = "9d3c3b1e-2f7a-4f43-8a4c-0b1d2e3f4a5b"',
      'port = 10789',
      'host_type = "ip"',
      '',
      '[relay]',
      'peer_channels = 1',
      'verify_certificate = true',
      '',
      '[relay.auth]',
      'method = "globus"',
      '',
      '[relay.auth.kwargs]',
      '',
      '[storage]',
      'max_object_size = 100000000',
      '',
    ].join('\n');
    const config = configFromToml(python);
    expect(config).toEqual({
      name: 'ep',
      uuid: '9d3c3b1e-2f7a-4f43-8a4c-0b1d2e3f4a5b',
      port: 10789,
      host: null,
      hostType: 'ip',
      relay: { address: null, auth: { method: 'globus', kwargs: {} }, peerChannels: 1, verifyCertificate: true },
      storage: { databasePath: null, maxObjectSize: 100_000_000 },
    });
    expect(configFromToml(configToToml(config))).toEqual(config);
    expect(configFromToml('name = "x"\nuuid = "9d3c3b1e-2f7a-4f43-8a4c-0b1d2e3f4a5b"\nport = 1\n').storage.maxObjectSize).toBe(100_000_000);
  });

  it('rejects invalid values with ProxyStore-like messages', () => {
    const bad = (patch: Partial<EndpointConfig>): (() => string) => () => configToToml({ ...sample, ...patch });
    expect(bad({ name: 'has space' })).toThrow('Name must only contain alphanumeric characters');
    expect(bad({ uuid: 'nope' })).toThrow('"nope" is not a valid UUID4 string.');
    expect(bad({ port: 70000 })).toThrow('Port must be in range [1, 65535].');
    expect(bad({ relay: { ...sample.relay, address: 'http://x' } })).toThrow('Server must start with ws:// or wss://.');
    expect(() => configFromToml('name = "x"\nuuid = "9d3c3b1e-2f7a-4f43-8a4c-0b1d2e3f4a5b"\nport = "80"\n')).toThrow('port must be an integer');
    expect(() => configFromToml('name = ')).toThrow(EndpointConfigError);
  });

  it('writes, reads and lists endpoint folders, skipping broken ones', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    await writeConfig(join(t.dir, 'b'), { ...sample, name: 'b' });
    await writeConfig(join(t.dir, 'a'), { ...sample, name: 'a', uuid: '1f0c1e9a-3b7d-4c2e-9f4a-8d6b2a1c0e7f' });
    mkdirSync(join(t.dir, 'broken'));
    writeFileSync(join(t.dir, 'broken', 'config.toml'), 'name = [');
    mkdirSync(join(t.dir, 'empty'));
    expect(await readConfig(join(t.dir, 'b'))).toEqual({ ...sample, name: 'b' });
    expect((await listConfigs(t.dir)).map((f) => f.config.name)).toEqual(['a', 'b']);
    expect(await listConfigs(join(t.dir, 'missing'))).toEqual([]);
    await expect(readConfig(join(t.dir, 'empty'))).rejects.toThrow('does not contain a valid configuration');
  });

  it('finds the home folder as ProxyStore does', () => {
    expect(resolveProxystoreHome({ PROXYSTORE_HOME: '/ps' }, '/data/proxystore')).toBe('/ps');
    expect(resolveProxystoreHome({}, '/data/proxystore')).toBe('/data/proxystore');
    expect(resolveProxystoreHome({ XDG_DATA_HOME: '/xdg' })).toBe('/xdg/proxystore');
    expect(resolveProxystoreHome({})).toMatch(/\.local\/share\/proxystore$/);
  });
});
