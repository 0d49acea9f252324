/**
 * Property-based fuzz suite for the contract (hardening issue): arguments derived from every
 * channel's zod schema, valid and malformed, sent through `dispatchInvoke` with a real core and
 * through a running `ferry serve` over HTTP and one WebSocket, plus raw attacks on the serve host.
 *
 * It asserts that the process stays up, that every answer is a 2xx (valid input) or a 4xx with a
 * code, kind and message (never a 5xx, an internal error or a dropped connection), and that the
 * saved settings are unchanged. Seeded (SEED) and bounded in runs and time.
 */
import fc from 'fast-check';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpStatusFor, isAppErrorShape } from '../../../shared/errors';
import { invokeContract, type InvokeChannel } from '../../../shared/ipc-contract';
import { jsonLimitProblem } from '../../../shared/json-limits';
import type { Core } from '../../core/app';
import { createTestCore } from '../../core/app/testing/test-core';
import { dispatchInvoke } from '../../core/kernel';
import { MAX_BODY, startServe, type RunningServe } from '../server';
import {
  HOST,
  WsClient,
  closeCodeOf,
  httpCall,
  rawExchange,
  rawWebSocket,
  sendLargeBody,
  sendThenRead,
  statusOf,
  upgradeRequest,
  withTimeout,
  wsFrame,
  type HttpAnswer,
  type WsAnswer,
} from './wire';
import { accepts, malformedArbitrary, summarize, validArbitrary, type Malformed } from './zod-arbitrary';

const SEED = 42;
/** Runs per channel and transport: about 2,000 calls in all. */
const RUNS = { directMalformed: 40, directValid: 15, wireMalformed: 12, wireValid: 6 } as const;
/** No single call may take longer than this (a hang is a failure, reported with its input). */
const CALL_TIMEOUT_MS = 4_000;
/** A property (runs and shrinking) stops after this: a failure found by then is reported, and so is running out of time. */
const PROPERTY_TIME_LIMIT_MS = 10_000;
const TOKEN = 'fuzz-suite-token-3f9c2a7d41b8e6f0';
const AUTH = { authorization: `Bearer ${TOKEN}` };

const channels = Object.keys(invokeContract) as InvokeChannel[];

/**
 * Channels whose valid calls change what the shared cores' checks compare (the saved settings) or
 * start servers: their valid calls run on a throwaway core of their own (see "side effects");
 * the shared cores still get their malformed calls.
 */
const SIDE_EFFECTS: ReadonlyMap<InvokeChannel, string> = new Map<InvokeChannel, string>([
  ['settings:update', 'changes the saved settings'],
  ['settings:reset', 'changes the saved settings'],
  ['object-stores:start', 'starts a ProxyStore endpoint server'],
  ['object-stores:start-relay', 'starts a relay server'],
]);
const plainChannels = channels.filter((c) => !SIDE_EFFECTS.has(c));

// ---------------------------------------------------------------------------------------------
// Shared state: a temp folder for everything, cwd inside it (a relative path a handler resolves
// lands there, not in the repo), ProxyStore's home inside it, and no Globus client id.

const originalCwd = process.cwd();
const originalEnv = { PROXYSTORE_HOME: process.env.PROXYSTORE_HOME, FERRY_GLOBUS_CLIENT_ID: process.env.FERRY_GLOBUS_CLIENT_ID };
const workDir = mkdtempSync(join(tmpdir(), 'ferry-fuzz-'));

beforeAll(() => {
  mkdirSync(join(workDir, 'cwd'), { recursive: true });
  try {
    process.chdir(join(workDir, 'cwd'));
  } catch {
    // Worker threads cannot chdir; the sandboxed absolute paths still keep valid calls in workDir.
  }
  process.env.PROXYSTORE_HOME = join(workDir, 'proxystore');
  delete process.env.FERRY_GLOBUS_CLIENT_ID;
});

