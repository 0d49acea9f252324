/**
 * Identities: the control route `POST /_emulator/identity` (who signs in at the consent page from
 * now on) and Auth's identity lookup `GET /v2/api/identities`.
 */
import { createHash } from 'node:crypto';
import { AuthService, type EmulatorIdentity, type TokenInfo } from './auth';
import { AUTH_RESOURCE_SERVER, EMULATOR_DEFAULT_USER } from './constants';
import { HttpError } from './http-util';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Body `{sub, username?, name?, email?}` signs that person in; `{reset: true}` brings back the default person. */
export function signInAs(auth: AuthService, body: Record<string, unknown>): Record<string, unknown> {
  if (body['reset'] === true) {
    auth.signInAsDefault();
    return {};
  }
  const sub = body['sub'];
  if (typeof sub !== 'string' || !UUID_RE.test(sub)) throw new HttpError(400, { code: 'BadRequest', message: 'sub must be a UUID' });
  const text = (key: string, fallback: string): string => (typeof body[key] === 'string' ? (body[key] as string) : fallback);
  const username = text('username', `user-${sub.slice(0, 8)}@example.org`);
  const identity: EmulatorIdentity = {
    sub: sub.toLowerCase(),
    username,
    name: text('name', username),
    email: text('email', username),
    organization: text('organization', 'Example Research Lab'),
    identityProviderId: '41143743-f3c8-4d60-bbdb-eeecaba85bd9',
    identityProviderDisplayName: 'Example Identity Provider',
  };
  auth.signInAs(identity);
  return { sub: identity.sub };
}

/**
 * `GET /v2/api/identities?usernames=a,b` or `?ids=…`, as Globus Auth answers it:
 * `{"identities": [{id, username, status, name, email, organization, identity_provider, identity_type}]}`.
 * Known people are `used`; an unknown username at the emulator's identity provider (`@example.org`)
 * is `unused` with a stable id (Globus assigns ids before first sign-in); anything else is left out.
 */
export function lookupIdentities(auth: AuthService, url: URL, token: TokenInfo | undefined): Record<string, unknown> {
  if (!token || token.resourceServer !== AUTH_RESOURCE_SERVER) {
    throw new HttpError(401, { code: 'UNAUTHORIZED', message: 'Token is not active or not valid for auth.globus.org', errors: [{ status: '401', code: 'UNAUTHORIZED', detail: 'Unauthorized' }] });
  }
  const list = (key: string): string[] =>
    url.searchParams
      .getAll(key)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
  const usernames = list('usernames');
  const ids = list('ids');
  if (usernames.length > 0 && ids.length > 0) {
    throw new HttpError(400, { code: 'INVALID_PARAMETERS', message: 'Use either usernames or ids, not both', errors: [{ status: '400', code: 'INVALID_PARAMETERS', detail: 'Use either usernames or ids, not both' }] });
  }
  const known = auth.knownIdentities();
  const doc = (i: EmulatorIdentity): Record<string, unknown> => ({
    id: i.sub,
    username: i.username,
    status: 'used',
    name: i.name,
    email: i.email,
    organization: i.organization,
    identity_provider: i.identityProviderId,
    identity_type: 'login',
  });
  const out: Record<string, unknown>[] = [];
  for (const name of usernames) {
    const found = known.find((i) => i.username.toLowerCase() === name.toLowerCase());
    if (found) out.push(doc(found));
    else if (/^[^@\s]+@example\.org$/i.test(name)) out.push(unusedIdentity(name.toLowerCase()));
  }
  for (const id of ids) {
    const found = known.find((i) => i.sub === id.toLowerCase());
    if (found) out.push(doc(found));
  }
  return { identities: out };
}

function unusedIdentity(username: string): Record<string, unknown> {
  const h = createHash('sha256').update(`identity:${username}`).digest('hex');
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return { id, username, status: 'unused', name: null, email: null, organization: null, identity_provider: EMULATOR_DEFAULT_USER.identityProviderId, identity_type: 'login' };
}
