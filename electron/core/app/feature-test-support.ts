/**
 * Test support for feature tests in this folder: temp folders cleaned after each test, a bounded
 * wait for a condition, and a sign-in service whose state a test sets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountState, AccountStatus } from '../../../shared/account';
import type { HandlerTable } from '../../../shared/ipc-contract';
import type { GlobusAuth } from '../globus';
import { dispatchInvoke } from './dispatch';

const pending: (() => unknown)[] = [];

/** Registers a cleanup for the current test; `runCleanups` (in afterEach) runs them newest first. */
export function onCleanup(fn: () => unknown): void {
  pending.push(fn);
}

export async function runCleanups(): Promise<void> {
  for (const c of pending.splice(0).reverse()) await c();
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Waits until `check` holds, polling every 10 ms, and fails naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A GlobusAuth stand-in: `set(state)` moves the account and tells listeners, as sign-in would. */
export function fakeAuth(initial: AccountState): { auth: GlobusAuth; set(next: AccountState): void } {
  let state = initial;
  const listeners = new Set<(s: AccountStatus) => void>();
  const status = (): AccountStatus =>
    ({ state, identity: state === 'signed-in' ? { sub: 'me', username: null, name: null, email: null } : null }) as AccountStatus;
  const auth = {
    status,
    onStatus(listener: (s: AccountStatus) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as GlobusAuth;
  return {
    auth,
    set(next) {
      state = next;
      for (const l of [...listeners]) l(status());
    },
  };
}

/**
 * Drives a feature through `dispatchInvoke` as a host would (arguments validated by the contract),
 * and disposes it once at the end of the test.
 */
export function featureHarness(feature: { handlers: object; dispose(): Promise<void> | void }) {
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await feature.dispose();
  };
  onCleanup(dispose);
  const invoke = async (channel: string, args: unknown[]) => dispatchInvoke(feature.handlers as unknown as HandlerTable, channel, args);
  const call = async <T>(channel: string, args: unknown[]): Promise<T> => {
    const r = await invoke(channel, args);
    if (!r.ok) throw new Error(`${channel} failed: ${r.error.message}`);
    return r.result as T;
  };
  return { dispose, invoke, call };
}