afterAll(() => {
  process.chdir(originalCwd);
  for (const [key, value] of Object.entries(originalEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(workDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Arguments

/** What dispatchInvoke refuses before a handler runs: the JSON limits, then the schema. */
function refusedBy(channel: InvokeChannel): (args: unknown) => boolean {
  const schema = invokeContract[channel].args;
  return (args) => jsonLimitProblem(args) !== null || !accepts(schema, args);
}

/** Local paths inside `root`: a valid call never touches files outside the temp folder. */
function sandboxPaths(root: string): (value: unknown) => unknown {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (value.startsWith('/')) return root + value.replace(/\.\./g, '__');
      if (/^([A-Za-z]:[\\/]|\\\\)/.test(value)) return `${root}/${value.replace(/[\\:.]/g, '_')}`;
      return value;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk;
}

/**
 * Valid and malformed arguments for `channel`, local paths inside `sandbox`. With `wire`, malformed
 * means refused after the JSON round trip a transport makes (so `undefined` args, which a host
 * reads as `[]`, never reset the settings).
 */
function argsFor(channel: InvokeChannel, sandbox: string, wire = false): { valid: fc.Arbitrary<unknown>; malformed: fc.Arbitrary<Malformed> } {
  const schema = invokeContract[channel].args;
  const refusedHere = refusedBy(channel);
  const refused = wire ? (v: unknown) => refusedHere(overTheWire(v)) : refusedHere;
  const prepare = sandboxPaths(sandbox);
  return {
    valid: validArbitrary(schema)
      .map(prepare)
      .filter((v) => !refused(v)),
    malformed: malformedArbitrary(schema, { prepare, isRefused: refused }),
  };
}

/** What arrives at the server after JSON.stringify and JSON.parse (NaN becomes null, undefined goes). */
function overTheWire(args: unknown): unknown {
  const parsed = JSON.parse(JSON.stringify({ args })) as { args?: unknown };
  return parsed.args ?? [];
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Why `error` is not a proper refusal (an AppErrorShape, not internal, with code and message), or null. */
function errorProblem(error: unknown): string | null {
  if (!isAppErrorShape(error)) return `the error is not {code, kind, message}: ${summarize(error)}`;
  if (error.kind === 'internal') return `internal error (a bug): ${error.code}: ${error.message}`;
  if (error.code.trim() === '') return `empty code: ${summarize(error)}`;
  if (error.message.trim() === '') return `empty message: ${summarize(error)}`;
  return null;
}

function httpProblem(answer: HttpAnswer, refused: boolean): string | null {
  const body = answer.json as { result?: unknown; error?: unknown } | undefined;
  if (answer.status >= 200 && answer.status < 300) {
    if (refused) return `answered ${answer.status} to arguments the schema refuses: ${answer.text.slice(0, 200)}`;
    return body && 'result' in body ? null : `2xx without a result: ${answer.text.slice(0, 200)}`;
  }
  if (answer.status >= 400 && answer.status < 500) {
    const problem = errorProblem(body?.error);
    if (problem) return `status ${answer.status}: ${problem}`;
    const kind = (body?.error as { kind: Parameters<typeof httpStatusFor>[0] }).kind;
    if (httpStatusFor(kind) !== answer.status) return `status ${answer.status} does not match kind ${kind}`;
    return null;
  }
  return `status ${answer.status}: ${answer.text.slice(0, 300)}`;
}

function wsProblem(answer: WsAnswer, refused: boolean): string | null {
  switch (answer.type) {
    case 'reply':
      return refused ? `replied to arguments the schema refuses: ${summarize(answer.result)}` : null;
    case 'error': {
      const problem = errorProblem(answer.error);
      if (problem) return problem;
      const status = httpStatusFor((answer.error as { kind: Parameters<typeof httpStatusFor>[0] }).kind);
      return status >= 500 ? `error kind maps to ${status}: ${summarize(answer.error)}` : null;
    }
    case 'closed':
      return `the socket closed instead of answering (code ${answer.code} ${answer.reason})`;
    case 'other':
      return `answered with something that is not a reply: ${answer.frame}`;
  }
}

/** Runs a seeded, time-bounded property; on failure names the (shrunk) input and what went wrong. */
async function holds<T>(arb: fc.Arbitrary<T>, numRuns: number, show: (value: T) => string, predicate: (value: T) => Promise<void>): Promise<void> {
  const details = await fc.check<[T]>(fc.asyncProperty(arb, predicate), {
    seed: SEED,
    numRuns,
    plugins: [fc.interruptAfterTimeLimit(PROPERTY_TIME_LIMIT_MS, { failOnInterrupt: true })],
  });
  if (details.failed) {
    const input = details.counterexample ? show(details.counterexample[0]) : `(none: interrupted after ${PROPERTY_TIME_LIMIT_MS} ms before any input failed)`;
    const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    expect.fail(`after ${details.numRuns} runs and ${details.numShrinks} shrinks (seed ${details.seed}, path "${details.counterexamplePath}")\n  input: ${input}\n  got: ${why}`);
  }
}

/** Outcomes per transport and channel (ok, or the error code); printed when FERRY_FUZZ_STATS is set. */
const outcomes = new Map<string, Map<string, number>>();
function count(where: string, outcome: string): void {
  const byOutcome = outcomes.get(where) ?? new Map<string, number>();
  byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
  outcomes.set(where, byOutcome);
}
afterAll(() => {
  if (!process.env.FERRY_FUZZ_STATS) return;
  const lines = [...outcomes].map(([where, byOutcome]) => `${where}: ${[...byOutcome].map(([o, n]) => `${o}×${n}`).join(', ')}`);
  console.info(`fuzz outcomes:\n${lines.join('\n')}`);
});

const showMalformed = (m: Malformed) => `${m.how}: ${summarize(m.value)}`;

/** The settings as saved: the file (if any) and what the service reads. */
function savedSettings(core: Core, file: string): string {
  return JSON.stringify({ file: existsSync(file) ? readFileSync(file, 'utf8') : null, value: core.settings.get() });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name));
}

// ---------------------------------------------------------------------------------------------

describe('fuzz: dispatchInvoke with a real core (not signed in)', () => {
  const dataDir = join(workDir, 'direct');
  const sandbox = join(dataDir, 'sandbox');
  let saved: () => Record<string, unknown> = () => ({});
  let core: Core;
  let before = '';

  beforeAll(() => {
    mkdirSync(sandbox, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, PROXYSTORE_HOME: join(dataDir, 'proxystore') };
    delete env.FERRY_GLOBUS_CLIENT_ID;
    const test = createTestCore(dataDir, 'serve', { env });
    core = test.core;
    saved = test.savedSettings;
    before = JSON.stringify({ store: saved(), value: core.settings.get() });
  });

  afterAll(async () => {
    await core?.dispose();
  });

  for (const channel of channels) {
    it(`${channel}: malformed arguments are refused as invalid, never internal`, async () => {
      const { malformed } = argsFor(channel, sandbox);
      await holds(malformed, RUNS.directMalformed, showMalformed, async (m) => {
        const r = await withTimeout(dispatchInvoke(core.handlers, channel, m.value), CALL_TIMEOUT_MS, channel);
        if (r.ok) throw new Error(`accepted, result ${summarize(r.result)}`);
        const problem = errorProblem(r.error);
        if (problem) throw new Error(problem);
        if (r.error.kind !== 'invalid' && r.error.kind !== 'too-large') throw new Error(`refused as ${r.error.kind}, not invalid: ${r.error.code}: ${r.error.message}`);
      });
    });

  }

  for (const channel of plainChannels) {
    it(`${channel}: valid arguments answer or fail with a non-internal error`, async () => {
      const { valid } = argsFor(channel, sandbox);
      await holds(valid, RUNS.directValid, summarize, async (args) => {
        const r = await withTimeout(dispatchInvoke(core.handlers, channel, args), CALL_TIMEOUT_MS, channel);
        count(`direct valid ${channel}`, r.ok ? 'ok' : `${r.error.kind}:${r.error.code}`);
        if (r.ok) {
          JSON.stringify(r.result);
          return;
        }
        const problem = errorProblem(r.error);
        if (problem) throw new Error(problem);
      });
    });
  }

  it('side effects: valid calls that save settings or start servers run on a throwaway core, and answer or fail with a non-internal error', async () => {
    const throwawayDir = join(workDir, 'side-effects');
    const throwawaySandbox = join(throwawayDir, 'sandbox');
    mkdirSync(throwawaySandbox, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, PROXYSTORE_HOME: join(throwawayDir, 'proxystore') };
    delete env.FERRY_GLOBUS_CLIENT_ID;
    const throwaway = createTestCore(throwawayDir, 'serve', { env }).core;
    try {
      for (const channel of SIDE_EFFECTS.keys()) {
        const { valid } = argsFor(channel, throwawaySandbox);
        await holds(valid, RUNS.directValid, summarize, async (args) => {
          const r = await withTimeout(dispatchInvoke(throwaway.handlers, channel, args), CALL_TIMEOUT_MS, channel);
          count(`side-effect valid ${channel}`, r.ok ? 'ok' : `${r.error.kind}:${r.error.code}`);
          if (r.ok) return;
          const problem = errorProblem(r.error);
          if (problem) throw new Error(`${channel}: ${problem}`);
        });
      }
    } finally {
      // Stops whatever servers the valid calls started.
      await throwaway.dispose();
    }
  });

  it('unknown channels (prototype names, near misses, non-strings) are refused as invalid', async () => {
    const names = fc.oneof(
      fc.constantFrom<unknown>('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'settings:update ', 'SETTINGS:GET', 'app:get-info\u0000', ''),
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await holds(
      names.filter((n) => typeof n !== 'string' || !Object.prototype.hasOwnProperty.call(invokeContract, n)),
      60,
      summarize,
      async (channel) => {
        const r = await withTimeout(dispatchInvoke(core.handlers, channel, []), CALL_TIMEOUT_MS, 'unknown channel');
        if (r.ok) throw new Error(`accepted, result ${summarize(r.result)}`);
        if (r.error.kind !== 'invalid') throw new Error(`refused as ${r.error.kind}: ${r.error.message}`);
        const problem = errorProblem(r.error);
        if (problem) throw new Error(problem);
      },
    );
  });

  it('a path the contract takes as absolute (C:\\…, \\\\server\\…) is never written relative to the cwd', async () => {
    const cwd = process.cwd();
    // The cwd is our temp folder (forks pool): a failure must not write into the repo.
    expect(cwd.startsWith(workDir)).toBe(true);
    const before = new Set(readdirSync(cwd));
    for (const path of ['C:\\fuzz-export.json', 'C:/fuzz-export.json', '\\\\fuzz-server\\share\\x.json']) {
      const r = await withTimeout(dispatchInvoke(core.handlers, 'connectors:export', [{ path }]), CALL_TIMEOUT_MS, 'connectors:export');
      if (!r.ok) expect(errorProblem(r.error), path).toBeNull();
    }
    expect(readdirSync(cwd).filter((name) => !before.has(name)), `files written into the cwd ${cwd}`).toEqual([]);
  });

  it('the saved settings are unchanged after the run', () => {
    expect(JSON.stringify({ store: saved(), value: core.settings.get() })).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------

describe('fuzz: ferry serve', () => {
  const dataDir = join(workDir, 'serve');
  const sandbox = join(dataDir, 'sandbox');
  let serve: RunningServe;
  let agent: Agent;
  let before = '';
  const settingsFile = join(dataDir, 'settings.json');

  const invokeHttp = (body: string) => httpCall({ port: serve.port, path: '/api/invoke', agent, headers: { ...AUTH, 'content-type': 'application/json' }, body });
  /** The HTTP bridge takes the same invoke envelope as the WebSocket. */
  const envelope = (channel: string, args: unknown) => JSON.stringify({ type: 'invoke', id: 1, channel, args });

  /** The host still answers a valid call over HTTP. */
  const expectServeUp = async () => {
    const answer = await withTimeout(
      httpCall({ port: serve.port, path: '/api/invoke', headers: { ...AUTH, 'content-type': 'application/json' }, body: envelope('app:get-info', []) }),
      CALL_TIMEOUT_MS,
      'app:get-info after the attack',
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ result: { name: 'Ferry', host: 'serve' } });
  };

  beforeAll(async () => {
    mkdirSync(sandbox, { recursive: true });
    mkdirSync(join(dataDir, 'no-renderer'), { recursive: true });
    serve = await startServe({ dataDir, rendererDir: join(dataDir, 'no-renderer'), port: 0, version: '0.0.0-fuzz', token: TOKEN });
    agent = new Agent({ keepAlive: true, maxSockets: 2 });
    before = savedSettings(serve.core, settingsFile);
  });

  afterAll(async () => {
    agent?.destroy();
    await serve?.close();
  });

  describe('over HTTP (POST /api/invoke)', () => {
    for (const channel of channels) {
      const refused = refusedBy(channel);
      it(`${channel}: malformed arguments get a 4xx with code, kind and message`, async () => {
        const { malformed } = argsFor(channel, sandbox, true);
        await holds(malformed, RUNS.wireMalformed, showMalformed, async (m) => {
          const answer = await withTimeout(invokeHttp(envelope(channel, m.value)), CALL_TIMEOUT_MS, channel);
          const problem = httpProblem(answer, refused(overTheWire(m.value)));
          if (problem) throw new Error(problem);
        });
      });

    }

    for (const channel of plainChannels) {
      it(`${channel}: valid arguments get a 2xx or a 4xx`, async () => {
        const { valid } = argsFor(channel, sandbox);
        await holds(valid, RUNS.wireValid, summarize, async (args) => {
          const answer = await withTimeout(invokeHttp(envelope(channel, args)), CALL_TIMEOUT_MS, channel);
          const code = (answer.json as { error?: { code?: unknown } } | undefined)?.error?.code;
          count(`http valid ${channel}`, `${answer.status}${typeof code === 'string' ? `:${code}` : ''}`);
          const problem = httpProblem(answer, false);
          if (problem) throw new Error(problem);
        });
      });
    }

    it('junk bodies (not JSON, not an object, odd channel and args) get a 4xx with code, kind and message', async () => {
      const body = fc.oneof(
        fc.constantFrom('', 'null', '[]', '"x"', '1', '{', '{"channel":', '\u0000', '{"channel":"__proto__","args":[]}', '{"channel":"constructor"}', '{"channel":["app:get-info"],"args":[]}'),
        fc.string({ maxLength: 60 }),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
        fc.record({ channel: fc.jsonValue({ maxDepth: 1 }), args: fc.jsonValue({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
        fc.record({ type: fc.constantFrom('invoke', 'reply', 'event'), id: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), channel: fc.jsonValue({ maxDepth: 1 }), args: fc.jsonValue({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
      );
      await holds(body, 40, (b) => summarize(b), async (text) => {
        const answer = await withTimeout(invokeHttp(text), CALL_TIMEOUT_MS, 'junk body');
        const problem = httpProblem(answer, true);
        if (problem) throw new Error(problem);
      });
    });
  });

  describe('over one WebSocket (/api/ws)', () => {
    let ws: WsClient | null = null;
    const socket = async (): Promise<WsClient> => {
      if (!ws?.isOpen) ws = await WsClient.open(serve.port, AUTH);
      return ws;
    };
    afterAll(async () => {
      await ws?.close();
    });

    /** One invoke: frames over the host's limit must end the socket with 1009; all else gets an answer. */
    const invokeWs = async (channel: InvokeChannel, args: unknown, refused: boolean) => {
      const client = await socket();
      const { frameBytes, answer } = client.invoke(channel, args);
      const got = await withTimeout(answer, CALL_TIMEOUT_MS, channel);
      if (frameBytes > MAX_BODY) {
        if (got.type !== 'closed' || got.code !== 1009) throw new Error(`a ${frameBytes}-byte frame (over ${MAX_BODY}) was not closed with 1009: ${summarize(got)}`);
        return;
      }
      const problem = wsProblem(got, refused);
      if (problem) throw new Error(problem);
    };

    for (const channel of channels) {
      const refused = refusedBy(channel);
      it(`${channel}: malformed arguments get an error envelope with code, kind and message`, async () => {
        const { malformed } = argsFor(channel, sandbox, true);
        await holds(malformed, RUNS.wireMalformed, showMalformed, (m) => invokeWs(channel, m.value, refused(overTheWire(m.value))));
      });

    }

    for (const channel of plainChannels) {
      it(`${channel}: valid arguments get a reply or a 4xx-kind error`, async () => {
        const { valid } = argsFor(channel, sandbox);
        await holds(valid, RUNS.wireValid, summarize, (args) => invokeWs(channel, args, false));
      });
    }
  });

  describe('raw attacks', () => {
    const badCookie = () => `ferry-token-${serve.port}=%E0%A4%A`;

    it('a malformed token cookie on HTTP is refused with 401/400 and the host stays up', async () => {
      for (const [method, path] of [
        ['POST', '/api/invoke'],
        ['GET', '/'],
        ['POST', '/api/upload?name=a.bin'],
      ] as const) {
        const answer = await withTimeout(
          httpCall({ port: serve.port, path, method, headers: { cookie: badCookie(), 'content-type': 'application/json' }, body: envelope('app:get-info', []) }),
          CALL_TIMEOUT_MS,
          `${method} ${path}`,
        );
        expect([400, 401], `${method} ${path} answered ${answer.status}`).toContain(answer.status);
      }
      await expectServeUp();
    });

    it('a malformed token cookie on a WebSocket upgrade (no token) is refused with 401/400 and the host stays up', async () => {
      const got = await rawExchange(serve.port, [upgradeRequest(serve.port, [`Cookie: ${badCookie()}`])], CALL_TIMEOUT_MS);
      expect(got.closed, 'the server left the refused upgrade open').toBe(true);
      expect([400, 401], `answered ${got.data.toString('latin1').slice(0, 80)}`).toContain(statusOf(got.data));
      await expectServeUp();
    });

    it('the request line `GET http://[ HTTP/1.1` gets 400, as HTTP and as an upgrade, and the host stays up', async () => {
      const plain = [`GET http://[ HTTP/1.1`, `Host: ${HOST}:${serve.port}`, `Authorization: Bearer ${TOKEN}`, 'Connection: close', '', ''].join('\r\n');
      const http = await rawExchange(serve.port, [plain], CALL_TIMEOUT_MS);
      expect(statusOf(http.data), `HTTP answered ${http.data.toString('latin1').slice(0, 80)}`).toBe(400);
      const upgrade = await rawExchange(serve.port, [upgradeRequest(serve.port, [`Authorization: Bearer ${TOKEN}`], 'http://[')], CALL_TIMEOUT_MS);
      expect(statusOf(upgrade.data), `upgrade answered ${upgrade.data.toString('latin1').slice(0, 80)}`).toBe(400);
      expect(upgrade.closed, 'the server left the refused upgrade open').toBe(true);
      await expectServeUp();
    });

    const junkFrames: readonly (readonly [string, string, boolean])[] = [
      ['null', 'null', false],
      ['1', '1', false],
      ['[]', '[]', false],
      ['{}', '{}', false],
      ['{"type":"invoke"}', '{"type":"invoke"}', false],
      ['binary null', 'null', true],
      ['invalid JSON', '{"type":"invoke","id":1,', false],
      ['an id but no channel', '{"type":"invoke","id":7}', false],
      ['an unknown key', '{"type":"invoke","id":8,"channel":"app:get-info","args":[],"extra":1}', false],
      ['a negative id', '{"type":"invoke","id":-1,"channel":"app:get-info","args":[]}', false],
      ['a huge id', '{"type":"invoke","id":1e300,"channel":"app:get-info","args":[]}', false],
      ['channel __proto__', '{"type":"invoke","id":9,"channel":"__proto__","args":[]}', false],
      ['channel constructor', '{"type":"invoke","id":10,"channel":"constructor","args":[]}', false],
      ['a reply envelope', '{"type":"reply","id":11,"result":1}', false],
    ];
    for (const [name, data, binary] of junkFrames) {
      it(`WebSocket frame ${name}: an error envelope or a policy close (not a drop), and the host stays up`, async () => {
        const client = await WsClient.open(serve.port, AUTH);
        try {
          const got = await withTimeout(client.sendRaw(data, binary), CALL_TIMEOUT_MS, name);
          if (got.type === 'closed') {
            expect([1003, 1007, 1008], `closed with ${got.code} ${got.reason}`).toContain(got.code);
            expect(got.reason, 'the close frame says why').not.toBe('');
          } else {
            expect(got.type, `answered ${summarize(got)}`).toBe('error');
            expect(errorProblem((got as { error: unknown }).error)).toBeNull();
            expect((got as { error: { kind: string } }).error.kind).toBe('invalid');
          }
        } finally {
          await client.close();
        }
        await expectServeUp();
      });
    }

    const rawFrames: readonly (readonly [string, Buffer])[] = [
      ['an unmasked text frame', wsFrame(0x1, 'hello', { mask: false })],
      ['RSV1 set without an extension', wsFrame(0x1, 'hello', { rsv1: true })],
      ['reserved opcode 3', wsFrame(0x3, 'x')],
      ['invalid UTF-8 in a text frame', wsFrame(0x1, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))],
      ['close code 999', wsFrame(0x8, Buffer.from([0x03, 0xe7]))],
      ['a fragmented ping', wsFrame(0x9, 'p', { fin: false })],
      ['a frame declaring 10 MB', wsFrame(0x1, '', { declaredLength: 10 * 1024 * 1024 })],
    ];
    for (const [name, frame] of rawFrames) {
      it(`raw WebSocket frame: ${name} closes the socket and the host stays up`, async () => {
        const opened = await rawWebSocket(serve.port, `Bearer ${TOKEN}`, CALL_TIMEOUT_MS);
        opened.socket.write(frame);
        const closed = await withTimeout(opened.closed, CALL_TIMEOUT_MS, `close after ${name}`).catch((error: unknown) => {
          opened.socket.destroy();
          throw error;
        });
        // The close code the server sent (if it got one out) is informative, not asserted.
        expect([null, 1002, 1007, 1009], `close code ${closeCodeOf(closed.data)}`).toContain(closeCodeOf(closed.data));
        await expectServeUp();
      });
    }

    for (const mode of ['Content-Length', 'chunked'] as const) {
      it(`a 10 MB /api/invoke body (${mode}) sent whole before reading is answered 413, no EPIPE/ECONNRESET, 20 times in a row`, async () => {
        const size = 10 * 1024 * 1024;
        const head = [
          'POST /api/invoke HTTP/1.1',
          `Host: ${HOST}:${serve.port}`,
          `Authorization: Bearer ${TOKEN}`,
          'Content-Type: application/json',
          mode === 'Content-Length' ? `Content-Length: ${size}` : 'Transfer-Encoding: chunked',
          '',
          '',
        ].join('\r\n');
        for (let i = 0; i < 20; i += 1) {
          const got = await sendThenRead(serve.port, head, size, mode === 'chunked', CALL_TIMEOUT_MS * 2);
          const what = `#${i + 1}: wrote ${got.bodyWritten} bytes, write error ${got.writeError ?? 'none'}, read error ${got.readError ?? 'none'}, answer ${JSON.stringify(got.data.toString('latin1').slice(0, 60))}`;
          expect(got.closed, `${what}: the server neither answered nor closed`).toBe(true);
          expect(statusOf(got.data), what).toBe(413);
          expect(got.writeError, what).toBeUndefined();
          const text = got.data.toString('utf8');
          const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error?: unknown };
          expect(errorProblem(body.error)).toBeNull();
          expect(body.error).toMatchObject({ kind: 'too-large' });
        }
        await expectServeUp();
      });
    }

    it('an upload refused for its name (10 MB body sent whole before reading) is answered 400, no EPIPE/ECONNRESET', async () => {
      const size = 10 * 1024 * 1024;
      const head = [
        'POST /api/upload?name=.. HTTP/1.1',
        `Host: ${HOST}:${serve.port}`,
        `Authorization: Bearer ${TOKEN}`,
        `Content-Length: ${size}`,
        '',
        '',
      ].join('\r\n');
      const got = await sendThenRead(serve.port, head, size, false, CALL_TIMEOUT_MS * 2);
      const what = `wrote ${got.bodyWritten} bytes, write error ${got.writeError ?? 'none'}, answer ${JSON.stringify(got.data.toString('latin1').slice(0, 60))}`;
      expect(statusOf(got.data), what).toBe(400);
      expect(got.writeError, what).toBeUndefined();
      expect(filesUnder(join(dataDir, 'uploads'))).toEqual([]);
      await expectServeUp();
    });

    it('an upload declaring Content-Length 1000000000000000 gets 413 and leaves no file under <dataDir>/uploads', async () => {
      const got = await withTimeout(
        sendLargeBody({ port: serve.port, path: '/api/upload?name=fuzz.bin', headers: AUTH, send: 64 * 1024, declare: 1_000_000_000_000_000 }),
        CALL_TIMEOUT_MS,
        'huge upload',
      );
      expect(got.errorBeforeStatus).toBeUndefined();
      expect(got.status).toBe(413);
      expect(errorProblem((JSON.parse(got.text ?? '') as { error?: unknown }).error)).toBeNull();
      expect(filesUnder(join(dataDir, 'uploads'))).toEqual([]);
      expect(filesUnder(join(serve.core.stateDir, 'uploads'))).toEqual([]);
      await expectServeUp();
    });
  });

  it('after the run: the saved settings are unchanged and app:get-info still answers over HTTP and WebSocket', async () => {
    expect(savedSettings(serve.core, settingsFile)).toBe(before);
    await expectServeUp();
    const client = await WsClient.open(serve.port, AUTH);
    try {
      const got = await withTimeout(client.invoke('app:get-info', []).answer, CALL_TIMEOUT_MS, 'app:get-info over WebSocket');
      expect(got).toMatchObject({ type: 'reply', result: { name: 'Ferry' } });
    } finally {
      await client.close();
    }
  });
});
