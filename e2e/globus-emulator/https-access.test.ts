import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DESTINATION_COLLECTION_ID as DST, DEMO_SOURCE_COLLECTION_ID as SRC } from './index';
import { signIn, startHarness, type Harness } from './test-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const httpsScope = (id: string) => `https://auth.globus.org/scopes/${id}/https`;

async function tokenFor(id: string): Promise<string> {
  const { tokens } = await signIn({ scope: `openid ${httpsScope(id)}` });
  const t = [tokens, ...tokens.other_tokens].find((x) => x.resource_server === id);
  if (!t) throw new Error('no token for the collection');
  return t.access_token;
}

/** The collection document's `https_server`, as a client reads it. */
const httpsServer = (id: string): string => `${h.emulator.url}/https/${id}`;

describe('HTTPS access to a collection (GCS v5)', () => {
  it('serves GET with one byte range and PUT of a whole file, with the collection-scoped token only', async () => {
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    await mkdir(join(h.root, 'collections', 'source', 'https'), { recursive: true });
    await writeFile(join(h.root, 'collections', 'source', 'https', 'blob.bin'), data);
    const token = await tokenFor(SRC);
    const base = httpsServer(SRC);
    const auth = { authorization: `Bearer ${token}` };

    const whole = await fetch(`${base}/https/blob.bin`, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
    const rest = await fetch(`${base}/https/blob.bin`, { headers: { ...auth, range: 'bytes=60000-' } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe('bytes 60000-99999/100000');
    expect(Buffer.from(await rest.arrayBuffer()).equals(data.subarray(60000))).toBe(true);
    expect((await fetch(`${base}/https/blob.bin`, { headers: { ...auth, range: 'bytes=200000-' } })).status).toBe(416);

    const put = await fetch(`${base}/https/uploaded/copy.bin`, { method: 'PUT', headers: auth, body: data });
    expect(put.status).toBe(200);
    expect((await readFile(join(h.root, 'collections', 'source', 'https', 'uploaded', 'copy.bin'))).equals(data)).toBe(true);

    expect((await fetch(`${base}/https/blob.bin`)).status).toBe(401);
    const other = await tokenFor(DST);
    expect((await fetch(`${base}/https/blob.bin`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(403);
    expect((await fetch(`${base}/https/missing.bin`, { headers: auth })).status).toBe(404);
  });
});
