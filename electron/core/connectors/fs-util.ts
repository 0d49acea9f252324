/** File helpers for the object stores: atomic temp+rename writes and streaming copies. */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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

/**
 * Large single reads and writes: `fs.promises.readFile`/`writeFile` go through 512 KiB chunks, one
 * thread-pool round trip each, which halves throughput on objects of hundreds of MB.
 */
const BIG_IO = 64 << 20;

async function writeWhole(file: string, data: Uint8Array): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (let offset = 0; offset < data.byteLength; ) {
      const { bytesWritten } = await handle.write(data, offset, Math.min(BIG_IO, data.byteLength - offset));
      offset += bytesWritten;
    }
  } finally {
    await handle.close();
  }
}

/** Reads a whole file into one buffer with a few large reads. */
export async function readWhole(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(out, offset, Math.min(BIG_IO, size - offset), offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return offset === size ? out : out.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

/** Writes bytes so readers see nothing or the whole object (temp file + rename). */
export async function writeBytesAtomic(file: string, data: Uint8Array): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    await writeWhole(tmp, data);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await renameOrClean(tmp, file);
}

/** From this size on, copies go through the system `cp` (see copyWithCp). */
export const SYSTEM_CP_MIN_BYTES = 8 * 1024 * 1024;
let systemCpUsable = process.platform === 'linux' || process.platform === 'darwin';

/**
 * Large copies use the system `cp`: it copies inside the kernel (copy_file_range on Linux,
 * clonefile on APFS) into a freshly created file. Node's fs.copyFile also uses
 * copy_file_range but first ftruncate()s the new file, which on ext4 (auto_da_alloc) forces
 * writeback of the whole file on close and makes it 2-3x slower for large files. Progress is
 * the growing size of the destination, polled; abort kills cp. Resolves false when no `cp`.
 */
function copyWithCp(src: string, dest: string, total: number, options: StreamOptions): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn('cp', ['--', src, dest], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr += d;
    });
    const onProgress = options.onProgress;
    const poll = onProgress
      ? setInterval(() => {
          stat(dest).then(
            (s) => onProgress(Math.min(s.size, total), total),
            () => undefined,
          );
        }, 100)
      : undefined;
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    options.signal?.addEventListener('abort', onAbort);
    onProgress?.(0, total);
    const done = (): void => {
      if (poll) clearInterval(poll);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      done();
      if (error.code === 'ENOENT') {
        systemCpUsable = false;
        resolve(false);
      } else reject(error);
    });
    child.on('close', (code, signal) => {
      done();
      if (options.signal?.aborted) reject(options.signal.reason ?? new Error('The operation was aborted'));
      else if (code === 0) resolve(true);
      else reject(new Error(`cp of ${src} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

/**
 * Copies `src` to `dest` atomically (temp file + rename) without holding a large file in memory.
 * Large files go through the kernel's copy via `cp` (fs.copyFile where there is no cp); files
 * under 8 MiB are read and written whole; 'stream' (or progress/abort on small files) copies
 * 1 MiB chunks. Returns the number of bytes copied.
 */
export async function copyFileAtomic(src: string, dest: string, options: StreamOptions = {}): Promise<number> {
  const total = (await stat(src)).size;
  const tmp = tempPathFor(dest);
  try {
    options.signal?.throwIfAborted();
    const auto = options.copyMethod !== 'stream';
    if (auto && total >= SYSTEM_CP_MIN_BYTES && systemCpUsable && (await copyWithCp(src, tmp, total, options))) {
      // copied by cp
    } else if (auto && total < SYSTEM_CP_MIN_BYTES && !options.onProgress && !options.signal) {
      // Small: one read and one write into a new file (see copyWithCp on fs.copyFile's ftruncate).
      await writeFile(tmp, await readFile(src), { flag: 'wx' });
    } else if (auto && !options.onProgress && !options.signal) {
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
