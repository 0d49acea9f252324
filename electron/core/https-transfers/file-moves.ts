/**
 * Moving one file of an HTTPS transfer: an upload PUTs the whole file (the server keeps nothing
 * of an unfinished one); a download continues its `.ferry-part` file with a Range request and is
 * renamed into place once it holds every byte (under `name (1).ext` when `name.ext` appeared
 * meanwhile).
 */
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { HttpsTransferFile } from '../../../shared/contract/https-transfers';
import { ConnectionDropped, HttpStatusError, getFile, headSize, putFile } from './http-client';
import { PART_SUFFIX, collectionFileUrl, freeLocalName } from './paths';

export type MutableFile = { -readonly [K in keyof HttpsTransferFile]: HttpsTransferFile[K] };

export interface MoveContext {
  readonly httpsServer: string;
  /** When the transfer was created (epoch ms): a download renamed into place since then is this one's. */
  readonly createdAt: number;
  readonly signal: AbortSignal;
  /** Runs a request with the current token; on a 401 once more with a fresh one. */
  readonly withToken: <T>(request: (token: string) => Promise<T>) => Promise<T>;
  /** Bytes moved for this file (already added to `doneBytes`). */
  readonly progress: () => void;
}

const sizeOf = async (file: string): Promise<number | null> => (await stat(file).catch(() => null))?.size ?? null;

/** A local file is taken when it, or a download's part file for it, exists. */
export const localNameTaken = async (file: string): Promise<boolean> => (await sizeOf(file)) !== null || (await sizeOf(`${file}${PART_SUFFIX}`)) !== null;

export async function uploadFile(f: MutableFile, c: MoveContext): Promise<void> {
  // The size now (the file may have changed since it was dropped).
  const info = await stat(f.source);
  f.bytes = info.size;
  await c.withToken(async (token) => {
    f.doneBytes = 0;
    c.progress();
    await putFile(collectionFileUrl(c.httpsServer, f.destination), token, f.source, info.size, c.signal, (n) => {
      f.doneBytes += n;
      c.progress();
    });
  });
}

/** Learns the size of a download before it starts (so the transfer's total is known at once). */
export async function probeSize(f: MutableFile, c: MoveContext): Promise<void> {
  try {
    const size = await c.withToken((token) => headSize(collectionFileUrl(c.httpsServer, f.source), token, c.signal));
    if (size !== null) f.bytes = size;
  } catch (error) {
    // A server without HEAD: the size comes with the GET.
    if (!(error instanceof HttpStatusError && (error.status === 405 || error.status === 501))) throw error;
  }
}

export async function downloadFile(f: MutableFile, c: MoveContext): Promise<void> {
  const part = `${f.destination}${PART_SUFFIX}`;
  // Ferry stopped after this file was renamed into place but before the list was saved: it is done.
  const placed = await stat(f.destination).catch(() => null);
  if (f.bytes > 0 && placed?.isFile() && placed.size === f.bytes && placed.mtimeMs >= c.createdAt && (await sizeOf(part)) === null) return;
  const url = collectionFileUrl(c.httpsServer, f.source);
  const result = await c.withToken(async (token) =>
    getFile(url, token, part, (await sizeOf(part)) ?? 0, c.signal, {
      start: (offset, total) => {
        f.doneBytes = offset;
        if (total >= 0) f.bytes = total;
        c.progress();
      },
      bytes: (n) => {
        f.doneBytes += n;
        c.progress();
      },
    }),
  );
  const have = (await sizeOf(part)) ?? 0;
  if (have !== result.total) {
    // More than the file holds (it changed on the collection): start it over next time.
    if (have > result.total) await rm(part, { force: true });
    f.doneBytes = Math.min(have, result.total);
    throw new ConnectionDropped(`${have} of ${result.total} bytes arrived`);
  }
  f.bytes = result.total;
  const target = (await sizeOf(f.destination)) === null ? f.destination : await freeLocalName(dirname(f.destination), basename(f.destination), localNameTaken);
  await rename(part, target);
  f.destination = target;
}
