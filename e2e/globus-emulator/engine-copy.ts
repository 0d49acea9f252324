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

/** Where a fault happened: the collection, and the command the GridFTP server was running. */
export interface FaultSite {
  readonly collection?: { readonly id: string; readonly display_name: string };
  /** Default: RETR for source-side errors, STOR for destination-side ones. */
  readonly command?: string;
}

/** GridFTP's 5xx reply lines for a failed command, as Globus quotes them in an event's details. */
function gridftpReply(status: number, globusCode: string, errno: number, reason: string, text: string, path: string): string {
  return [
    `${status}-GlobusError: v=1 c=${globusCode}`,
    `${status}-GridFTP-Errno: ${errno}`,
    `${status}-GridFTP-Reason: ${reason}`,
    `${status}-GridFTP-Error-String: ${text}`,
    `${status}-GridFTP-Path: ${path}`,
    `${status} End.`,
  ].join('\r\n');
}

/**
 * The `details` of a file error event, shaped like Transfer's: a header naming the collection,
 * file and command, then the GridFTP server's reply (e.g. `550-… No such file or directory`).
 */
export function faultDetails(code: FileErrorCode, src: string, dst: string, site: FaultSite = {}): string {
  const atDestination = code === 'QUOTA_EXCEEDED' || code === 'CHECKSUM_MISMATCH';
  const path = atDestination ? dst : src;
  const command = site.command ?? `${atDestination ? 'STOR' : 'RETR'} ${path}`;
  const header = [
    `Error (${code === 'CHECKSUM_MISMATCH' ? 'checksum' : 'transfer'})`,
    ...(site.collection ? [`Endpoint: ${site.collection.display_name} (${site.collection.id})`] : []),
    `File: ${path}`,
    `Command: ${command}`,
    'Message: Fatal FTP Response',
    '---',
  ].join('\n');
  return `${header}\nDetails: ${detailsOf(code, src, dst)}`;
}

function detailsOf(code: FileErrorCode, src: string, dst: string): string {
  switch (code) {
    case 'PERMISSION_DENIED':
      return gridftpReply(550, 'PERMISSION_DENIED', 13, 'System error in open', 'Permission denied', src);
    case 'FILE_NOT_FOUND':
      return gridftpReply(550, 'PATH_NOT_FOUND', 2, 'System error in open', 'No such file or directory', src);
    case 'CONNECTION_RESET':
      return `426-GlobusError: v=1 c=NETWORK_ERROR\r\n426-globus_xio: System error in read: Connection reset by peer\r\n426 End.`;
    case 'QUOTA_EXCEEDED':
      return gridftpReply(451, 'QUOTA_EXCEEDED', 122, 'System error in write', 'Disk quota exceeded', dst);
    case 'CHECKSUM_MISMATCH':
      return `Checksum verification failed for ${dst}: the checksum of the destination file does not match the source`;
    case 'FILE_SIZE_CHANGED':
      return `The size of ${src} changed during the transfer`;
    default:
      return assertNever(code, 'file error code');
  }
}
