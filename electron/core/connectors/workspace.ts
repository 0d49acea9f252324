/**
 * The person's connectors workspace: their GlobusEndpoints and MultiConnector config kept as
 * ProxyStore JSON in the state folder (exact numbers, survives restarts), import/export of those
 * files, the MultiConnector built from the saved config, and staged puts with their keys.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import type {
  ConnectorDraft,
  ConnectorsCheck,
  ConnectorsState,
  EndpointRow,
  EndpointsCheck,
  EndpointsState,
  ExportResult,
  GetToFileResult,
  JsonSource,
  PutItem,
  PutItemResult,
  PutProgress,
  PutTags,
  RouteQueryInput,
  RouteView,
  StageInspection,
  StagedFile,
  StoredKey,
} from '../../../shared/contract/connectors';
import type { Submitter, TransferService } from '../globus/index';
import { checkLocalPath, explainFsError, writeFileAtomic, writeUserFile } from '../store/index';
import type { Connector } from './connector';
import { ConnectorConfigError } from './config-read';
import {
  checkDrafts,
  checkEndpointRows,
  draftOfEntry,
  endpointsFromRows,
  entriesFromDrafts,
  parsedOfEntries,
  routeError,
  routeQuery,
  routeView,
  routingOnlyMultiConnector,
  rowsOfEndpoints,
} from './drafts';
import { isExactJsonObject, stringifyExactJson, type ExactJson, type ExactJsonObject, type ExactParseOptions } from './exact-json';
import { GlobusEndpointError, GlobusEndpoints, globusEndpointsProblem } from './globus-endpoints';
import { invalidFile, JsonInputError, readJsonSource, sourceLabel, systemErrorPhrase, type JsonInputKind } from './json-input';
import { quoteValue } from './json-paths';
import { currentHostname } from './host';
import { keysEqual, type MultiKey } from './keys';
import { keyFileName, resolvePastedKey } from './pasted-keys';
import {
  connectorTypeOf,
  defaultConnectorFactories,
  multiConnectorFromParsed,
  parseMultiConfig,
  policyProblemOf,
  stringifyMultiConfig,
  type ConnectorFactories,
  type ParsedMultiConfig,
} from './multi-config';
import { MultiConnector, type ConnectorPolicyConfig } from './multi-connector';

export const ENDPOINTS_FILE = 'globus-endpoints.json';
export const MULTI_CONFIG_FILE = 'multi-connector.json';
const MAX_STAGED_FILES = 10_000;

export interface WorkspaceOptions {
  /** Where the JSON files live (created on first save). */
  readonly dir: string;
  /** Default destination folder of get-to-file. */
  readonly downloadsDir: string;
  readonly transfer?: TransferService;
  /** The one submit path (GlobusConnector puts go through it, so Activity records them). */
  readonly submitter?: Submitter;
  /** Whether Globus calls can be made now (GlobusConnector puts need it). */
  readonly isSignedIn?: () => boolean;
  readonly hostname?: () => string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly factories?: ConnectorFactories;
  readonly onKeysChanged?: (keys: readonly StoredKey[]) => void;
  /** Least time between two progress reports of one item (ms). */
  readonly progressIntervalMs?: number;
}

/** A listed key's id, or a key pasted from Python (its repr). */
export type KeyRef = string | { readonly pasted: string };

