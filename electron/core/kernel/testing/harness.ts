/**
 * Test support for capability tests: temp folders cleaned after each test, a bounded wait for a
 * condition, and a harness that drives a capability through dispatchInvoke as a host would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HandlerTable } from '../../../../shared/ipc-contract';
import { dispatchInvoke } from '../dispatch';

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

/**
 * Drives a capability through `dispatchInvoke` as a host would (arguments validated by the
 * contract), and disposes it once at the end of the test.
 */
export function capabilityHarness(capability: { handlers: object; dispose?(): Promise<void> | void }) {
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await capability.dispose?.();
  };
  onCleanup(dispose);
  const invoke = async (channel: string, args: unknown[]) => dispatchInvoke(capability.handlers as unknown as HandlerTable, channel, args);
  const call = async <T>(channel: string, args: unknown[]): Promise<T> => {
    const r = await invoke(channel, args);
    if (!r.ok) throw new Error(`${channel} failed: ${r.error.message}`);
    return r.result as T;
  };
  return { dispose, invoke, call };
}
