/**
 * Globus Connect Personal in the emulator: a `GCP_mapped_collection` that serves this disk's
 * absolute paths as they are (`/home/me/data/x` is the collection path `/home/me/data/x`, so its
 * root folder is `/`), connected and not paused, without HTTPS access; and the files Globus
 * Connect Personal leaves in a home folder (`~/.globusonline/lta/client-id.txt`, `config-paths`),
 * which is how Ferry finds "This computer".
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const GCP_ENTITY_TYPE = 'GCP_mapped_collection';

export interface GcpCollectionOptions {
  readonly id: string;
  readonly displayName: string;
  /** The folder the collection's `/` maps to; default `/` (local paths as they are, as GCP serves them). */
  readonly root?: string;
}

export interface GcpFolderShare {
  /** Absolute local folder (or `~`, `~/x`). */
  readonly path: string;
  /** GCP's sharing flag (guest collections may be made there). Default false. */
  readonly sharing?: boolean;
  /** Default true. */
  readonly writable?: boolean;
}

/**
 * Writes what an installed Globus Connect Personal leaves below `home` (Linux/macOS layout):
 * `.globusonline/lta/client-id.txt` with the collection id and `config-paths` with one
 * `path,sharing,writable` line per folder it serves.
 */
export async function writeGcpInstall(home: string, collectionId: string, folders: readonly GcpFolderShare[]): Promise<string> {
  const lta = join(home, '.globusonline', 'lta');
  await mkdir(lta, { recursive: true });
  await writeFile(join(lta, 'client-id.txt'), `${collectionId}\n`);
  await writeFile(join(lta, 'config-paths'), folders.map((f) => `${f.path},${f.sharing ? 1 : 0},${f.writable === false ? 0 : 1}\n`).join(''));
  return lta;
}
