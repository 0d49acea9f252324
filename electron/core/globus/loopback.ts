import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localError } from './errors';
import type { GlobusApiError } from './transfer-port';

export interface LoopbackListener {
  /** `http://127.0.0.1:<port>/callback`: the redirect_uri of this login. */
  readonly redirectUri: string;
  /** The authorization code, once; rejects on state mismatch, an error redirect, timeout or cancel. */
  readonly code: Promise<string>;
  /** Stops waiting (rejects `code` with LoginCancelled if nothing came yet) and closes the port. */
  cancel(reason?: GlobusApiError): void;
  /** Resolves when the port is closed. */
  readonly closed: Promise<void>;
}

export interface LoopbackOptions {
  readonly expectedState: string;
  readonly timeoutMs: number;
  readonly path?: string;
}

const page = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto"><h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * A one-shot redirect catcher on 127.0.0.1 with a random port. The first request to the
 * callback path settles the login (code, error or state mismatch) and the port closes; other
 * paths (a browser's favicon probe) get 404 and do not count. A timeout closes it too.
 */
export async function startLoopbackListener(options: LoopbackOptions): Promise<LoopbackListener> {
  const path = options.path ?? '/callback';
  let settle: { resolve: (code: string) => void; reject: (error: GlobusApiError) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The caller may cancel without awaiting `code`; avoid an unhandled rejection then.
  code.catch(() => undefined);
  let done = false;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== path || done) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const params = url.searchParams;
    const respond = (status: number, title: string, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', connection: 'close' }).end(page(title, text));
    };
    if (params.get('state') !== options.expectedState) {
      respond(400, 'Sign-in refused', 'This sign-in answer does not belong to the sign-in Ferry started. Start again from Ferry.');
      finish(localError('StateMismatch', 'The sign-in answer did not match the sign-in Ferry started (state mismatch). Start the sign-in again.'));
      return;
    }
    const error = params.get('error');
    if (error) {
      const description = params.get('error_description') ?? error;
      respond(400, 'Sign-in not completed', 'Globus did not grant access. You can close this tab and try again in Ferry.');
      finish(localError(error === 'access_denied' ? 'LoginDenied' : 'LoginFailed', `Globus sign-in did not complete: ${description}`));
      return;
    }
    const value = params.get('code');
    if (!value) {
      respond(400, 'Sign-in not completed', 'Globus sent no authorization code. Start again from Ferry.');
      finish(localError('LoginFailed', 'Globus sent no authorization code.'));
      return;
    }
    respond(200, 'Signed in to Ferry', 'You can close this tab and return to Ferry.');
    finish(value);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));

  const timer = setTimeout(() => {
    finish(
      localError(
        'LoginTimeout',
        `Sign-in timed out after ${Math.round(options.timeoutMs / 1000)} s without an answer from the browser. Start the sign-in again, or use "paste the code".`,
      ),
    );
  }, options.timeoutMs);
  timer.unref();

  function finish(outcome: string | GlobusApiError): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (typeof outcome === 'string') settle?.resolve(outcome);
    else settle?.reject(outcome);
    server.close();
    // Let the answer page flush, then drop any lingering keep-alive sockets.
    setImmediate(() => server.closeAllConnections());
  }

  return {
    redirectUri: `http://127.0.0.1:${port}${path}`,
    code,
    closed,
    cancel(reason) {
      finish(reason ?? localError('LoginCancelled', 'Sign-in was cancelled.'));
    },
  };
}
