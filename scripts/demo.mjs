// `npm run demo`: a local Globus emulator with two sandbox collections, and `ferry serve` pointed
// at it through the SDK's service-URL settings. Prints the URL to open. Ctrl+C stops both.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { Buffer } from 'node:buffer';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const base = resolve(process.env.FERRY_DEMO_DIR ?? join(homedir(), '.ferry-demo'));
const emulatorRoot = join(base, 'emulator');
const dataDir = join(base, 'ferry');
mkdirSync(emulatorRoot, { recursive: true });
mkdirSync(dataDir, { recursive: true });

const children = [];
let stopping = false;
// Stop Ferry first (it stops the endpoints it started), then the emulator, and wait for both.
const stopAll = async () => {
  if (stopping) return;
  stopping = true;
  for (const c of [...children].reverse()) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise((done) => c.once('exit', done));
    c.kill('SIGTERM');
    await exited;
  }
  process.exit(0);
};
process.on('SIGINT', () => void stopAll());
process.on('SIGTERM', () => void stopAll());

function start(args, env, pattern) {
  // detached: a Ctrl+C in the terminal reaches only this script, which stops the children in order.
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  children.push(child);
  return new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = pattern.exec(line);
      if (m) resolveLine(m[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`${args.join(' ')} exited with ${code}`));
      void stopAll();
    });
  });
}

const emulatorUrl = await start(
  ['--import', 'tsx', 'e2e/globus-emulator/cli.ts', '--port', process.env.FERRY_DEMO_EMULATOR_PORT ?? '0', '--root', emulatorRoot, '--bandwidth', process.env.FERRY_DEMO_BANDWIDTH ?? '2000000'],
  {},
  /Globus emulator listening on (\S+)/,
);

// A few files so there is something to browse and send.
const sample = join(emulatorRoot, 'collections', 'source', 'detector', 'run-001');
if (!existsSync(sample)) {
  mkdirSync(sample, { recursive: true });
  for (let i = 1; i <= 12; i++) writeFileSync(join(sample, `frame-${String(i).padStart(4, '0')}.tif`), Buffer.alloc(256 * 1024 * i, i));
}

const { EMULATOR_DEFAULT_CLIENT_ID } = await import('../e2e/globus-emulator/constants.ts');

// "This computer": a Globus Connect Personal install sharing ~/Outbox of the demo's own home (Ferry
// finds it where Globus' SDK looks: ~/.globusonline/lta), served by the emulator as local paths.
const DEMO_GCP_ID = 'd0e0c0c0-0000-4000-8000-00000000a11c';
const demoHome = join(base, 'home');
const outbox = join(demoHome, 'Outbox');
mkdirSync(join(demoHome, '.globusonline', 'lta'), { recursive: true });
mkdirSync(outbox, { recursive: true });
writeFileSync(join(demoHome, '.globusonline', 'lta', 'client-id.txt'), `${DEMO_GCP_ID}\n`);
writeFileSync(join(demoHome, '.globusonline', 'lta', 'config-paths'), `${outbox},0,1\n`);
if (!existsSync(join(outbox, 'notes.txt'))) writeFileSync(join(outbox, 'notes.txt'), 'Files under ~/Outbox go with Globus from This computer.\n');
const { createControlClient } = await import('../e2e/globus-emulator/control-client.ts');
await createControlClient(emulatorUrl).createGcpCollection({ id: DEMO_GCP_ID, displayName: 'This laptop (Globus Connect Personal)' });
const ferryUrl = await start(
  ['bin/ferry.mjs', 'serve', '--port', process.env.FERRY_DEMO_PORT ?? '0', '--data-dir', dataDir],
  {
    GLOBUS_SDK_SERVICE_URL_AUTH: emulatorUrl,
    GLOBUS_SDK_SERVICE_URL_TRANSFER: emulatorUrl,
    GLOBUS_SDK_SERVICE_URL_TIMERS: emulatorUrl,
    GLOBUS_SDK_SERVICE_URL_GROUPS: emulatorUrl,
    FERRY_GLOBUS_CLIENT_ID: process.env.FERRY_GLOBUS_CLIENT_ID ?? EMULATOR_DEFAULT_CLIENT_ID ?? '',
    HOME: demoHome,
  },
  /Ferry is running at (\S+)/,
);

console.log('');
console.log(`Ferry demo: open ${ferryUrl}`);
console.log(`(Globus emulator at ${emulatorUrl}; state in ${base}. Sign in under Account and click Allow.)`);
console.log(`"This computer" shares ${outbox}: drop files from there on a collection pane.`);
console.log('Press Ctrl+C to stop.');
