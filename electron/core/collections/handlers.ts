import type { collectionsInvoke } from '../../../shared/contract/collections';
import { explainTransferConflict, type ActivityService } from '../activity';
import type { GlobusAccess, Submitter, TransferService } from '../globus';
import { AppError, type Capability } from '../kernel';
import { collectionDetails } from './details';
import { collectionPathOf, detectThisComputer, type DetectOptions } from './this-computer';
import { localBookmarkBook, type BookmarkBook } from './bookmark-book';
import type { BookmarkStore } from './bookmarks';
import { previewTransfer } from './preview';
import { sendLocal, type SendLocalDeps } from './send-local';

export type CollectionsChannel = keyof typeof collectionsInvoke;

export interface CollectionsDeps {
  readonly transfer: TransferService;
  readonly submitter: Submitter;
  readonly activity: ActivityService;
  /** Per-pair transfer defaults (this computer). */
  readonly bookmarks: BookmarkStore;
  /** Collection documents for the details panel (GlobusAccess). */
  readonly access?: Pick<GlobusAccess, 'getCollectionPolicy'>;
  /** Collections this sign-in has a data_access consent for (the details panel says so). */
  readonly consentedCollections?: () => readonly string[];
  /** Where to look for Globus Connect Personal (tests; default: this user's home). */
  readonly thisComputer?: DetectOptions;
  /** The bookmark list a person sees (Globus' and this computer's); default: this computer's only. */
  readonly bookmarkBook?: BookmarkBook;
  /** Starts an HTTPS upload (the https-transfers capability) for dropped files Globus cannot reach. */
  readonly httpsUpload?: SendLocalDeps['httpsUpload'];
}

/** The `collections:*` and `transfers:*` channels: search, browse, bookmark, and start transfers. */
export function createCollectionsCapability({ transfer, submitter, activity, bookmarks, bookmarkBook = localBookmarkBook(bookmarks), access, thisComputer: detectOptions, consentedCollections, httpsUpload }: CollectionsDeps): Capability<CollectionsChannel> {
  return {
    handlers: {
      'collections:search': async (text) => (await transfer.searchCollections(text, 50)).DATA,
      'collections:get': async (id) => transfer.getCollection(id),
      'collections:this-computer': async () => {
        const install = await detectThisComputer(detectOptions);
        if (!install) return null;
        const named = await transfer.getCollection(install.collectionId).catch(() => null);
        return { collectionId: install.collectionId, displayName: named?.display_name ?? null, folders: install.folders.map((f) => ({ path: f.path, writable: f.writable })) };
      },
      'collections:this-computer-path': async (localPath) => {
        const install = await detectThisComputer(detectOptions);
        const path = install ? collectionPathOf(localPath, install, detectOptions?.platform) : null;
        return install && path ? { collectionId: install.collectionId, path } : null;
      },
      'collections:details': async (id) => {
        if (!access) throw new AppError('unavailable', 'NotAvailable', 'Collection details are not available in this build.');
        const details = collectionDetails(await access.getCollectionPolicy(id), consentedCollections?.() ?? []);
        if (details.consent !== 'needed') return details;
        // Globus decides per collection: one listing tells whether it serves this person without the consent.
        const served = await transfer.ls(id, details.defaultDirectory ?? '/').then(
          () => true,
          () => false,
        );
        return served ? { ...details, consent: 'not-needed' as const } : details;
      },
      'collections:ls': async (id, path) => {
        const listing = await transfer.ls(id, path);
        return { collectionId: id, path: listing.path, entries: listing.DATA };
      },
      'collections:mkdir': async (id, path) => transfer.mkdir(id, path),
      'collections:rename': async (id, from, to) => transfer.rename(id, from, to),
      'collections:list-bookmarks': async () => bookmarkBook.list(),
      'collections:add-bookmark': async (b) => bookmarkBook.add(b),
      'collections:remove-bookmark': async (id) => bookmarkBook.remove(id),
      'collections:bookmark-upload-offer': async () => bookmarkBook.uploadOffer(),
      'collections:answer-bookmark-upload': async (copy) => bookmarkBook.answerUploadOffer(copy),

      'transfers:submit': async (request) => {
        try {
          const { label, ...rest } = request;
          const submitted = await submitter.transfer({ ...rest, ...(label ? { label } : {}) }, 'manual');
          return { taskId: submitted.taskId, submissionId: submitted.submissionId, code: submitted.code };
        } catch (error) {
          throw explainTransferConflict(error, activity, request.source, request.destination);
        }
      },
      'transfers:delete': async (request) => {
        const submitted = await submitter.delete(
          {
            collection: request.collection,
            paths: request.paths,
            recursive: true,
            ...(request.label ? { label: request.label } : {}),
          },
          'manual',
        );
        return { taskId: submitted.taskId, submissionId: submitted.submissionId, code: submitted.code };
      },
      'transfers:send-local': async (request) =>
        sendLocal({ submitter, ...(access ? { access } : {}), ...(httpsUpload ? { httpsUpload } : {}), ...(detectOptions ? { thisComputer: detectOptions } : {}) }, request),
      'transfers:preview': async (request) => previewTransfer(async (id, path) => (await transfer.ls(id, path)).DATA, request),
      'transfers:get-defaults': async (source, destination) => bookmarks.transferDefaults(source, destination),
      'transfers:save-defaults': async (source, destination, options) => bookmarks.saveTransferDefaults(source, destination, options),
    },
  };
}
