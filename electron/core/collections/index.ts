/** Collections: bookmarks of collection folders (browsing itself goes through the transfer service). */
export { createBookmarkStore, type BookmarkStore } from './bookmarks';
export { createCollectionsCapability, type CollectionsChannel, type CollectionsDeps } from './handlers';
