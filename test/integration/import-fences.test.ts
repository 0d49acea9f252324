/**
 * The fences of issue 19 (eslint.config.js) are real: test support stays out of product code,
 * core folders meet only at their index.ts (tests also at testing/), and e2e/, the emulator,
 * test/integration and bench import only what they may.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });
const lint = async (filePath: string, from: string): Promise<string[]> => {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
};
const expectFenced = async (filePath: string, from: string, message: RegExp | string): Promise<void> => {
  const messages = await lint(filePath, from);
  expect(messages.length, `${filePath} importing ${from}`).toBeGreaterThan(0);
  expect(messages.join('\n'), `${filePath} importing ${from}`).toMatch(message);
};
const expectAllowed = async (filePath: string, from: string): Promise<void> => {
  expect(await lint(filePath, from), `${filePath} importing ${from}`).toEqual([]);
};

describe('e2e/ is never imported by product code', () => {
  it('not from electron/, shared/ or renderer/', async () => {
    await expectFenced('electron/core/queue/bad.ts', '../../../e2e/globus-emulator/index', 'never imports e2e/');
    await expectFenced('electron/core/queue/bad.test.ts', '../../../e2e/globus-emulator/index', 'never imports e2e/');
    await expectFenced('electron/core/queue/testing/bad.ts', '../../../../e2e/globus-emulator', 'never imports e2e/');
    await expectFenced('electron/serve/bad.ts', '../../e2e/fixtures', 'never imports e2e/');
    await expectFenced('electron/main/bad.ts', '../../e2e/globus-emulator/index', 'never imports e2e/');
    await expectFenced('shared/bad.ts', '../e2e/globus-emulator/constants', 'never imports e2e/');
    await expectFenced('renderer/features/bad.ts', '../../e2e/globus-emulator/constants', 'never imports e2e/');
  });

  it('nor test/ or bench/', async () => {
    await expectFenced('electron/core/queue/bad.test.ts', '../../../test/integration/support/emulator-rig', 'never imports e2e/, test/');
    await expectFenced('electron/serve/bad.ts', '../../bench/types', 'never imports e2e/, test/ or bench/');
  });

  it('bench/ may start the emulator but use no spec, fixture or test/ file', async () => {
    await expectAllowed('bench/emulator-copy.bench.ts', '../e2e/globus-emulator/index');
    await expectAllowed('bench/emulator-copy.bench.ts', '../e2e/globus-emulator/test-harness');
    await expectFenced('bench/bad.bench.ts', '../e2e/fixtures', 'only the Globus emulator');
    await expectFenced('bench/bad.bench.ts', '../test/integration/support/emulator-rig', 'bench/ does not import test/');
  });
});

describe('e2e/ imports no product code', () => {
  it('specs and fixtures', async () => {
    await expectFenced('e2e/bad.spec.ts', '../electron/core/activity', 'start the built app');
    await expectFenced('e2e/bad.spec.ts', '../renderer/features/activity/activity-rows', 'start the built app');
    await expectFenced('e2e/bad.spec.ts', '../test/integration/support/emulator-rig', 'start the built app');
    await expectAllowed('e2e/good.spec.ts', './globus-emulator');
    await expectAllowed('e2e/good.spec.ts', '../shared/assert-never');
  });

  it('the emulator stands alone', async () => {
    await expectFenced('e2e/globus-emulator/state.ts', '../../electron/core/store/index', 'start the built app');
    await expectFenced('e2e/globus-emulator/bad.ts', '../fixtures', 'nothing from the rest of e2e/');
    await expectAllowed('e2e/globus-emulator/good.ts', './database');
    await expectAllowed('e2e/globus-emulator/good.ts', '../../shared/assert-never');
  });
});

describe('electron/core folders meet at their index.ts', () => {
  it('production files import another folder only through its index', async () => {
    await expectFenced('electron/core/sync/bad.ts', '../queue/transfer-queue', 'through its index.ts only');
    await expectFenced('electron/core/sync/sub/bad.ts', '../../queue/transfer-queue', 'through its index.ts only');
    await expectAllowed('electron/core/sync/good.ts', '../queue');
    await expectAllowed('electron/core/sync/good.ts', '../queue/index');
    await expectAllowed('electron/core/sync/good.ts', './engine');
    await expectAllowed('electron/core/sync/good.ts', '../../../shared/errors');
    await expectAllowed('electron/core/sync/testing/good.ts', '../engine');
    await expectAllowed('electron/core/sync/testing/good.ts', '../../queue');
  });

  it('production files never import a testing/ path, not even their own', async () => {
    await expectFenced('electron/core/sync/bad.ts', '../kernel/testing/harness', 'never imports a testing/ folder');
    await expectFenced('electron/core/queue/index.ts', './testing/fake-transfer-service', 'never imports a testing/ folder');
  });

  it('tests and testing/ files may also use testing/ files, but no other deep path', async () => {
    await expectAllowed('electron/core/sync/handlers.test.ts', '../kernel/testing/harness');
    await expectAllowed('electron/core/sync/handlers.test.ts', './testing/fake');
    await expectAllowed('electron/core/queue/testing/fake.ts', '../../globus/testing/fake-auth');
    await expectFenced('electron/core/sync/engine.test.ts', '../queue/transfer-queue', 'index.ts (or, from a test, its testing/ files) only');
    await expectFenced('electron/core/queue/testing/fake.ts', '../../globus/auth-service', 'index.ts (or, from a test, its testing/ files) only');
  });
});

describe('hosts reach core through its index.ts', () => {
  it('their tests may also use core testing/ files; their production code may not', async () => {
    await expectAllowed('electron/main/ipc-bridge.test.ts', '../core/app/testing/test-core');
    await expectAllowed('electron/serve/server.test.ts', '../core/app/testing/test-core');
    await expectFenced('electron/serve/server.ts', '../core/app/testing/test-core', 'through its index.ts only');
    await expectFenced('electron/main/window.ts', '../core/app/testing/test-core', 'through its index.ts only');
    await expectFenced('electron/serve/server.test.ts', '../core/app/create-core', 'index.ts (or, from a test, its testing/ files) only');
    await expectFenced('electron/main/ipc-bridge.test.ts', '../core/app/create-core', 'index.ts (or, from a test, its testing/ files) only');
  });
});

describe('test/integration uses core folders, the terminal commands, shared and the emulator', () => {
  it('allowed', async () => {
    await expectAllowed('test/integration/a.integration.test.ts', '../../electron/core/queue');
    await expectAllowed('test/integration/a.integration.test.ts', '../../electron/core/globus/index');
    await expectAllowed('test/integration/a.integration.test.ts', '../../electron/core/kernel/testing/harness');
    await expectAllowed('test/integration/support/rig.ts', '../../../e2e/globus-emulator/index');
    await expectAllowed('test/integration/support/rig.ts', '../../../e2e/globus-emulator/consent');
    await expectAllowed('test/integration/a.integration.test.ts', '../../shared/ipc-contract');
    await expectAllowed('test/integration/a.integration.test.ts', '../../electron/cli/object-store-command');
  });

  it('fenced', async () => {
    await expectFenced('test/integration/a.integration.test.ts', '../../electron/core/queue/transfer-queue', 'index.ts or its testing/ files only');
    await expectFenced('test/integration/a.integration.test.ts', '../../electron/serve/server', 'core, the terminal commands, shared and the emulator only');
    await expectFenced('test/integration/a.integration.test.ts', '../../renderer/features/activity/activity-rows', 'core, the terminal commands, shared and the emulator only');
    await expectFenced('test/integration/a.integration.test.ts', '../../electron/main/index', 'core, the terminal commands, shared and the emulator only');
    await expectFenced('test/integration/a.integration.test.ts', '../../e2e/fixtures', 'only the Globus emulator');
    await expectFenced('test/integration/a.integration.test.ts', 'electron', 'without Electron');
  });
});
