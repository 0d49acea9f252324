/**
 * Dropped local files sent to a collection folder (`transfers:send-local`): a Globus transfer
 * from this computer's Globus Connect Personal collection when every file lies in a folder it
 * serves (Globus then moves them, and they show in Activity), else an HTTPS upload when the
 * destination allows HTTPS access, else a refusal that says which folders to share.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { SendLocalRequest, SendLocalResult } from '../../../shared/contract/collections';
import type { HttpsTransfer, HttpsUploadRequest } from '../../../shared/contract/https-transfers';
import type { GlobusAccess, Submitter } from '../globus';
import { AppError } from '../kernel';
import { collectionPathOf, detectThisComputer, type DetectOptions } from './this-computer';

export interface SendLocalDeps {
  readonly submitter: Pick<Submitter, 'transfer'>;
  /** The destination's document (does it allow HTTPS access?). */
  readonly access?: Pick<GlobusAccess, 'getCollectionPolicy'>;
  /** Starts an HTTPS upload (the https-transfers capability); without it only Globus is tried. */
  readonly httpsUpload?: (request: HttpsUploadRequest) => Promise<HttpsTransfer>;
  /** Where to look for Globus Connect Personal (tests). */
  readonly thisComputer?: DetectOptions;
}

const withSlash = (folder: string): string => (folder.endsWith('/') ? folder : `${folder}/`);
const list = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`);

export async function sendLocal(deps: SendLocalDeps, request: SendLocalRequest): Promise<SendLocalResult> {
  const dropped: { readonly path: string; readonly folder: boolean }[] = [];
  for (const path of request.paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new AppError('invalid', 'LocalFileMissing', `${path} does not exist (it was moved or deleted); drop it again from where it is now.`);
    dropped.push({ path, folder: info.isDirectory() });
  }

  const install = await detectThisComputer(deps.thisComputer);
  const platform = deps.thisComputer?.platform;
  const mapped = install ? dropped.map((d) => ({ ...d, collectionPath: collectionPathOf(d.path, install, platform) })) : [];
  if (install && mapped.every((m) => m.collectionPath !== null)) {
    const folder = withSlash(request.folder);
    const submitted = await deps.submitter.transfer(
      {
        source: install.collectionId,
        destination: request.destination,
        items: mapped.map((m) => ({
          // collectionPathOf names folders (trailing `/`): a file is the path without it.
          sourcePath: m.folder ? m.collectionPath! : m.collectionPath!.replace(/\/+$/, ''),
          destinationPath: `${folder}${basename(m.path)}${m.folder ? '/' : ''}`,
          recursive: m.folder,
        })),
      },
      'manual',
    );
    return { via: 'globus', sourceCollectionId: install.collectionId, taskId: submitted.taskId, submissionId: submitted.submissionId, code: submitted.code };
  }

  const policy = deps.access ? await deps.access.getCollectionPolicy(request.destination) : null;
  if (policy?.about.httpsServer && deps.httpsUpload) {
    return { via: 'https', transfer: await deps.httpsUpload({ collectionId: request.destination, folder: request.folder, paths: request.paths }) };
  }

  const name = policy?.displayName ?? request.destination;
  const alternative = `or drop the files on a collection that allows HTTPS access (${name} does not).`;
  if (!install) {
    throw new AppError(
      'refused',
      'NotShared',
      `Globus Connect Personal is not installed on this computer, so Globus cannot reach these files. Install it (globus.org/globus-connect-personal) and share the folder that holds them, ${alternative}`,
      { sharedFolders: [], outside: request.paths },
    );
  }
  const outside = mapped.filter((m) => m.collectionPath === null);
  const toAdd = [...new Set(outside.map((m) => (m.folder ? m.path : dirname(m.path))))];
  const shared = install.folders.map((f) => f.path);
  throw new AppError(
    'refused',
    'NotShared',
    `Globus Connect Personal on this computer shares ${shared.length > 0 ? `only ${list(shared)}` : 'no folder'}; ${list(outside.map((m) => m.path))} ${outside.length === 1 ? 'is' : 'are'} outside. Add ${list(toAdd)} in Globus Connect Personal → Preferences → Access, ${alternative}`,
    { sharedFolders: shared, outside: outside.map((m) => m.path) },
  );
}
