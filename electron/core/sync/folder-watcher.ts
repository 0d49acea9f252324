/**
 * Watches a job's folder for changes with one non-recursive `fs.watch` (one inotify watch on
 * Linux) per folder, never per file: a 1.3-million-file tree in 720 folders costs 720 watches.
 * Node 20's `fs.watch(dir, { recursive: true })` is not used: on Linux it walks the tree
 * synchronously and opens a watch and keeps a stat for every file.
 *
 * Folders created later are watched as they appear (and their content counts as a change). Links
 * are not followed (a `follow` job's linked folders are covered by the periodic full scan). When
 * the tree has more folders than `maxWatches` the watcher gives up: it closes every watch and
 * calls `onOverCap` (the caller falls back to the periodic scan with a warning). An unreadable
 * folder is skipped (its changes are seen by the full scan). Setting up reads every folder once
 * (the names only, no stat: about a `find -type d` of the tree).
 */
import { watch, type FSWatcher } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';

export interface FolderWatcherOptions {
  readonly root: string;
  /** Most folders watched at once (inotify watches). */
  readonly maxWatches: number;
  /** Something under the root changed (a file written, created, renamed or removed). */
  readonly onChange: () => void;
  /** More folders than `maxWatches`: nothing is watched any more. */
  readonly onOverCap: (folders: number) => void;
  /** The root itself cannot be watched (removed, unreadable). */
  readonly onError: (error: unknown) => void;
}

export class FolderWatcher {
  private readonly watches = new Map<string, FSWatcher>();
  private closed = false;
  /** Settles once the folders present at start are watched (or watching gave up). */
  ready: Promise<void> = Promise.resolve();

  constructor(private readonly opts: FolderWatcherOptions) {}

  get size(): number {
    return this.watches.size;
  }

  /** Watches the root and every folder below it (`ready` settles when they all are). */
  start(): void {
    this.ready = this.watchAll();
  }

  private async watchAll(): Promise<void> {
    try {
      await this.add(this.opts.root, true);
    } catch (error) {
      this.close();
      this.opts.onError(error);
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
  }

  /** Watches `dir` and the folders below it (breadth first, bounded by the cap). */
  private async add(dir: string, isRoot = false): Promise<void> {
    const queue = [dir];
    while (queue.length > 0 && !this.closed) {
      const d = queue.shift() as string;
      if (this.watches.has(d)) continue;
      if (this.watches.size >= this.opts.maxWatches) return this.overCap();
      try {
        this.watchOne(d);
        const handle = await opendir(d, { bufferSize: 256 });
        for await (const e of handle) if (e.isDirectory()) queue.push(join(d, e.name));
      } catch (error) {
        if (isRoot && d === dir) throw error;
        // a folder that went away or cannot be read: the full scan covers it
      }
    }
  }

  private watchOne(dir: string): void {
    const w = watch(dir, { persistent: false }, (event, name) => {
      if (this.closed) return;
      this.opts.onChange();
      // only a `rename` (created, removed, moved) can be a new or gone folder; `change` is a write
      if (name && event === 'rename') void this.entryChanged(join(dir, name.toString()));
    });
    w.on('error', () => {
      w.close();
      this.watches.delete(dir);
      if (dir === this.opts.root && !this.closed) this.opts.onError(new Error(`${dir} can no longer be watched`));
    });
    this.watches.set(dir, w);
  }

  /** A new entry may be a folder: watch it (and what it already holds); a removed folder's watch goes. */
  private async entryChanged(path: string): Promise<void> {
    try {
      const st = await lstat(path);
      if (st.isDirectory() && !this.watches.has(path)) await this.add(path);
    } catch {
      // gone: so are the watches of it and of the folders below it
      for (const [dir, w] of this.watches) {
        if (dir === path || dir.startsWith(`${path}/`)) {
          w.close();
          this.watches.delete(dir);
        }
      }
    }
  }

  private overCap(): void {
    if (this.closed) return;
    const n = this.watches.size;
    this.close();
    this.opts.onOverCap(n + 1);
  }
}
