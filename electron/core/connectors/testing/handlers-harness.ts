/** Test support for the connectors capability's tests: temp folders, a harness over dispatchInvoke, sample files. */
import { mkdtempSync, rmSync } from 'node:fs';

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { AccountStatus } from '../../../../shared/account';

import type { EventChannel, HandlerTable } from '../../../../shared/ipc-contract';

import type { GlobusAuth } from '../../globus';
import { FakeTransferService } from '../../globus/testing/fake-transfer-service';
import { createEventBus, dispatchInvoke } from '../../kernel';
import { createConnectorsCapability, type ConnectorsDeps } from '../handlers';

export const HOST = 'node7.cluster.example.org';
export const EP_A = '0b7c2e2a-1f4e-4d59-9a4f-2b6f1c0d3e11';
export const EP_B = '5f3c8a4e-6b1d-4c2a-8e7f-9d0a1b2c3d44';

const dirs: string[] = [];
export const disposers: (() => unknown)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ferry-feat-conn-'));
  dirs.push(d);
  return d;
}

export interface Harness {
  readonly call: (channel: string, args: unknown[]) => Promise<unknown>;
  readonly dispatch: (channel: string, args: unknown[]) => ReturnType<typeof dispatchInvoke>;
  readonly events: { channel: EventChannel; payload: unknown }[];
  readonly stateDir: string;
  setSignedIn(value: boolean): void;
}

export function harness(stateDir = tempDir()): Harness {
  let signedIn = false;
  const bus = createEventBus();
  const events: { channel: EventChannel; payload: unknown }[] = [];
  bus.subscribe((channel, payload) => events.push({ channel, payload }));
  const auth = { status: () => ({ state: signedIn ? 'signed-in' : 'signed-out' }) as AccountStatus } as unknown as GlobusAuth;
  // The one fake Transfer service: it knows one collection's name and answers 404 for any other.
  const transfer = new FakeTransferService();
  transfer.setCollection(EP_A, 'Theta DTN');
  const deps: ConnectorsDeps = {
    stateDir,
    bus,
    auth,
    transfer,
    env: {},
  };
  const capability = createConnectorsCapability(deps, { hostname: () => HOST, progressIntervalMs: 0 });
  disposers.push(() => capability.dispose());
  const handlers = capability.handlers as unknown as HandlerTable;
  const dispatch = (channel: string, args: unknown[]) => dispatchInvoke(handlers, channel, args);
  const call = async (channel: string, args: unknown[]) => {
    const r = await dispatch(channel, args);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    // What crosses the contract is JSON: anything that survives only in memory would be lost here.
    return JSON.parse(JSON.stringify(r.result)) as unknown;
  };
  return { call, dispatch, events, stateDir, setSignedIn: (v) => (signedIn = v) };
}

export const endpointsJson = (localA: string) => `{
  "${EP_A}": {"endpoint_path": "/~/proxystore", "local_path": "${localA}", "host_regex": "node\\\\d+\\\\.cluster\\\\.example\\\\.org"},
  "${EP_B}": {"endpoint_path": "/proxystore", "local_path": "/scratch/proxystore", "host_regex": "laptop.*"}
}`;

export const pythonMulti = (dir: string) => `{
  "small": ["proxystore.connectors.file.FileConnector", {"store_dir": "${dir}/small", "clear": false, "buffering": -1},
            {"priority": 2, "host_pattern": null, "min_size_bytes": 0, "max_size_bytes": 1000000, "subset_tags": [], "superset_tags": []}],
  "big": ["proxystore.connectors.local.LocalConnector", {"include_data_in_config": false},
          {"priority": 1, "host_pattern": ["laptop", "node\\\\d+.*"], "min_size_bytes": 1000001, "max_size_bytes": 9223372036854775807, "subset_tags": [], "superset_tags": []}],
  "kafka": ["proxystore.connectors.kafka.KafkaConnector", {"limit": 9223372036854775807},
            {"priority": 0, "host_pattern": null, "min_size_bytes": 0, "max_size_bytes": 9223372036854775807, "subset_tags": [], "superset_tags": []}]
}`;

export async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}
