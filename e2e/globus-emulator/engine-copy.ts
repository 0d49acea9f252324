/** How the task engine copies one file: sync-level comparison, throttled copy, fault messages. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, open, readFile, writeFile } from 'node:fs/promises';
import { assertNever } from '../../shared/assert-never';
import { Aborted, hold, type Running } from './engine-model';
import type { FileErrorCode } from './faults';
import { md5File, statOrNull } from './fs-ops';
import { sleep } from './http-util';
import type { TaskRow } from './state';

/** Below this size a file is copied with one read and one write (cheaper than copyFile). */
const SMALL_FILE_BYTES = 256 * 1024;
/** sync_level: 0 exists, 1 size, 2 mtime (destination older than source), 3 checksum. */
export async function unchanged(row: TaskRow, srcDisk: string, dstDisk: string, size: number, mtimeMs: number): Promise<boolean> {
  if (row.sync_level === null) return false;
  const d = await statOrNull(dstDisk);
  if (!d || d.isDirectory()) return false;
  switch (row.sync_level) {
    case 0:
      return true;
    case 1:
      return d.size === size;
    case 2:
      return Math.floor(d.mtimeMs / 1000) >= Math.floor(mtimeMs / 1000);
    case 3: {
      if (d.size !== size) return false;
      const [a, b] = await Promise.all([md5File(srcDisk), md5File(dstDisk)]);
      row.bytes_checksummed += size * 2;
      return a === b;
    }
    default:
      return false;
  }
}

/** Copies at the configured bandwidth; returns the source md5 when asked to verify. */
export async function copyBytes(r: Running, bandwidthOf: () => number | null, from: string, to: string, size: number, verify: boolean): Promise<string | undefined> {
  await hold(r);
  const bandwidth = bandwidthOf();
  const row = r.row;
  if (bandwidth === null && !verify) {
    if (size <= SMALL_FILE_BYTES) await writeFile(to, await readFile(from));
    else await copyFile(from, to);
    row.bytes_transferred += size;
    return undefined;
  }
  const hash = verify ? createHash('md5') : null;
  const chunkSize = bandwidth === null ? 1 << 20 : Math.max(4096, Math.min(1 << 20, Math.floor(bandwidth / 20)));
  const handle = await open(to, 'w');
  try {
    for await (const data of createReadStream(from, { highWaterMark: chunkSize, signal: r.abort.signal })) {
      const chunk = data as Buffer;
      if (r.row.stalled) {
        await hold(r);
        r.windowStart = Date.now();
        r.windowBytes = 0;
      }
      await handle.write(chunk);
      hash?.update(chunk);
      row.bytes_transferred += chunk.length;
      // Re-read the cap on every chunk so a control change applies to the file in flight.
      const cap = bandwidthOf();
      if (cap !== null) {
        r.windowBytes += chunk.length;
        const due = r.windowStart + (r.windowBytes / cap) * 1000 - Date.now();
        if (due > 0) await sleep(due, r.abort.signal);
      } else {
        r.windowStart = Date.now();
        r.windowBytes = 0;
      }
      if (r.abort.signal.aborted) throw new Aborted();
    }
  } catch (error) {
    if (r.abort.signal.aborted) throw new Aborted();
    throw error;
  } finally {
    await handle.close();
  }
  return hash?.digest('hex');
}

export function faultDetails(code: FileErrorCode, src: string, dst: string): string {
  switch (code) {
    case 'PERMISSION_DENIED':
      return `Permission denied: ${src}`;
    case 'FILE_NOT_FOUND':
      return `No such file or directory: ${src}`;
    case 'CONNECTION_RESET':
      return `Connection reset by peer while transferring ${src}`;
    case 'QUOTA_EXCEEDED':
      return `Disk quota exceeded writing ${dst}`;
    case 'CHECKSUM_MISMATCH':
      return `Checksum verification failed for ${dst}`;
    case 'FILE_SIZE_CHANGED':
      return `Source file ${src} changed size during transfer`;
    default:
      return assertNever(code, 'file error code');
  }
}
