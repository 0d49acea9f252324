/**
 * The route tester's sentence: where an object would go, or, when nowhere, the real reason first
 * ("Too large for every connector: the largest allows 10 MB.") rather than ProxyStore's
 * "No connector policy was suitable … subset_tags=(), superset_tags=()", which goes to the small print.
 */
import type { ConnectorDraft, ConnectorsCheck, RouteQueryInput, RouteView } from '../../../shared/contract/connectors';
import { formatBytes } from '../../../shared/format';

export interface RouteWords {
  /** The answer, reason first. */
  readonly headline: string;
  /** The small print under it (what was asked, ProxyStore's own message), or null. */
  readonly detail: string | null;
}

type Blocker =
  | { readonly kind: 'too-large'; readonly max: bigint }
  | { readonly kind: 'too-small'; readonly min: bigint }
  | { readonly kind: 'tags'; readonly extra: readonly string[] }
  | { readonly kind: 'required'; readonly missing: readonly string[] }
  | { readonly kind: 'other'; readonly reason: string };

function tagText(tags: readonly string[]): string {
  return `{${tags.join(', ')}}`;
}

function bigintOf(text: string | null | undefined): bigint | null {
  if (!text || !/^\d+$/.test(text)) return null;
  return BigInt(text);
}

/** Why one connector's policy turns the object down, from its draft and check (ProxyStore's order of checks). */
function blockersOf(name: string, reasons: readonly string[], size: bigint | null, query: RouteQueryInput, drafts: readonly ConnectorDraft[], check: ConnectorsCheck | null): Blocker[] {
  const index = drafts.findIndex((d) => d.name === name);
  const draft = drafts[index];
  const bounds = check?.connectors[index];
  const out: Blocker[] = [];
  const min = bigintOf(bounds?.minSizeBytes);
  const max = bigintOf(bounds?.maxSizeBytes);
  if (size !== null && min !== null && size < min) out.push({ kind: 'too-small', min });
  if (size !== null && max !== null && size > max) out.push({ kind: 'too-large', max });
  if (draft) {
    const allowed = new Set(draft.policy.subsetTags);
    const extra = [...new Set(query.subsetTags)].filter((t) => !allowed.has(t));
    if (extra.length > 0) out.push({ kind: 'tags', extra });
    const given = new Set(query.supersetTags);
    const missing = [...new Set(draft.policy.supersetTags)].filter((t) => !given.has(t));
    if (missing.length > 0) out.push({ kind: 'required', missing });
  }
  if (out.length === 0) out.push({ kind: 'other', reason: reasons[0] ?? 'its policy turns it down' });
  return out;
}

function phrase(name: string, b: Blocker): string {
  switch (b.kind) {
    case 'too-large':
      return `${name} allows at most ${formatBytes(b.max)}`;
    case 'too-small':
      return `${name} takes objects from ${formatBytes(b.min)}`;
    case 'tags':
      return `${name} does not allow the tags ${tagText(b.extra)}`;
    case 'required':
      return `${name} requires the tags ${tagText(b.missing)}`;
    case 'other':
      return `${name}: ${b.reason}`;
  }
}

/** The sentence for a route, given what was asked and the drafts (with their check) it was routed against. */
export function routeWords(route: RouteView, query: RouteQueryInput, drafts: readonly ConnectorDraft[], check: ConnectorsCheck | null): RouteWords {
  if (route.error) return { headline: route.error, detail: null };
  const tags = query.subsetTags.length > 0 ? ` with tags ${tagText(query.subsetTags)}` : '';
  const required = query.supersetTags.length > 0 ? ` and required tags ${tagText(query.supersetTags)}` : '';
  const object = `An object of ${query.size.trim()}${tags}${required}`;
  if (route.chosen) return { headline: `${object} would go to ${route.chosen}.`, detail: null };

  const detail = `${object} would go nowhere. ProxyStore: ${route.message}`;
  const active = route.candidates.filter((c) => c.status !== 'dormant');
  if (active.length === 0) {
    const headline = route.candidates.length > 0 ? 'No connector can be used on this host: every one is dormant here.' : route.message;
    return { headline, detail };
  }
  const size = bigintOf(route.sizeBytes);
  const blocked = active.map((c) => ({ name: c.name, blockers: blockersOf(c.name, c.reasons, size, query, drafts, check) }));
  const every = <K extends Blocker['kind']>(kind: K) =>
    blocked.every((b) => b.blockers.some((x) => x.kind === kind)) ? blocked.map((b) => b.blockers.find((x) => x.kind === kind) as Extract<Blocker, { kind: K }>) : null;

  const large = every('too-large');
  if (large) return { headline: `Too large for every connector: the largest allows ${formatBytes(large.reduce((m, b) => (b.max > m ? b.max : m), 0n))}.`, detail };
  const small = every('too-small');
  if (small) {
    const least = small.reduce((m, b) => (m === null || b.min < m ? b.min : m), null as bigint | null) ?? 0n;
    return { headline: `Too small for every connector: the smallest takes objects from ${formatBytes(least)}.`, detail };
  }
  if (every('tags')) return { headline: `No connector allows the tags ${tagText(query.subsetTags)}.`, detail };
  const needs = every('required');
  if (needs) {
    const all = [...new Set(needs.flatMap((b) => b.missing))];
    return { headline: `Every connector requires tags this object does not carry: ${tagText(all)}.`, detail };
  }
  const first = blocked.map((b) => phrase(b.name, b.blockers[0] as Blocker));
  return { headline: `No connector takes it: ${first.join('; ')}.`, detail };
}
