import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DESTINATION_COLLECTION_ID as DST, DEMO_SOURCE_COLLECTION_ID as SRC } from './index';
import { signIn, startHarness, waitFor, type Harness } from './test-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function tokenFor(id: string): Promise<string> {
  const { tokens } = await signIn({ scope: `openid https://auth.globus.org/scopes/${id}/https` });
  const t = [tokens, ...tokens.other_tokens].find((x) => x.resource_server === id);
  if (!t) throw new Error('no token for the collection');
  return t.access_token;
}

/** Reads a response body until the connection drops; the bytes that arrived. */
async function readUntilDropped(response: Response): Promise<{ bytes: number; dropped: boolean }> {
  let bytes = 0;
  const reader = response.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes, dropped: false };
      bytes += value.length;
    }
  } catch {
    return { bytes, dropped: true };
  }
}

describe('HTTPS faults (control API)', () => {
  it('drops the next GET after N bytes; a Range request then continues, and the log shows both', async () => {
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    const dir = join(h.root, 'collections', 'source', 'f');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'big file.bin'), data);
    const auth = { authorization: `Bearer ${await tokenFor(SRC)}` };
    const url = `${h.emulator.url}/https/${SRC}/f/big%20file.bin`;
    await h.emulator.control.dropHttps({ method: 'GET', afterBytes: 100_000, collectionId: SRC });

    const first = await fetch(url, { headers: auth });
    expect(first.status).toBe(200);
    expect(await readUntilDropped(first)).toEqual({ bytes: 100_000, dropped: true });
    const rest = await fetch(url, { headers: { ...auth, range: 'bytes=100000-' } });
    expect(rest.status).toBe(206);
    expect(Buffer.from(await rest.arrayBuffer()).equals(data.subarray(100_000))).toBe(true);
    expect(await h.emulator.control.httpsRequests()).toEqual([
      { method: 'GET', collectionId: SRC, path: '/f/big file.bin', range: null, droppedAfter: 100_000 },
      { method: 'GET', collectionId: SRC, path: '/f/big file.bin', range: 'bytes=100000-', droppedAfter: null },
    ]);
    await h.emulator.control.reset();
    expect(await h.emulator.control.httpsRequests()).toEqual([]);
  });

  it('drops the next PUT after N bytes and keeps nothing of it; the next PUT stores the whole file', async () => {
    const token = await tokenFor(DST);
    const url = `${h.emulator.url}/https/${DST}/up/whole.bin`;
    const body = Buffer.alloc(400_000, 9);
    await h.emulator.control.dropHttps({ method: 'PUT', afterBytes: 50_000, pathContains: 'whole' });
    await expect(fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body })).rejects.toThrow();
    const upDir = join(h.root, 'collections', 'destination', 'up');
    // The emulator removes what it had received once it sees the connection gone.
    await waitFor(async () => (await readdir(upDir).catch(() => [])).length === 0, 'the partial upload to be removed');
    const ok = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body });
    expect(ok.status).toBe(200);
    expect((await readFile(join(upDir, 'whole.bin'))).equals(body)).toBe(true);
    expect((await h.emulator.control.httpsRequests()).map((r) => r.droppedAfter)).toEqual([50_000, null]);
  });

  it('refuses a drop without a method or a byte count', async () => {
    await expect(h.emulator.control.dropHttps({ method: 'POST' as never, afterBytes: 1 })).rejects.toThrow(/method must be one of GET, PUT/);
    await expect(h.emulator.control.dropHttps({ method: 'GET', afterBytes: -1 })).rejects.toThrow(/afterBytes/);
  });
});
