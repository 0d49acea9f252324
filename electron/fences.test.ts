import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The folder fences are real: these imports must fail lint where they are forbidden.
const eslint = new ESLint({ cwd: process.cwd() });
const lint = async (filePath: string, code: string) => {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
};

describe('folder fences', () => {
  it('electron/core may not import electron', async () => {
    expect(await lint('electron/core/sync/bad.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([
      expect.stringContaining('pure Node'),
    ]);
  });

  it('the renderer may not import node:fs, fs or electron', async () => {
    for (const mod of ['node:fs', 'fs', 'electron', 'node:child_process']) {
      const messages = await lint('renderer/features/bad.ts', `import * as m from '${mod}';\nexport const x = m;\n`);
      expect(messages, mod).toHaveLength(1);
    }
  });

  it('shared may not import node or electron', async () => {
    expect(await lint('shared/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(1);
  });

  it('only electron/main/ipc.ts may import ipcMain', async () => {
    expect(await lint('electron/main/window.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n")).toHaveLength(1);
  });

  it('hosts reach core modules only through their index', async () => {
    expect(await lint('electron/serve/bad.ts', "import { x } from '../core/settings/settings-service';\nexport const y = x;\n")).toHaveLength(1);
    expect(await lint('electron/serve/good.ts', "import { x } from '../core/settings';\nexport const y = x;\n")).toHaveLength(0);
  });

  it('allowed imports stay allowed', async () => {
    expect(await lint('electron/core/sync/good.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toEqual([]);
  });
});
