/**
 * "Checked when a timer, sync or queue destination is created": follows the collections in use
 * (from each list's change event) and checks each one the first time it appears. The first list
 * seen of each kind is the baseline (the daily check covers those).
 */
export function followNewCollections(check: (collectionId: string) => unknown): (kind: string, ids: readonly string[]) => void {
  const seen = new Map<string, Set<string>>();
  return (kind, ids) => {
    const known = seen.get(kind);
    if (!known) {
      seen.set(kind, new Set(ids));
      return;
    }
    for (const id of ids) {
      if (known.has(id)) continue;
      known.add(id);
      void Promise.resolve()
        .then(() => check(id))
        .catch(() => undefined);
    }
  };
}
