import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointClient } from './client';
import { Endpoint } from './endpoint';
import { EndpointRequestError } from './errors';
import { startEndpointServer, type EndpointHttpServer } from './http-server';
import { startRelay } from './relay-server';
import { LOOPBACK_RTC } from './testing/peers';
import { bytes, text } from './testing/test-helpers';
import { newUuid } from './uuid';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(ep: Endpoint, maxBodyBytes?: number | null): Promise<EndpointHttpServer> {
  cleanups.push(() => ep.close());
  const server = await startEndpointServer(ep, maxBodyBytes === undefined ? {} : { maxBodyBytes });
  cleanups.push(() => server.close());
  return server;
}

async function call(url: string, init?: RequestInit): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

describe('endpoint HTTP API', () => {
  it('serves ProxyStore routes', async () => {
    const ep = new Endpoint({ name: 'http', uuid: newUuid() });
    const { url } = await serve(ep);

    expect(await call(`${url}/endpoint`)).toMatchObject({ status: 200, body: JSON.stringify({ uuid: ep.uuid }), type: 'application/json' });
    expect(await call(`${url}/get?key=k`)).toMatchObject({ status: 404, body: 'no data associated with request key' });
    expect(await call(`${url}/set?key=k`, { method: 'POST', body: 'hello' })).toMatchObject({ status: 200, body: '' });
    const got = await fetch(`${url}/get?key=k`);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(await got.text()).toBe('hello');
    expect(await call(`${url}/exists?key=k`)).toMatchObject({ status: 200, body: '{"exists":true}' });
    // The endpoint's own UUID is a local operation.
    expect(await call(`${url}/exists?key=k&endpoint=${ep.uuid}`)).toMatchObject({ status: 200, body: '{"exists":true}' });
    expect(await call(`${url}/evict?key=k`, { method: 'POST' })).toMatchObject({ status: 200, body: '' });
    expect(await call(`${url}/exists?key=k`)).toMatchObject({ status: 200, body: '{"exists":false}' });
    expect(await call(`${url}/`)).toMatchObject({ status: 200 });
  });

  it('answers bad input with 4xx and a message', async () => {
    const ep = new Endpoint({ name: 'strict', uuid: newUuid(), maxObjectSize: 1000 });
    const { url } = await serve(ep);

    for (const [method, route] of [
      ['GET', 'get'],
      ['POST', 'set'],
      ['GET', 'exists'],
      ['POST', 'evict'],
    ] as const) {
      expect(await call(`${url}/${route}`, { method, body: method === 'POST' ? 'x' : undefined })).toMatchObject({
        status: 400,
        body: 'request missing key',
      });
      expect(await call(`${url}/${route}?key=k&endpoint=not-a-uuid`, { method, body: method === 'POST' ? 'x' : undefined })).toMatchObject({
        status: 400,
        body: 'not-a-uuid is not a valid UUID4',
      });
    }
    expect(await call(`${url}/set?key=k`, { method: 'POST' })).toMatchObject({ status: 400, body: 'received empty payload' });
    // A SOLO endpoint ignores endpoint=<another uuid> and answers locally (ProxyStore's SOLO mode).
    const other = newUuid();
    expect(await call(`${url}/set?key=solo&endpoint=${other}`, { method: 'POST', body: 'v' })).toMatchObject({ status: 200 });
    expect(await call(`${url}/get?key=solo&endpoint=${other}`)).toMatchObject({ status: 200, body: 'v' });
    expect(await call(`${url}/exists?key=solo&endpoint=${other}`)).toMatchObject({ status: 200, body: '{"exists":true}' });
    expect(await call(`${url}/evict?key=solo&endpoint=${other}`, { method: 'POST' })).toMatchObject({ status: 200 });
    expect(await ep.exists('solo')).toBe(false);
    expect(await call(`${url}/nowhere`)).toMatchObject({ status: 404, body: 'no route /nowhere' });
    expect(await call(`${url}/set?key=k`)).toMatchObject({ status: 405, body: 'method GET not allowed on /set' });

    // Oversized body, declared up front...
    const declared = await call(`${url}/set?key=k`, { method: 'POST', body: new Uint8Array(1001) });
    expect(declared).toMatchObject({ status: 413, body: 'request body exceeds the 1000 byte limit' });
    // ...and sent chunked without a length.
    const chunked = await postChunked(`${url}/set?key=k`, [new Uint8Array(600), new Uint8Array(600)]);
    expect(chunked).toEqual({ status: 413, body: 'request body exceeds the 1000 byte limit' });
    // ...and a huge declared body is refused before it is sent.
    expect(await postDeclaredOnly(`${url}/set?key=k`, 50_000_000)).toEqual({ status: 413, body: 'request body exceeds the 1000 byte limit' });
    expect(await ep.exists('k')).toBe(false);
    // The server still works after refusing.
    expect(await call(`${url}/set?key=k`, { method: 'POST', body: new Uint8Array(1000) })).toMatchObject({ status: 200 });
  });

  it('reports the endpoint object limit as 413 (ProxyStore: an unhandled 500; its clients treat both alike)', async () => {
    const ep = new Endpoint({ name: 'limit', uuid: newUuid(), maxObjectSize: 10 });
    const { url } = await serve(ep, null);
    const res = await call(`${url}/set?key=k`, { method: 'POST', body: new Uint8Array(11) });
    expect(res.status).toBe(413);
    expect(res.body).toContain('exceeds the 10 B object limit');
  });

  it('streams objects larger than one chunk both ways', async () => {
    const ep = new Endpoint({ name: 'big', uuid: newUuid() });
    const { url } = await serve(ep);
    const client = new EndpointClient({ url });
    cleanups.push(() => client.close());
    const big = Buffer.alloc(3_500_001, 7);
    big[3_500_000] = 9;
    await client.set('big', big);
    expect(ep.stats().totalBytes).toBe(3_500_001);
    const back = await client.get('big');
    expect(back && Buffer.from(back).equals(big)).toBe(true);
    const chunkedUpload = await postChunked(`${url}/set?key=chunks`, [big.subarray(0, 2_000_000), big.subarray(2_000_000)]);
    expect(chunkedUpload.status).toBe(200);
    expect(Buffer.from((await ep.get('chunks')) ?? []).equals(big)).toBe(true);
  });

  it('forwards to peers named by UUID and rejects unknown ones', async () => {
    const relay = await startRelay({ port: 0, secret: 's', heartbeatMs: 0 });
    cleanups.push(() => relay.close());
    const ep1 = new Endpoint({ name: 'ep1', uuid: newUuid(), relay: { address: relay.address, secret: 's', rtc: LOOPBACK_RTC } });
    const ep2 = new Endpoint({ name: 'ep2', uuid: newUuid(), relay: { address: relay.address, secret: 's', rtc: LOOPBACK_RTC } });
    const s1 = await serve(ep1);
    const s2 = await serve(ep2);
    await Promise.all([ep1.waitForRelay(), ep2.waitForRelay()]);
    const c1 = new EndpointClient({ url: s1.url });
    const c2 = new EndpointClient({ url: s2.url });
    cleanups.push(() => c1.close(), () => c2.close());

    await c1.set('key', bytes('over http'));
    expect(text(await c2.get('key', ep1.uuid))).toBe('over http');
    expect(await c2.get('key')).toBeNull();
    expect(await c1.exists('key', ep2.uuid)).toBe(false);
    await c2.set('pushed', bytes('p'), ep1.uuid);
    expect(text(await ep1.get('pushed'))).toBe('p');
    await c2.evict('pushed', ep1.uuid);
    expect(await ep1.exists('pushed')).toBe(false);

    const unknown = newUuid();
    const res = await call(`${s2.url}/get?key=key&endpoint=${unknown}`);
    expect(res.status).toBe(400);
    expect(res.body).toContain(`endpoint ${unknown} is not connected to the relay: Cannot forward peer connection message`);
    await expect(c2.exists('key', unknown)).rejects.toBeInstanceOf(EndpointRequestError);

    // A peer that cannot be reached (relay gone, no connection yet) is a 500 with the error text.
    const ep3 = new Endpoint({ name: 'ep3', uuid: newUuid(), relay: { address: relay.address, secret: 's', rtc: LOOPBACK_RTC } });
    cleanups.push(() => ep3.close());
    await ep3.waitForRelay();
    await relay.close();
    await expect.poll(() => ep2.relayState).not.toBe('connected');
    const failed = await call(`${s2.url}/get?key=key&endpoint=${ep3.uuid}`);
    expect(failed.status).toBe(500);
    expect(failed.body).toContain(`cannot reach endpoint ${ep3.uuid}: not connected to relay`);
  });
});

/** POST with Transfer-Encoding: chunked (no Content-Length), like ProxyStore's client. */
function postChunked(url: string, parts: readonly Uint8Array[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const p of parts) req.write(p);
    req.end();
  });
}

/** Sends only the headers of a POST declaring `length` bytes and waits for the answer. */
function postDeclaredOnly(url: string, length: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Length': length } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}
