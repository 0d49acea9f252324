#!/usr/bin/env node
// The `ferry` command: runs the bundled CLI (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli/ferry.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error('ferry: not built yet. Run `npm run build` first.');
  process.exit(1);
}
const { main } = await import(cli);
process.exitCode = await main(process.argv.slice(2));
