// `npm run test:e2e`: Playwright against the built app. Uses /usr/bin/chromium when it exists;
// otherwise makes sure Playwright's own Chromium is installed (needs internet once).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (args) => spawnSync(process.execPath, args, { stdio: 'inherit', env: process.env });
const system = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(system)) {
  console.log(`${system} not found: installing Playwright's Chromium`);
  const installed = run(['node_modules/@playwright/test/cli.js', 'install', 'chromium']);
  if (installed.status !== 0) process.exit(installed.status ?? 1);
}
const result = run(['node_modules/@playwright/test/cli.js', 'test', ...process.argv.slice(2)]);
process.exit(result.status ?? 1);
