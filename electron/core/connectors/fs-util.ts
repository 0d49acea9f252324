/** File helpers for the object stores: atomic temp+rename writes and streaming copies. */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StreamOptions } from './connector';

const CHUNK = 1 << 20;

/** A temp name beside `file` (same directory, so rename is atomic); hidden and unmistakable. */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

async function renameOrClean(tmp: string, file: string): Promise<void> {
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Writes bytes so readers see nothing or the whole object (temp file + rename). */
export async function writeBytesAtomic(file: string, data: Uint8Array): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    await writeFile(tmp, data);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await renameOrClean(tmp, file);
}

/**
 * Copies `src` to `dest` atomically without holding the file in memory. Without a progress
 * listener or signal this is the kernel's copy (copy_file_range); with one it streams in 1 MiB
 * chunks and reports progress. Returns the number of bytes copied.
 */
export async function copyFileAtomic(src: string, dest: string, options: StreamOptions = {}): Promise<number> {
  const total = (await stat(src)).size;
  const tmp = tempPathFor(dest);
  try {
    if (!options.onProgress && !options.signal) {
      await copyFile(src, tmp);
    } else {
      let done = 0;
      const onProgress = options.onProgress;
      onProgress?.(0, total);
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          done += chunk.length;
          onProgress?.(done, total);
          cb(null, chunk);
        },
      });
      await pipeline(
        createReadStream(src, { highWaterMark: CHUNK }),
        counter,
        createWriteStream(tmp, { highWaterMark: CHUNK }),
        options.signal ? { signal: options.signal } : {},
      );
    }
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await renameOrClean(tmp, dest);
  if (!options.onProgress) return total;
  options.onProgress(total, total);
  return total;
}

/** Reads a whole file in chunks (for in-memory stores), reporting progress. */
export async function readFileStreaming(src: string, options: StreamOptions = {}): Promise<Uint8Array> {
  const total = (await stat(src)).size;
  const out = Buffer.allocUnsafe(total);
  let done = 0;
  options.onProgress?.(0, total);
  const stream = createReadStream(src, { highWaterMark: CHUNK, ...(options.signal ? { signal: options.signal } : {}) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (done + chunk.length > total) throw new Error(`${src} grew while it was being read`);
    chunk.copy(out, done);
    done += chunk.length;
    options.onProgress?.(done, total);
  }
  return done === total ? out : out.subarray(0, done);
}

export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}
