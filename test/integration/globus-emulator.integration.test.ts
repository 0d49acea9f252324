/**
 * The sign-in and Transfer services (electron/core/globus) against the real Globus emulator (e2e/globus-emulator):
 * the consent page's Allow button, PKCE, refresh after the emulator expires every token,
 * ConsentRequired then consent, and revocation at logout.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEMO_DESTINATION_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_ID,
  EMULATOR_DEFAULT_CLIENT_ID,
  EMULATOR_DEFAULT_USER,
  approveConsent,
  startEmulator,
  type RunningEmulator,
} from '../../e2e/globus-emulator/index';
import { transfer as sdkTransfer } from '@globus/sdk';
import {
  ConsentRequiredError,
  createGlobusAuth,
  createTransferService,
  plainFileCipher,
  withSdkEnvironment,
  type AccountStatus,
  type GlobusAuth,
  type GlobusEnvironment,
  type TransferService,
} from '../../electron/core/globus';

/** What a person does in the browser: open the consent page and click Allow. */
const clickAllow = (authorizeUrl: string): Promise<Response> => approveConsent(authorizeUrl);

describe('Globus sign-in and Transfer against the emulator', () => {
  let emulator: RunningEmulator;
  let dir: string;
  let env: GlobusEnvironment;
  let auth: GlobusAuth;
  let transfer: TransferService;
  let statuses: AccountStatus[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-globus-emu-'));
    emulator = await startEmulator({ root: join(dir, 'emulator') });
    env = { kind: 'custom', authUrl: emulator.authBaseUrl, transferUrl: emulator.transferBaseUrl };
    auth = createGlobusAuth({
      tokenFile: join(dir, 'ferry', 'globus-tokens.json'),
      cipher: plainFileCipher(),
      environment: () => env,
      clientId: () => EMULATOR_DEFAULT_CLIENT_ID,
      openBrowser: async (url) => {
        await clickAllow(url);
      },
      loginTimeoutMs: 15_000,
    });
    statuses = [];
    auth.onStatus((s) => statuses.push(s));
    transfer = createTransferService({ auth, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
  });

  afterEach(async () => {
    await auth.dispose();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('signs in by clicking Allow, lists a collection with sizes and times, creates a folder', async () => {
    const status = await auth.login();
    expect(status.state).toBe('signed-in');
    expect(status.identity).toMatchObject({ sub: EMULATOR_DEFAULT_USER.sub, username: EMULATOR_DEFAULT_USER.username });
    expect(status.accessTokenExpiresAt).toBeGreaterThan(Date.now());

    const made = await transfer.mkdir(DEMO_DESTINATION_COLLECTION_ID, '/ferry-made/');
    expect(made.code).toBe('DirectoryCreated');
    const listing = await transfer.ls(DEMO_DESTINATION_COLLECTION_ID, '/');
    const entry = listing.DATA.find((e) => e.name === 'ferry-made');
    expect(entry).toMatchObject({ type: 'dir' });
    expect(typeof entry?.size).toBe('number');
    expect(entry?.last_modified).toMatch(/^\d{4}-\d{2}-\d{2}/);
    await expect(transfer.mkdir(DEMO_DESTINATION_COLLECTION_ID, '/ferry-made/')).rejects.toMatchObject({
      code: 'ExternalError.MkdirFailed.Exists',
    });

    const found = await transfer.searchCollections('Ferry Demo');
    expect(found.DATA.map((c) => c.id)).toContain(DEMO_SOURCE_COLLECTION_ID);
    expect((await transfer.getCollection(DEMO_SOURCE_COLLECTION_ID)).display_name).toBe('Ferry Demo Source');

    for (const s of statuses) auth.assertNoSecrets(s);
    auth.assertNoSecrets(listing);
  });

  it('signs in with the paste-the-code page', async () => {
    const { url } = await auth.beginPasteLogin();
    expect(new URL(url).searchParams.get('redirect_uri')).toBe(`${emulator.authBaseUrl}/v2/web/auth-code`);
    const html = await (await clickAllow(url)).text();
    const code = /id="auth-code">([^<]+)</.exec(html)?.[1];
    expect(code).toBeTruthy();
    expect((await auth.completePasteLogin(code ?? '')).state).toBe('signed-in');
  });

  it('keeps working through refresh after the emulator expires every token', async () => {
    await auth.login();
    await transfer.ls(DEMO_SOURCE_COLLECTION_ID, '/');
    const before = auth.status().accessTokenExpiresAt;
    const eventsBefore = statuses.length;
    const { expired } = await emulator.control.expireTokens();
    expect(expired).toBeGreaterThan(0);
    const id = await transfer.getSubmissionId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(auth.status().state).toBe('signed-in');
    expect(auth.status().accessTokenExpiresAt).toBeGreaterThanOrEqual(before ?? 0);
    // The refresh announced itself (new expiry) without leaving signed-in.
    expect(statuses.length).toBeGreaterThan(eventsBefore);
    expect(statuses.slice(eventsBefore).every((s) => s.state === 'signed-in')).toBe(true);
  });

  it('asks for consent for the collection that needs it, then succeeds', async () => {
    await auth.login();
    await emulator.control.requireConsent(DEMO_SOURCE_COLLECTION_ID, true);
    const error = await transfer.ls(DEMO_SOURCE_COLLECTION_ID, '/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect((error as ConsentRequiredError).collectionIds).toEqual([DEMO_SOURCE_COLLECTION_ID]);
    expect((error as ConsentRequiredError).requestId).toBeTruthy();

    const listing = await auth.retryAfterConsent(() => transfer.ls(DEMO_SOURCE_COLLECTION_ID, '/'));
    expect(Array.isArray(listing.DATA)).toBe(true);
    expect(auth.status().consentedCollections).toEqual([DEMO_SOURCE_COLLECTION_ID]);
  });

  it('submits, tracks and lists tasks; a reused submission id is a Duplicate', async () => {
    await auth.login();
    const source = emulator.collections.find((c) => c.id === DEMO_SOURCE_COLLECTION_ID);
    if (!source) throw new Error('no demo source collection');
    await mkdir(join(source.root, 'run1'), { recursive: true });
    await writeFile(join(source.root, 'run1', 'a.dat'), 'x'.repeat(1000));

    const submissionId = await transfer.getSubmissionId();
    const doc = {
      source_endpoint: DEMO_SOURCE_COLLECTION_ID,
      destination_endpoint: DEMO_DESTINATION_COLLECTION_ID,
      submission_id: submissionId,
      label: 'Ferry test',
      notify_on_succeeded: false,
      DATA: [{ source_path: '/run1/', destination_path: '/run1/', recursive: true }],
    };
    const submitted = await transfer.submitTransfer(doc);
    expect(submitted).toMatchObject({ code: 'Accepted', submission_id: submissionId });
    const again = await transfer.submitTransfer(doc);
    expect(again).toMatchObject({ code: 'Duplicate', task_id: submitted.task_id });

    await vi.waitFor(async () => expect((await transfer.getTask(submitted.task_id)).status).toBe('SUCCEEDED'), { timeout: 10_000, interval: 50 });
    const files = await transfer.successfulTransfers(submitted.task_id);
    expect(files.DATA.map((f) => f.destination_path)).toContain('/run1/a.dat');
    const events = await transfer.taskEvents(submitted.task_id, { limit: 10 });
    expect(events.DATA.length).toBeGreaterThan(0);
    expect((await transfer.skippedErrors(submitted.task_id)).DATA).toEqual([]);
    const listed = await transfer.listTasks({ filter: 'type:TRANSFER', limit: 10 });
    expect(listed.DATA.map((t) => t.task_id)).toContain(submitted.task_id);
    expect((await transfer.cancelTask(submitted.task_id)).code).toBe('TaskComplete');

    const removal = await transfer.submitDelete({
      endpoint: DEMO_DESTINATION_COLLECTION_ID,
      submission_id: await transfer.getSubmissionId(),
      recursive: true,
      DATA: [{ path: '/run1/' }],
    });
    expect(removal.code).toBe('Accepted');
    await vi.waitFor(async () => expect((await transfer.getTask(removal.task_id)).status).toBe('SUCCEEDED'), { timeout: 10_000, interval: 50 });
    await transfer.rename(DEMO_SOURCE_COLLECTION_ID, '/run1/a.dat', '/run1/b.dat');
    expect((await transfer.ls(DEMO_SOURCE_COLLECTION_ID, '/run1/')).DATA.map((e) => e.name)).toEqual(['b.dat']);
  });

  it('logout revokes the tokens at Globus and deletes the token file', async () => {
    await auth.login();
    // The Transfer token as signed in: with the plain cipher the token file can be read here
    // (a GlobusAuth hands no token out of electron/core/globus).
    const stored = JSON.parse(await readFile(join(dir, 'ferry', 'globus-tokens.json'), 'utf8')) as {
      tokens: Record<string, { access_token: string }>;
    };
    const token = stored.tokens['transfer.api.globus.org']?.access_token;
    if (!token) throw new Error('the token file holds no Transfer token');
    const header = `Bearer ${token}`;
    const status = await auth.logout();
    expect(status.state).toBe('signed-out');
    expect(status.message).toBeNull();
    await expect(stat(join(dir, 'ferry', 'globus-tokens.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    // The old token no longer opens anything.
    const response = await withSdkEnvironment(env, () => sdkTransfer.taskSubmission.submissionId({ headers: { Authorization: header } }));
    expect(response.status).toBe(401);
  });
});
