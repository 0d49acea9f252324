/** Control route `POST /_emulator/identity`: who signs in at the consent page from now on. */
import { AuthService, type EmulatorIdentity } from './auth';
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
