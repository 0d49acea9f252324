/** Collections: bookmarks of collection folders (browsing itself goes through the transfer service). */
export { createBookmarkStore, type BookmarkStore } from './bookmarks';
export { createBookmarkBook, localBookmarkBook, type BookmarkBook, type GlobusBookmarkPort } from './bookmark-book';
export { createCollectionsCapability, type CollectionsChannel, type CollectionsDeps } from './handlers';
