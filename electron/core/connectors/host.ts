import { hostname } from 'node:os';

/** ProxyStore's `utils.hostname()` is `socket.gethostname()`, which is what `os.hostname()` returns. */
export function currentHostname(): string {
  return hostname();
}
