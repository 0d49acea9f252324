/**
 * Throws when any string (value or key) anywhere in `value` contains one of `secrets`, or
 * looks like a bearer header or an OAuth token field. Used to check that no contract response
 * or event carries a token.
 */
export function assertNoSecrets(value: unknown, secrets: Iterable<string>): void {
  const held = [...secrets].filter((s) => s.length >= 8);
  const seen = new Set<unknown>();
  const check = (text: string, where: string): void => {
    if (/\bBearer\s+\S{8,}/i.test(text)) throw new SecretLeakError(where, 'an Authorization header');
    for (const secret of held) {
      if (text.includes(secret)) throw new SecretLeakError(where, 'a token Ferry holds');
    }
  };
  const walk = (node: unknown, where: string): void => {
    if (typeof node === 'string') return check(node, where);
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${where}[${i}]`));
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      if (/^(access_token|refresh_token|id_token|code_verifier)$/i.test(key) && child !== null && child !== undefined) {
        throw new SecretLeakError(`${where}.${key}`, `a "${key}" field`);
      }
      check(key, `${where} (key)`);
      walk(child, `${where}.${key}`);
    }
  };
  walk(value, '$');
}

export class SecretLeakError extends Error {
  readonly path: string;
  constructor(path: string, what: string) {
    super(`A secret would leave core: ${what} at ${path}`);
    this.name = 'SecretLeakError';
    this.path = path;
  }
}
