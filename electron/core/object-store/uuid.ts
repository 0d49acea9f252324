import { randomUUID } from 'node:crypto';

const HEX32 = /^[0-9a-f]{32}$/;

/**
 * Parses a UUID the way Python's `uuid.UUID(text)` accepts it (hyphens and braces optional,
 * `urn:uuid:` prefix allowed, any case) and returns the canonical lowercase hyphenated form,
 * or `undefined` when the text is not a UUID.
 */
export function parseUuid(text: string): string | undefined {
  let s = text.trim().toLowerCase();
  if (s.startsWith('urn:')) s = s.slice(4);
  if (s.startsWith('uuid:')) s = s.slice(5);
  s = s.replace(/^\{+|\}+$/g, '').replaceAll('-', '');
  if (!HEX32.test(s)) return undefined;
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function isUuid(text: string): boolean {
  return parseUuid(text) !== undefined;
}

export function newUuid(): string {
  return randomUUID();
}
