/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) and prints
 * one line per result with its ratio against the reference measured in the same run.
 * `--full` (`npm run bench -- --full sync-scan`): the full sizes (FERRY_BENCH_SIZE=full).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.includes('--full')) process.env.FERRY_BENCH_SIZE = 'full';
const wanted = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

let failed = false;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  try {
    for (const r of await mod.run()) {
      console.log(`${r.name}: ratio ${r.ratio.toFixed(3)}${r.goal ? ` (goal ${r.goal})` : ''} — ${r.detail}`);
    }
  } catch (error) {
    failed = true;
    console.error(`${file} failed:`, error);
  }
}
process.exitCode = failed ? 1 : 0;
