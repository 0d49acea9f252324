// Folder fences (DEVELOPERS.md): errors, never warnings, and no exception lists.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'stream', 'worker_threads', 'util', 'events', 'zlib', 'tls', 'dns', 'readline'];
const restrict = (patterns, message) => patterns.map((group) => ({ group: [group], message }));
const restrictRegex = (regexes, message) => regexes.map((regex) => ({ regex, message }));

// Test code lives outside the product: e2e/ (Playwright specs, the Globus emulator), test/ (integration
// rigs over core + the emulator) and bench/. Nothing in electron/, shared/ or renderer/ imports them.
const e2eDir = '(^|/)e2e(/|$)';
const testDir = '^(\\.\\./)+test(/|$)';
const benchDir = '^(\\.\\./)+bench(/|$)';
const productDir = (name) => `^(\\.\\./)+${name}(/|$)`;
const noTestCode = restrictRegex(
  [e2eDir, testDir, benchDir],
  'Product code never imports e2e/, test/ or bench/ (they import it, not the other way round).',
);
// Outside e2e/, only the Globus emulator may be used, never the specs or their fixtures.
const e2eButEmulator = ['(^|/)e2e/?$', '(^|/)e2e/(?!globus-emulator(/|$))'];

// electron/core: a capability folder reaches another one only through its index.ts. `up` is the
// relative prefix that climbs from a file `depth` folders below its capability folder to electron/core/.
const coreDepths = [0, 1, 2];
const up = (depth) => '\\.\\./'.repeat(depth + 1);
const deepCoreImport = (depth, allowTesting) =>
  `^${up(depth)}[^./][^/]*/(?!index$${allowTesting ? '|testing/' : ''})`;
const coreBase = [
  ...restrict(['electron', 'electron/*'], 'electron/core is pure Node: it never imports electron.'),
  ...restrict(['**/renderer/**', '**/electron/main/**', '**/electron/preload/**', '**/electron/serve/**'], 'core does not import its hosts or the renderer.'),
  ...noTestCode,
];
const hostCoreImport = (tests) =>
  tests
    ? restrictRegex(['(^|/)core/[^/]+/(?!index$|testing/)'], 'Import a core module through its index.ts (or, from a test, its testing/ files) only.')
    : restrict(['**/core/*/*', '!**/core/*/index'], 'Import a core module through its index.ts only.');