interface KeyRecord {
  readonly view: StoredKey;
  readonly key: MultiKey;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A failure on `path` for a person: Node's errno text (which quotes paths) never goes out. */
function failureOn(path: string, doing: string, error: unknown): string {
  const phrase = systemErrorPhrase(error);
  return phrase === null ? messageOf(error) : `${doing} ${path}: ${phrase}`;
}

const ENDPOINTS_KIND: JsonInputKind = { what: 'a ProxyStore GlobusEndpoints JSON file' };
const MULTI_KIND: JsonInputKind = { what: 'a ProxyStore MultiConnector config (JSON)' };

/** A saved file of ours as JSON, or null when there is none yet. */
async function readSavedJson(file: string, kind: JsonInputKind, options: ExactParseOptions = {}): Promise<ExactJson | null> {
  try {
    return await readJsonSource({ path: file }, kind, options);
  } catch (error) {
    if (error instanceof JsonInputError && error.code === 'FileNotFound') return null;
    throw error;
  }
}

/** Parse options that refuse a top-level key given twice (a UUID, a connector name) as InvalidFile. */
function rejectRepeatedKeys(label: string, kind: JsonInputKind, what: string): ExactParseOptions {
  return {
    onDuplicateKey: (key, path) => {
      if (path.length === 0) throw invalidFile(label, kind, { path: [key], message: `this ${what} appears twice; each may appear once` });
    },
  };
}

/** GlobusEndpoints of an imported (or saved) file, every problem reported at its place. */
function endpointsOfJson(json: ExactJson, label: string): GlobusEndpoints {
  const problem = globusEndpointsProblem(json);
  if (problem) throw invalidFile(label, ENDPOINTS_KIND, problem);
  if (Object.keys(json as object).length === 0) {
    throw invalidFile(label, ENDPOINTS_KIND, { path: [], message: 'it lists no endpoints; ProxyStore needs at least one' });
  }
  try {
    return GlobusEndpoints.fromDict(json);
  } catch (error) {
    if (error instanceof GlobusEndpointError) throw invalidFile(label, ENDPOINTS_KIND, { path: [], message: error.message });
    throw error;
  }
}

/** A MultiConnector config of an imported (or saved) file; a policy Python would refuse is refused. */
function multiConfigOfJson(json: ExactJson, label: string): ParsedMultiConfig {
  let parsed: ParsedMultiConfig;
  try {
    parsed = parseMultiConfig(json);
  } catch (error) {
    if (error instanceof ConnectorConfigError) throw invalidFile(label, MULTI_KIND, error.problem ?? { path: [], message: error.message });
    throw error;
  }
  const broken = parsed.entries.find((e) => !e.policy);
  if (broken) throw invalidFile(label, MULTI_KIND, policyProblemOf(broken));
  return parsed;
}

/** A free file name in `dir` for `name` ("a.bin", then "a (1).bin", ...). */
async function freePath(dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; ; i++) {
    const candidate = join(dir, i === 0 ? name : `${stem} (${i})${ext}`);
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

export class ConnectorsWorkspace {
  readonly endpointsFile: string;
  readonly multiConfigFile: string;
  private readonly options: WorkspaceOptions;
  private readonly factories: ConnectorFactories;
  private readonly hostnameOf: () => string;
  private endpoints: GlobusEndpoints | null = null;
  private endpointsLoadError: string | null = null;
  private entries: [string, ConnectorPolicyConfig][] = [];
  /** The last imported MultiConnector entries, exact: a save of their drafts takes unchanged configs from here. */
  private imported: [string, ConnectorPolicyConfig][] = [];
  private multiLoadError: string | null = null;
  private multi: MultiConnector = new MultiConnector([]);
  /** Built connectors by path + exact config, reused across rebuilds (a LocalConnector keeps its objects). */
  private readonly built = new Map<string, Connector>();
  private readonly keys = new Map<string, KeyRecord>();
  private readonly ready: Promise<void>;

  constructor(options: WorkspaceOptions) {
    this.options = options;
    this.endpointsFile = join(options.dir, ENDPOINTS_FILE);
    this.multiConfigFile = join(options.dir, MULTI_CONFIG_FILE);
    this.hostnameOf = options.hostname ?? currentHostname;
    const base = options.factories ?? defaultConnectorFactories;
    this.factories = Object.fromEntries(
      Object.entries(base).map(([path, factory]) => [
        path,
        (config: ExactJsonObject, deps: Parameters<typeof factory>[1]) => {
          const id = `${path}\n${stringifyExactJson(config, 0)}`;
          const existing = this.built.get(id);
          if (existing) return existing;
          const made = factory(config, deps);
          this.built.set(id, made);
          return made;
        },
      ]),
    );
    this.ready = this.load();
  }

  hostname(): string {
    return this.hostnameOf();
  }

  private async load(): Promise<void> {
    const problem = (file: string, error: unknown): string =>
      error instanceof JsonInputError ? error.message : `${file} could not be read: ${systemErrorPhrase(error) ?? messageOf(error)}`;
    try {
      const json = await readSavedJson(this.endpointsFile, ENDPOINTS_KIND, rejectRepeatedKeys(this.endpointsFile, ENDPOINTS_KIND, 'collection UUID'));
      const empty = json === null || (isExactJsonObject(json) && Object.keys(json).length === 0);
      this.endpoints = empty ? null : endpointsOfJson(json, this.endpointsFile);
    } catch (error) {
      this.endpointsLoadError = problem(this.endpointsFile, error);
    }
    try {
      const json = await readSavedJson(this.multiConfigFile, MULTI_KIND, rejectRepeatedKeys(this.multiConfigFile, MULTI_KIND, 'connector name'));
      if (json !== null) {
        const parsed = multiConfigOfJson(json, this.multiConfigFile);
        this.rebuild(parsed);
        this.entries = parsed.entries.map((e) => [e.name, e.config]);
      }
    } catch (error) {
      this.multiLoadError = problem(this.multiConfigFile, error);
    }
  }

  private rebuild(parsed: ParsedMultiConfig = parsedOfEntries(this.entries)): void {
    const broken = parsed.entries.find((e) => !e.policy);
    if (broken) throw new ConnectorConfigError(`Connector ${quoteValue(broken.name)}: ${broken.policyError ?? 'invalid policy'}`);
    this.multi = multiConnectorFromParsed(parsed, {
      factories: this.factories,
      hostname: this.hostnameOf,
      ...(this.options.transfer ? { transfer: this.options.transfer } : {}),
      ...(this.options.submitter ? { submitter: this.options.submitter } : {}),
      ...(this.options.env ? { env: this.options.env } : {}),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Globus endpoints

  async endpointsState(): Promise<EndpointsState> {
    await this.ready;
    const rows = rowsOfEndpoints(this.endpoints);
    return { hostname: this.hostname(), rows, check: checkEndpointRows(rows, this.hostname()), file: this.endpointsFile, loadError: this.endpointsLoadError };
  }

  checkEndpoints(rows: readonly EndpointRow[]): EndpointsCheck {
    return checkEndpointRows(rows, this.hostname());
  }

  async saveEndpoints(rows: readonly EndpointRow[]): Promise<EndpointsState> {
    await this.ready;
    const endpoints = endpointsFromRows(rows, this.hostname());
    await writeFileAtomic(this.endpointsFile, endpoints ? `${endpoints.toJson()}\n` : '{}\n');
    this.endpoints = endpoints;
    this.endpointsLoadError = null;
    return this.endpointsState();
  }

  /** Reads a ProxyStore GlobusEndpoints JSON file (every check of `from_json`) into checked draft rows; nothing is written. */
  async importEndpoints(source: JsonSource): Promise<EndpointsState> {
    await this.ready;
    const label = sourceLabel(source);
    const json = await readJsonSource(source, ENDPOINTS_KIND, rejectRepeatedKeys(label, ENDPOINTS_KIND, 'collection UUID'));
    const rows = rowsOfEndpoints(endpointsOfJson(json, label));
    return { hostname: this.hostname(), rows, check: checkEndpointRows(rows, this.hostname()), file: this.endpointsFile, loadError: this.endpointsLoadError };
  }

  async exportEndpoints(target: { readonly path?: string }): Promise<ExportResult> {
    await this.ready;
    if (!this.endpoints) throw new ConnectorConfigError('There are no Globus endpoints to export: ProxyStore needs at least one');
    const text = `${this.endpoints.toJson()}\n`;
    if (target.path) await writeUserFile(target.path, text, 'The export file');
    return { text, path: target.path ?? null };
  }

  // -------------------------------------------------------------------------------------------
  // MultiConnector config

  private drafts(): ConnectorDraft[] {
    return parsedOfEntries(this.entries).entries.map(draftOfEntry);
  }

  private draftOptions() {
    return { hostname: this.hostname(), factories: this.factories, previous: [...this.entries, ...this.imported] };
  }

  async connectorsState(): Promise<ConnectorsState> {
    await this.ready;
    const drafts = this.drafts();
    return {
      hostname: this.hostname(),
      drafts,
      check: this.checkDrafts(drafts),
      file: this.multiConfigFile,
      loadError: this.multiLoadError,
      defaults: { fileStoreDir: join(this.options.dir, 'file-store') },
    };
  }

  checkDrafts(drafts: readonly ConnectorDraft[]): ConnectorsCheck {
    return checkDrafts(drafts, this.draftOptions());
  }

  private async saveEntries(entries: [string, ConnectorPolicyConfig][]): Promise<void> {
    const parsed = parsedOfEntries(entries);
    const previous = this.entries;
    this.entries = entries;
    try {
      this.rebuild(parsed);
    } catch (error) {
      this.entries = previous;
      throw error;
    }
    await writeFileAtomic(this.multiConfigFile, `${stringifyMultiConfig(entries)}\n`);
    this.multiLoadError = null;
    this.imported = [];
  }

  async saveDrafts(drafts: readonly ConnectorDraft[]): Promise<ConnectorsState> {
    await this.ready;
    await this.saveEntries(entriesFromDrafts(drafts, this.draftOptions()));
    return this.connectorsState();
  }

  /**
   * Reads a MultiConnector config (Python `config()` / `from_config` shape) into drafts; nothing is
   * written. Unknown connector types stay, dormant with a warning; a bad policy is refused as in Python.
   */
  async importConfig(source: JsonSource): Promise<ConnectorsState> {
    await this.ready;
    const label = sourceLabel(source);
    const parsed = multiConfigOfJson(await readJsonSource(source, MULTI_KIND, rejectRepeatedKeys(label, MULTI_KIND, 'connector name')), label);
    this.imported = parsed.entries.map((e) => [e.name, e.config]);
    const drafts = parsed.entries.map(draftOfEntry);
    return { ...(await this.connectorsState()), drafts, check: this.checkDrafts(drafts) };
  }

  async exportConfig(target: { readonly path?: string }): Promise<ExportResult> {
    await this.ready;
    const text = `${stringifyMultiConfig(this.entries)}\n`;
    if (target.path) await writeUserFile(target.path, text, 'The export file');
    return { text, path: target.path ?? null };
  }

  async route(query: RouteQueryInput, drafts: readonly ConnectorDraft[] | null): Promise<RouteView> {
    await this.ready;
    if (drafts === null) return routeQuery(this.multi, query);
    return routeQuery(routingOnlyMultiConnector(drafts, this.draftOptions()), query);
  }

  // -------------------------------------------------------------------------------------------
  // Stage

  private signedIn(): boolean {
    return this.options.isSignedIn?.() ?? true;
  }

  private routeFor(sizeBytes: number, tags: PutTags): RouteView {
    if (this.entries.length === 0) return routeError('No connectors are configured yet: add one under Connectors');
    const result = this.multi.route({ sizeBytes, subsetTags: tags.subsetTags, supersetTags: tags.supersetTags });
    return routeView(result, BigInt(sizeBytes));
  }

  /** Name, size and route of each path; folders are expanded to the files beneath them. */
  async inspect(paths: readonly string[], tags: PutTags): Promise<StageInspection> {
    await this.ready;
    const files: StagedFile[] = [];
    const signedIn = this.signedIn();
    const add = (path: string, sizeBytes: number, error: string | null) => {
      const route = error ? routeError(error) : this.routeFor(sizeBytes, tags);
      files.push({ path, name: basename(path), sizeBytes, route, needsSignIn: !signedIn && route.chosenType === 'globus', error });
    };
    const walk = async (path: string): Promise<void> => {
      if (files.length >= MAX_STAGED_FILES) return;
      if (!isAbsolute(path)) {
        add(path, 0, `${path} is not an absolute path on this machine`);
        return;
      }
      let info;
      try {
        info = await stat(path);
      } catch (error) {
        add(path, 0, (error as { code?: unknown }).code === 'ENOENT' ? `${path} does not exist` : failureOn(path, 'Cannot read', error));
        return;
      }
      if (info.isDirectory()) {
        let names: string[];
        try {
          names = (await readdir(path)).sort();
        } catch (error) {
          add(path, 0, failureOn(path, 'Cannot list', error));
          return;
        }
        for (const name of names) await walk(join(path, name));
      } else if (info.isFile()) {
        add(path, info.size, null);
      } else {
        add(path, 0, `${path} is not a regular file`);
      }
    };
    for (const p of paths) await walk(p);
    return { files, signedIn };
  }

  /** Puts each file through the MultiConnector in turn, reporting progress; failures do not stop the rest. */
  async put(items: readonly PutItem[], tags: PutTags, onProgress: (p: PutProgress) => void = () => undefined): Promise<PutItemResult[]> {
    await this.ready;
    const interval = this.options.progressIntervalMs ?? 100;
    for (const item of items) onProgress({ id: item.id, path: item.path, state: 'queued', doneBytes: 0, totalBytes: 0, error: null });
    const results: PutItemResult[] = [];
    for (const item of items) {
      let total = 0;
      const fail = (error: string): void => {
        onProgress({ id: item.id, path: item.path, state: 'failed', doneBytes: 0, totalBytes: total, error });
        results.push({ id: item.id, path: item.path, keyId: null, connectorName: null, error });
      };
      try {
        if (!isAbsolute(item.path)) {
          fail(`${item.path} is not an absolute path on this machine`);
          continue;
        }
        const info = await stat(item.path);
        if (!info.isFile()) {
          fail(`${item.path} is not a regular file`);
          continue;
        }
        total = info.size;
        const route = this.routeFor(total, tags);
        if (route.chosen === null) {
          fail(route.message);
          continue;
        }
        if (route.chosenType === 'globus' && !this.signedIn()) {
          fail(`Sign in to Globus to put through ${route.chosen} (GlobusConnector)`);
          continue;
        }
        onProgress({ id: item.id, path: item.path, state: 'running', doneBytes: 0, totalBytes: total, error: null });
        let last = 0;
        const key = await this.multi.putFile(item.path, {
          subsetTags: tags.subsetTags,
          supersetTags: tags.supersetTags,
          onProgress: (done, of) => {
            const now = Date.now();
            if (now - last < interval || done >= of) return;
            last = now;
            onProgress({ id: item.id, path: item.path, state: 'running', doneBytes: done, totalBytes: of, error: null });
          },
        });
        const id = randomUUID();
        const connectorPath = this.multi.connector(key.connectorName)?.connectorPath ?? '';
        const view: StoredKey = {
          id,
          name: basename(item.path),
          sourcePath: item.path,
          sizeBytes: total,
          connectorName: key.connectorName,
          connectorType: connectorTypeOf(connectorPath),
          key: JSON.parse(JSON.stringify(key)) as unknown,
          putAt: Date.now(),
        };
        this.keys.set(id, { view, key });
        onProgress({ id: item.id, path: item.path, state: 'done', doneBytes: total, totalBytes: total, error: null });
        results.push({ id: item.id, path: item.path, keyId: id, connectorName: key.connectorName, error: null });
      } catch (error) {
        fail(failureOn(item.path, 'Could not put', error));
      }
    }
    this.keysChanged();
    return results;
  }

  listKeys(): StoredKey[] {
    return [...this.keys.values()].map((r) => r.view);
  }

  private keysChanged(): void {
    this.options.onKeysChanged?.(this.listKeys());
  }

  private record(id: string): KeyRecord {
    const r = this.keys.get(id);
    if (!r) throw new ConnectorConfigError('That key is no longer listed (it was evicted, or Ferry restarted)');
    return r;
  }

  /** A listed key (by id) or one pasted from Python, with the name a file of it gets. */
  private resolve(ref: KeyRef): { readonly key: MultiKey; readonly name: string; readonly listedId: string | null } {
    if (typeof ref === 'string') {
      const r = this.record(ref);
      return { key: r.key, name: r.view.name, listedId: ref };
    }
    const key = resolvePastedKey(this.multi, ref.pasted);
    const listed = [...this.keys.entries()].find(([, r]) => keysEqual(r.key, key));
    return { key, name: listed?.[1].view.name ?? basename(keyFileName(key)), listedId: listed?.[0] ?? null };
  }

  async exists(ref: KeyRef): Promise<boolean> {
    await this.ready;
    return this.multi.exists(this.resolve(ref).key);
  }

  /**
   * Writes the object to `destination` (a folder gets the staged file's name inside it); with no
   * destination, to a free name in the downloads folder.
   */
  async getToFile(ref: KeyRef, destination: string | null): Promise<GetToFileResult> {
    await this.ready;
    const r = this.resolve(ref);
    let path: string;
    if (destination === null) {
      path = await freePath(this.options.downloadsDir, r.name);
    } else {
      checkLocalPath(destination, 'The destination');
      const info = await stat(destination).catch(() => null);
      path = info?.isDirectory() ? join(destination, r.name) : destination;
    }
    try {
      await mkdir(dirname(path), { recursive: true });
      const written = await this.multi.getToFile(r.key, path);
      return { path, written };
    } catch (error) {
      throw explainFsError(error, path, 'write');
    }
  }

  async evict(ref: KeyRef): Promise<StoredKey[]> {
    await this.ready;
    const r = this.resolve(ref);
    try {
      await this.multi.evict(r.key);
    } catch (error) {
      throw explainFsError(error, r.name, 'remove');
    }
    if (r.listedId !== null) {
      this.keys.delete(r.listedId);
      this.keysChanged();
    }
    return this.listKeys();
  }

  /** Closes connections; never clears stores (the person's data stays where ProxyStore expects it). */
  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    for (const c of this.built.values()) {
      try {
        await c.close(false);
      } catch {
        // closing is best effort
      }
    }
    this.built.clear();
  }
}
