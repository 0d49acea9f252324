import { describe, expect, it } from 'vitest';
import type { ObjectStoreRow, ObjectStoresSnapshot } from '../../../shared/contract/object-stores';
import { createAppStore } from '../../store/create-app-store';
import { createFakeApi } from '../../store/testing/fake-api';
import { toastSelectors } from '../../store/toast-slice';
import { checkCreateForm, emptyCreateForm } from './create-form';
import { objectStoresSelectors, peerTestKey } from './object-stores-slice';

function row(name: string, patch: Partial<ObjectStoreRow> = {}): ObjectStoreRow {
  return {
    name,
    uuid: '0b6a3a3e-7c2d-4c1c-9a55-0f1f2a3b4c5d',
    dir: `/ps/${name}`,
    state: 'stopped',
    runningHere: false,
    pid: null,
    host: '127.0.0.1',
    port: 9000,
    url: 'http://127.0.0.1:9000',
    mode: 'SOLO',
    relayAddress: null,
    relayState: null,
    relayError: null,
    peers: [],
    storage: 'sqlite',
    objectCount: 0,
    totalBytes: 0,
    maxObjectSize: 100_000_000,
    ...patch,
  };
}

const snap = (stores: readonly ObjectStoreRow[]): ObjectStoresSnapshot => ({ home: '/ps', stores, relay: null });

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
};

describe('object stores slice', () => {
  it('loads on attach, follows pushed snapshots, and stops listening on detach', async () => {
    const fake = createFakeApi({ objectStores: { list: async () => snap([row('ep1')]) } });
    const store = createAppStore(fake.api);
    const stop = store.start();
    await until(() => objectStoresSelectors.ready(store.getState()));
    expect(objectStoresSelectors.stores(store.getState()).map((r) => r.name)).toEqual(['ep1']);
    expect(objectStoresSelectors.home(store.getState())).toBe('/ps');

    fake.emit('objectStores', 'onChanged', snap([row('ep1', { state: 'running', objectCount: 3, totalBytes: 30 })]));
    expect(objectStoresSelectors.stores(store.getState())[0]).toMatchObject({ state: 'running', objectCount: 3 });
    stop();
    expect(fake.listenerCount('objectStores', 'onChanged')).toBe(0);
  });

  it('keeps a pushed snapshot over an older list answer', async () => {
    let answer: (s: ObjectStoresSnapshot) => void = () => undefined;
    const fake = createFakeApi({ objectStores: { list: () => new Promise((r) => (answer = r)) } });
    const store = createAppStore(fake.api);
    store.start();
    fake.emit('objectStores', 'onChanged', snap([row('ep1', { objectCount: 5 })]));
    answer(snap([row('ep1', { objectCount: 1 })]));
    await new Promise((r) => setTimeout(r, 0));
    expect(objectStoresSelectors.stores(store.getState())[0]?.objectCount).toBe(5);
  });

  it('starts, stops and removes, marking the row pending meanwhile; a refused call leaves a toast', async () => {
    let release: () => void = () => undefined;
    const fake = createFakeApi({
      objectStores: {
        list: async () => snap([row('a'), row('b')]),
        start: (name) => new Promise((r) => (release = () => r(row(name, { state: 'running', runningHere: true })))),
        stop: async (name) => row(name),
        remove: async (name) => ({ removed: name }),
      },
    });
    const store = createAppStore(fake.api);
    store.start();
    await until(() => objectStoresSelectors.stores(store.getState()).length === 2);
    const actions = () => store.getState().objectStores;

    const started = actions().start('a');
    expect(objectStoresSelectors.pending(store.getState())).toEqual({ a: 'starting' });
    expect(await actions().start('a')).toBe(false);
    release();
    expect(await started).toBe(true);
    expect(objectStoresSelectors.pending(store.getState())).toEqual({});
    expect(objectStoresSelectors.stores(store.getState())[0]).toMatchObject({ name: 'a', state: 'running' });

    expect(await actions().stop('a')).toBe(true);
    expect(objectStoresSelectors.stores(store.getState())[0]?.state).toBe('stopped');
    expect(await actions().remove('b')).toBe(true);
    expect(objectStoresSelectors.stores(store.getState()).map((r) => r.name)).toEqual(['a']);

    // configure is not faked: it rejects, the form gets the message and a toast shows it too.
    const outcome = await actions().configure({ name: 'c' });
    expect(outcome).toEqual({ ok: false, message: 'objectStores.configure is not faked in this test' });
    expect(toastSelectors.items(store.getState()).at(-1)?.message).toContain('not faked');
  });
});

describe('create-object-store form checks', () => {
  const check = (patch: Partial<typeof emptyCreateForm>, existing: readonly string[] = []) => checkCreateForm({ ...emptyCreateForm, ...patch }, existing);

  it('turns a good form into the configure input', () => {
    expect(check({ name: 'ep-1', port: '8765', maxObjectMb: '2.5', storage: 'memory' }).input).toEqual({
      name: 'ep-1',
      port: 8765,
      storage: 'memory',
      maxObjectSize: 2_500_000,
      relay: { kind: 'none' },
    });
    expect(check({ name: 'ep', relayKind: 'address', relayAddress: ' ws://r.example:9 ', relaySecret: 's' }).input?.relay).toEqual({
      kind: 'address',
      address: 'ws://r.example:9',
      secret: 's',
    });
    expect(check({ name: 'ep' }).input).toMatchObject({ port: undefined, maxObjectSize: 100_000_000, storage: 'sqlite' });
  });

  it('says what to fix for each bad field', () => {
    expect(check({ name: 'my endpoint' }).errors.name).toContain('no spaces');
    expect(check({ name: '' }).errors.name).toBe('Give the object store a name.');
    expect(check({ name: 'ep1' }, ['ep1']).errors.name).toBe('An object store named ep1 already exists.');
    for (const port of ['0', '65536', '12.5', 'http', '-1']) expect(check({ name: 'x', port }).errors.port).toContain('1 to 65535');
    expect(check({ name: 'x', maxObjectMb: '0' }).errors.maxObjectMb).toContain('more than 0');
    const relay = check({ name: 'x', relayKind: 'address', relayAddress: 'relay:9' });
    expect(relay.errors.relayAddress).toContain('ws://HOST:PORT');
    expect(relay.errors.relaySecret).toContain('shared secret');
    expect(relay.input).toBeNull();
  });

  it('tests a peer connection and keeps each result by store and peer', async () => {
    const peer = '1b6a3a3e-7c2d-4c1c-9a55-0f1f2a3b4c5d';
    const calls: string[][] = [];
    const fake = createFakeApi({
      objectStores: {
        list: async () => snap([row('ep1')]),
        testPeer: async (name: string, uuid: string) => {
          calls.push([name, uuid]);
          if (name === 'broken') throw new Error('Object store broken is not running in this app; start it first.');
          return { ok: true, peer: uuid, steps: [{ op: 'put' as const, ok: true, ms: 3, error: null }] };
        },
      },
    });
    const store = createAppStore(fake.api);
    const actions = objectStoresSelectors.actions(store.getState());
    expect(await actions.testPeer('ep1', peer)).toMatchObject({ kind: 'done', result: { ok: true } });
    expect(objectStoresSelectors.peerTests(store.getState())[peerTestKey('ep1', peer)]).toMatchObject({ kind: 'done' });
    expect(await actions.testPeer('broken', peer)).toEqual({ kind: 'error', message: 'Object store broken is not running in this app; start it first.' });
    expect(calls).toEqual([
      ['ep1', peer],
      ['broken', peer],
    ]);
  });
});
