// `npm run build`: renderer (Vite), then main, preload, and the CLI/serve bundle (esbuild).
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });

await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
await Promise.all([
  // Electron main: ESM, dependencies stay in node_modules (electron-builder packs them).
  esbuild({ ...common, entryPoints: ['electron/main/index.ts'], outfile: 'dist/main/main.mjs', format: 'esm', packages: 'external' }),
  // Sandboxed preload: one self-contained CJS file; only `electron` is provided at run time.
  esbuild({ ...common, entryPoints: ['electron/preload/index.ts'], outfile: 'dist/preload/preload.cjs', format: 'cjs', external: ['electron'] }),
  // The `ferry` CLI (serve and friends).
  // Split by command (each is a dynamic import): `ferry sync …` loads the sync and Globus slices,
  // not the whole app.
  esbuild({
    ...common,
    entryPoints: { ferry: 'electron/cli/index.ts' },
    outdir: 'dist/cli',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    format: 'esm',
    packages: 'external',
  }),
]);
console.log('built dist/renderer, dist/main, dist/preload, dist/cli');
