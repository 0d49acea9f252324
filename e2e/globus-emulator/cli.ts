/**
 * `npm run emulator -- --port N --root DIR [--collections FILE] [--token-lifetime S] [--bandwidth BYTES_PER_S]`
 * Prints `Globus emulator listening on http://127.0.0.1:PORT`, then the environment lines that
 * point @globus/sdk at it. Stops cleanly on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EMULATOR_DEFAULT_CLIENT_ID, startEmulator, type CollectionConfig } from './index';

function fail(message: string): never {
  console.error(`ferry-emulator: ${message}`);
  console.error('usage: ferry-emulator --root DIR [--port N] [--collections FILE] [--token-lifetime S] [--bandwidth BYTES_PER_S] [--client-id ID]...');
  process.exit(2);
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a non-negative number`);
  return n;
}

function readCollections(file: string): CollectionConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { collections?: unknown } | null)?.collections;
  if (!Array.isArray(list)) fail(`${file} must hold a JSON array of collections (or {"collections": [...]})`);
  return list.map((c: unknown, i) => {
    const o = (c ?? {}) as Record<string, unknown>;
    if (typeof o['id'] !== 'string' || typeof o['display_name'] !== 'string' || typeof o['root'] !== 'string') {
      fail(`${file}: collection ${i} needs string id, display_name and root`);
    }
    return {
      id: o['id'],
      display_name: o['display_name'],
      root: o['root'],
      ...(typeof o['owner_string'] === 'string' ? { owner_string: o['owner_string'] } : {}),
      ...(typeof o['description'] === 'string' ? { description: o['description'] } : {}),
      ...(o['requireDataAccessConsent'] === true ? { requireDataAccessConsent: true } : {}),
    };
  });
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        root: { type: 'string' },
        collections: { type: 'string' },
        'token-lifetime': { type: 'string' },
        bandwidth: { type: 'string' },
        'client-id': { type: 'string', multiple: true },
      },
      strict: true,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (!values.root) fail('--root is required');
  const bandwidth = numberOption(values.bandwidth, 'bandwidth');
  const lifetime = numberOption(values['token-lifetime'], 'token-lifetime');
  const emulator = await startEmulator({
    root: values.root,
    port: numberOption(values.port, 'port') ?? 0,
    ...(values.collections ? { collections: readCollections(values.collections) } : {}),
    ...(lifetime ? { tokenLifetimeSeconds: lifetime } : {}),
    ...(bandwidth ? { bandwidthBytesPerSecond: bandwidth } : {}),
    ...(values['client-id'] ? { clientIds: values['client-id'] } : {}),
  });
  console.log(`Globus emulator listening on ${emulator.url}`);
  console.log(`GLOBUS_SDK_SERVICE_URL_AUTH=${emulator.authBaseUrl}`);
  console.log(`GLOBUS_SDK_SERVICE_URL_TRANSFER=${emulator.transferBaseUrl}`);
  console.log(`GLOBUS_SDK_SERVICE_URL_TIMERS=${emulator.env.GLOBUS_SDK_SERVICE_URL_TIMERS}`);
  console.log(`GLOBUS_SDK_SERVICE_URL_GROUPS=${emulator.env.GLOBUS_SDK_SERVICE_URL_GROUPS}`);
  console.log(`FERRY_GLOBUS_CLIENT_ID=${EMULATOR_DEFAULT_CLIENT_ID}`);
  for (const c of emulator.collections) console.log(`# collection ${c.id} "${c.display_name}" -> ${c.root}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => {
        console.error(`Globus emulator stopped (${signal})`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Globus emulator failed to stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
