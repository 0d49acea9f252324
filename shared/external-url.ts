/**
 * The one gate for URLs handed to the system browser (`shell.openExternal`):
 * only plain https URLs with a host name, no embedded credentials, no whitespace or
 * control characters, no backslashes (which browsers read as slashes).
 * Pure string logic, since shared/ has neither DOM nor Node.
 */
const HTTPS_URL = /^https:\/\/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?(?:[/?#][^\s]*)?$/;

export function isSafeExternalUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return false;
  }
  const m = HTTPS_URL.exec(value);
  if (!m) return false;
  if (m[2] !== undefined && Number(m[2]) > 65535) return false;
  return true;
}

/** http on 127.0.0.1 or localhost only (RFC 8252 loopback), for a local Globus emulator. */
export function isLoopbackHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 4096) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return false;
  }
  return /^http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?(?:[/?#].*)?$/.test(value);
}
