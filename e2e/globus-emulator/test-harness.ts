/**
 * Test helpers: start an emulator in a temp folder, point @globus/sdk at it, and sign in through
 * the SDK's own PKCE flow (the consent page is "clicked" the way a browser would submit it).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { auth, authorization } from '@globus/sdk';
import {
  EMULATOR_DEFAULT_CLIENT_ID,
  TRANSFER_SCOPE,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from './index';

export const LOOPBACK_REDIRECT = 'http://127.0.0.1:8765/callback';

export interface Harness {
  readonly emulator: RunningEmulator;
  readonly root: string;
  close(): Promise<void>;
}

/** Starts an emulator on port 0 in a fresh temp folder and exports the SDK's service URLs. */
export async function startHarness(options: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'ferry-emulator-')));
  const emulator = await startEmulator({ retryIntervalMs: 100, ...options, root });
  Object.assign(process.env, emulator.env);
  return {
    emulator,
    root,
    close: async () => {
      await emulator.close();
      if (!options.root) await rm(root, { recursive: true, force: true });
    },
  };
}

export interface AuthorizeParams {
  readonly scope?: string;
  readonly redirectUri?: string;
  readonly clientId?: string;
  readonly verifier?: string;
}

/** The browser part of the flow: open the authorize URL, press "Allow", return the redirect target. */
export async function consent(params: AuthorizeParams = {}): Promise<{ code: string; state: string; verifier: string; redirectUri: string; clientId: string }> {
  const verifier = params.verifier ?? randomBytes(32).toString('base64url');
  const clientId = params.clientId ?? EMULATOR_DEFAULT_CLIENT_ID;
  const redirectUri = params.redirectUri ?? LOOPBACK_REDIRECT;
  const state = randomBytes(8).toString('hex');
  const url = new URL(auth.getAuthorizationEndpoint());
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: params.scope ?? `openid profile email ${TRANSFER_SCOPE}`,
    response_type: 'code',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    access_type: 'offline',
  }).toString();
  const page = await (await fetch(url)).text();
  const request = /name="request" value="([^"]+)"/.exec(page)?.[1];
  if (!request || !page.includes('>Allow</button>')) throw new Error(`No consent form in:\n${page}`);
  const decision = await fetch(new URL('/v2/oauth2/authorize/decision', url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, decision: 'allow' }),
    redirect: 'manual',
  });
  const location = decision.headers.get('location');
  if (location) {
    const target = new URL(location);
    return { code: target.searchParams.get('code') ?? '', state: target.searchParams.get('state') ?? '', verifier, redirectUri, clientId };
  }
  const html = await decision.text();
  const code = /id="auth-code">([^<]+)</.exec(html)?.[1] ?? '';
  return { code, state, verifier, redirectUri, clientId };
}

export interface TokenResponse {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly expires_in: number;
  readonly resource_server: string;
  readonly scope: string;
  readonly token_type: string;
  readonly id_token?: string;
  readonly other_tokens: readonly TokenResponse[];
}

/** Full PKCE sign-in through @globus/sdk; returns the token response and a manager holding it. */
export async function signIn(params: AuthorizeParams = {}): Promise<{ tokens: TokenResponse; manager: authorization.AuthorizationManager }> {
  const grant = await consent(params);
  const response = await auth.oauth2.token.exchange({
    payload: {
      grant_type: 'authorization_code',
      code: grant.code,
      code_verifier: grant.verifier,
      redirect_uri: grant.redirectUri,
      client_id: grant.clientId,
    },
  });
  if (!response.ok) throw new Error(`token exchange failed: ${response.status} ${await response.text()}`);
  const tokens = (await response.json()) as TokenResponse;
  const manager = authorization.create({ client: grant.clientId, redirect: grant.redirectUri, scopes: TRANSFER_SCOPE });
  manager.addTokenResponse(tokens as unknown as Parameters<typeof manager.addTokenResponse>[0]);
  return { tokens, manager };
}

export function transferToken(tokens: TokenResponse): string {
  const t = [tokens, ...tokens.other_tokens].find((x) => x.resource_server === 'transfer.api.globus.org');
  if (!t) throw new Error('no transfer token');
  return t.access_token;
}

/** Bounded polling of a condition; never a fixed sleep. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Makes the next transfer of `/slow/big.bin` (1 MiB, written here below `srcRoot`) take minutes,
 * so a test can act on a task that is certainly still running. Call `release()` to let it finish.
 */
export async function slowFile(h: Harness, srcRoot: string): Promise<{ item: { source_path: string; destination_path: string }; release: () => Promise<void> }> {
  await writeTree(srcRoot, { 'slow/big.bin': Buffer.alloc(1 << 20, 3) });
  await h.emulator.control.settings({ bandwidthBytesPerSecond: 4096 });
  return {
    item: { source_path: '/slow/big.bin', destination_path: '/slow/big.bin' },
    release: () => h.emulator.control.settings({ bandwidthBytesPerSecond: null }),
  };
}

/** Writes files (path -> content) below a folder. */
export async function writeTree(base: string, files: Readonly<Record<string, string | Buffer>>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const file = join(base, rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}
