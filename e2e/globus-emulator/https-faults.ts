/**
 * Faults and a request log for HTTPS access (`/https/<collection>/<path>`), switched through the
 * control API so tests interrupt a transfer deterministically: the next matching GET or PUT loses
 * its connection after N bytes of body. In memory only (a restart or `/reset` clears them).
 */

export const httpsDropMethods = ['GET', 'PUT'] as const;
export type HttpsDropMethod = (typeof httpsDropMethods)[number];

export interface HttpsDropRule {
  readonly method: HttpsDropMethod;
  /** Bytes of body that cross before the connection drops (GET: sent, PUT: received). */
  readonly afterBytes: number;
  remaining: number;
  readonly collectionId: string | undefined;
  /** Only requests whose collection path contains this. */
  readonly pathContains: string | undefined;
}

/** One HTTPS request the emulator answered (or dropped), for tests to assert on. */
export interface HttpsRequestRecord {
  readonly method: string;
  readonly collectionId: string;
  /** The decoded collection path. */
  readonly path: string;
  /** The Range header as sent, or null. */
  readonly range: string | null;
  /** The body bytes after which the connection was dropped, or null. */
  readonly droppedAfter: number | null;
}

const MAX_RECORDS = 1000;

export class HttpsFaults {
  drops: HttpsDropRule[] = [];
  readonly requests: HttpsRequestRecord[] = [];

  reset(): void {
    this.drops = [];
    this.requests.length = 0;
  }

  addDrop(rule: Omit<HttpsDropRule, 'remaining'> & { readonly count?: number }): void {
    const { count, ...rest } = rule;
    this.drops.push({ ...rest, remaining: Math.max(1, count ?? 1) });
  }

  /** The bytes after which this request's connection drops, consuming one use of the rule. */
  takeDrop(method: string, collectionId: string, path: string): number | null {
    const rule = this.drops.find(
      (r) => r.remaining > 0 && r.method === method && (!r.collectionId || r.collectionId === collectionId) && (!r.pathContains || path.includes(r.pathContains)),
    );
    if (!rule) return null;
    rule.remaining -= 1;
    this.drops = this.drops.filter((r) => r.remaining > 0);
    return rule.afterBytes;
  }

  record(entry: HttpsRequestRecord): void {
    this.requests.push(entry);
    if (this.requests.length > MAX_RECORDS) this.requests.splice(0, this.requests.length - MAX_RECORDS);
  }
}
