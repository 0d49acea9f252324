// Folder fences (DEVELOPERS.md): errors, never warnings, and no exception lists.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'stream', 'worker_threads', 'util', 'events', 'zlib', 'tls', 'dns', 'readline'];
const restrict = (patterns, message) => patterns.map((group) => ({ group: [group], message }));

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
        ],
      }],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...restrict(['electron', 'electron/*'], 'electron/core is pure Node: it never imports electron.'),
          ...restrict(['**/renderer/**', '**/electron/main/**', '**/electron/preload/**', '**/electron/serve/**'], 'core does not import its hosts or the renderer.'),
        ],
      }],
    },
  },
  {
    files: ['electron/serve/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...restrict(['electron', 'electron/*'], 'The browser host runs without Electron.'),
          ...restrict(['**/core/*/*', '!**/core/*/index'], 'Import a core module through its index.ts only.'),
          ...restrict(['**/renderer/**'], 'Hosts do not import the renderer.'),
        ],
      }],
    },
  },
  {
    files: ['electron/main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', importNames: ['ipcMain'], message: 'Only electron/main/ipc.ts registers IPC handlers.' }],
        patterns: [
          ...restrict(['**/core/*/*', '!**/core/*/index'], 'Import a core module through its index.ts only.'),
          ...restrict(['**/renderer/**'], 'Hosts do not import the renderer.'),
        ],
      }],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [...restrict(['**/core/**', '**/main/**', '**/serve/**', ...nodeBuiltins], 'preload sees only the contract and ipcRenderer.')],
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
        ],
      }],
    },
  },
  {
    files: ['electron/main/ipc.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', importNames: ['ipcMain'], message: 'Only electron/main/ipc.ts registers IPC handlers.' }],
        patterns: [...restrict(['**/core/*/*', '!**/core/*/index'], 'Import a core module through its index.ts only.')],
      }],
    },
  },
);