const coreFiles = (depth, tail) => `electron/core/*/${'*/'.repeat(depth)}${tail}`;
const coreTestGlobs = (depth) => [coreFiles(depth, '*.test.ts'), ...(depth > 0 ? [`electron/core/*/${'*/'.repeat(depth - 1)}testing/*.ts`] : [])];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.tsbuild/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` union instead of enum.' },
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['**/*.config.{js,ts}', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['scripts/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...restrict([...nodeBuiltins, 'electron', 'electron/*'], 'shared/ is plain TypeScript: no node, no electron.'),
          ...restrict(['**/electron/**', '**/renderer/**'], 'shared/ imports nothing from electron/ or renderer/.'),
          ...noTestCode,
        ],
      }],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: coreBase }] },
  },
  // Production files: another capability only through its index.ts, and no testing/ path at all.
  ...coreDepths.map((depth) => ({
    files: [coreFiles(depth, '*.ts')],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...coreBase,
          ...restrictRegex([deepCoreImport(depth, false)], 'Import another core folder through its index.ts only (../queue, never ../queue/transfer-queue).'),
          ...restrictRegex(['(^|/)testing(/|$)'], 'Production code never imports a testing/ folder (tests and testing/ files may).'),
        ],
      }],
    },
  })),
  // Tests (*.test.ts) and files in a testing/ folder may also use another folder's testing/ files.
  ...coreDepths.map((depth) => ({
    files: coreTestGlobs(depth),
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...coreBase,
          ...restrictRegex([deepCoreImport(depth, true)], "Import another core folder through its index.ts (or, from a test, its testing/ files) only."),
        ],
      }],
    },
  })),
  // Hosts: core through its index.ts; their tests may also use core's testing/ files.
  ...[false, true].map((tests) => ({
    files: ['electron/serve/**/', 'electron/cli/**/'].map((dir) => `${dir}${tests ? '*.test.ts' : '*.ts'}`),
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...restrict(['electron', 'electron/*'], 'The browser host runs without Electron.'),
          ...hostCoreImport(tests),
          ...restrict(['**/renderer/**'], 'Hosts do not import the renderer.'),
          ...noTestCode,
        ],
      }],
    },
  })),
  ...[false, true].map((tests) => ({
    files: [tests ? 'electron/main/**/*.test.ts' : 'electron/main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', importNames: ['ipcMain'], message: 'Only electron/main/ipc.ts registers IPC handlers.' }],
        patterns: [
          ...hostCoreImport(tests),
          ...restrict(['**/renderer/**'], 'Hosts do not import the renderer.'),
          ...noTestCode,
        ],
      }],
    },
  })),
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [...restrict(['**/core/**', '**/main/**', '**/serve/**', ...nodeBuiltins], 'preload sees only the contract and ipcRenderer.'), ...noTestCode],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks only to AppApi.' }],
        patterns: [
          ...restrict([...nodeBuiltins, 'electron/*'], 'The renderer never imports node or electron: go through AppApi.'),
          ...restrict(['**/electron/**'], 'The renderer never imports host or core code: go through AppApi.'),
          ...noTestCode,
        ],
      }],
    },
  },
  {
    files: ['electron/main/ipc.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', importNames: ['ipcMain'], message: 'Only electron/main/ipc.ts registers IPC handlers.' }],
        patterns: [...restrict(['**/core/*/*', '!**/core/*/index'], 'Import a core module through its index.ts only.'), ...noTestCode],
      }],
    },
  },
  {
    // The emulator and the specs start the built app (bin/ferry.mjs) as a process; they import
    // no product code but shared/ (plain types and helpers).
    files: ['e2e/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: restrictRegex(
          [productDir('electron'), productDir('renderer'), testDir, benchDir],
          'e2e/ imports no product, test/ or bench/ code: start the built app through bin/ferry.mjs.',
        ),
      }],
    },
  },
  {
    // The emulator stands alone (test/integration and bench start it): it uses none of the specs' files.
    files: ['e2e/globus-emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...restrictRegex(
            [productDir('electron'), productDir('renderer'), testDir, benchDir],
            'e2e/ imports no product, test/ or bench/ code: start the built app through bin/ferry.mjs.',
          ),
          ...restrictRegex(['^\\.\\./(?!\\.\\./)'], 'The emulator imports nothing from the rest of e2e/ (specs, fixtures).'),
        ],
      }],
    },
  },
  {
    // Integration rigs: core through each folder's index.ts or testing/ files, the terminal
    // commands (electron/cli: what a person runs in a shell), and the emulator.
    files: ['test/integration/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Integration tests run core in plain Node, without Electron.' }],
        patterns: [
          ...restrictRegex(['(^|/)electron/core/[^/]+/(?!index$|testing/)'], "Import a core folder through its index.ts or its testing/ files only."),
          ...restrictRegex(['(^|/)electron/(?!core/|cli/)', '(^|/)renderer(/|$)', benchDir], 'Integration tests use core, the terminal commands, shared and the emulator only.'),
          ...restrictRegex(e2eButEmulator, 'Of e2e/, only the Globus emulator may be used (not the specs or their fixtures).'),
        ],
      }],
    },
  },
  {
    // Benchmarks may start the Globus emulator (bench/emulator-copy.bench.ts measures its copy
    // throughput): it is a dev-only tool that imports nothing from bench, so no cycle.
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...restrictRegex(e2eButEmulator, 'Of e2e/, only the Globus emulator may be used (not the specs or their fixtures).'),
          ...restrictRegex([testDir], 'bench/ does not import test/.'),
        ],
      }],
    },
  },
);
