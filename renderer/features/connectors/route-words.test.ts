import { describe, expect, it } from 'vitest';
import type { ConnectorDraft, ConnectorDraftCheck, ConnectorsCheck, RouteQueryInput, RouteView } from '../../../shared/contract/connectors';
import { routeWords } from './route-words';

const NOWHERE = 'No connector policy was suitable for the constraints: subset_tags=(), superset_tags=().';

function draft(name: string, policy: Partial<ConnectorDraft['policy']> = {}): ConnectorDraft {
  return {
    name,
    connectorPath: 'proxystore.connectors.file.FileConnector',
    config: { store_dir: '/s' },
    policy: { priority: 0, hostPattern: null, minSize: '0 B', maxSize: 'no limit', subsetTags: [], supersetTags: [], ...policy },
  };
}

function checkOf(bounds: readonly [min: string, max: string][]): ConnectorsCheck {
  const one = ([min, max]: readonly [string, string]): ConnectorDraftCheck => ({
    messages: {},
    type: 'file',
    typeLabel: 'FileConnector',
    supported: true,
    dormant: false,
    dormantReason: null,
    warning: null,
    detail: '',
    minSizeBytes: min,
    maxSizeBytes: max,
  });
  return { hostname: 'here', connectors: bounds.map(one), table: [], ok: true };
}

function nowhere(sizeBytes: string, names: readonly string[], dormant: readonly string[] = []): RouteView {
  return {
    chosen: null,
    chosenType: null,
    candidates: [
      ...names.map((name) => ({ name, priority: 0, connectorPath: 'x.Y', status: 'invalid' as const, reasons: [`size ${sizeBytes} B is above max_size_bytes 1`] })),
      ...dormant.map((name) => ({ name, priority: 0, connectorPath: 'x.Y', status: 'dormant' as const, reasons: ['dormant: host h does not match host_pattern'] })),
    ],
    message: NOWHERE,
    sizeBytes,
    error: null,
  };
}

const query = (size: string, patch: Partial<RouteQueryInput> = {}): RouteQueryInput => ({ size, subsetTags: [], supersetTags: [], ...patch });
const MAX = '9223372036854775807';

describe('routeWords', () => {
  it('leads with "too large" when every connector has a smaller limit, naming the largest', () => {
    const words = routeWords(nowhere('20000000', ['file', 'local']), query('20 MB'), [draft('file'), draft('local')], checkOf([['0', '10000000'], ['0', '2000000']]));
    expect(words.headline).toBe('Too large for every connector: the largest allows 10 MB.');
    expect(words.detail).toBe(`An object of 20 MB would go nowhere. ProxyStore: ${NOWHERE}`);
  });

  it('leads with "too small" when every connector wants bigger objects', () => {
    const words = routeWords(nowhere('10', ['big']), query('10 B'), [draft('big')], checkOf([['1000001', MAX]]));
    expect(words.headline).toBe('Too small for every connector: the smallest takes objects from 1.0 MB.');
  });

  it('names the tags no connector allows, and the tags every connector requires', () => {
    expect(routeWords(nowhere('1', ['a']), query('1 B', { subsetTags: ['hot'] }), [draft('a', { subsetTags: ['cold'] })], checkOf([['0', MAX]])).headline).toBe(
      'No connector allows the tags {hot}.',
    );
    expect(routeWords(nowhere('1', ['a']), query('1 B'), [draft('a', { supersetTags: ['signed'] })], checkOf([['0', MAX]])).headline).toBe(
      'Every connector requires tags this object does not carry: {signed}.',
    );
  });

  it('gives each connector its own reason when they differ', () => {
    const words = routeWords(nowhere('3000000', ['small', 'tagged']), query('3 MB'), [draft('small'), draft('tagged', { supersetTags: ['x'] })], checkOf([['0', '1000000'], ['0', MAX]]));
    expect(words.headline).toBe('No connector takes it: small allows at most 1 MB; tagged requires the tags {x}.');
  });

  it('says when every connector is dormant on this host', () => {
    expect(routeWords(nowhere('1', [], ['remote']), query('1 B'), [draft('remote')], null).headline).toBe('No connector can be used on this host: every one is dormant here.');
  });

  it('keeps the chosen connector and unreadable sizes as they were', () => {
    const chosen: RouteView = { ...nowhere('3000', ['file']), chosen: 'file', candidates: [] };
    expect(routeWords(chosen, query('3 kB', { subsetTags: ['a'] }), [draft('file')], null)).toEqual({ headline: 'An object of 3 kB with tags {a} would go to file.', detail: null });
    const error: RouteView = { ...nowhere('1', []), sizeBytes: null, error: 'Object size: a number with an optional unit' };
    expect(routeWords(error, query('three'), [], null).headline).toBe('Object size: a number with an optional unit');
  });
});
