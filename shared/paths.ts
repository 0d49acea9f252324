import { z } from 'zod';

/** True for an absolute POSIX path or a Windows drive/UNC path. Pure string logic: shared has no node. */
export function isAbsolutePath(value: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(value);
}

/** Bytes of a string as UTF-8, without node's Buffer (shared runs in the renderer too). */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** No lone surrogate halves: such a string cannot be written to disk or a file name. */
export function isWellFormedText(value: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

/** The longest local path Ferry accepts (Linux's PATH_MAX). */
export const MAX_LOCAL_PATH_BYTES = 4096;

/**
 * An absolute path on this machine: no NUL, valid text, at most 4096 bytes. `what` starts the
 * message ("Data folder must be…").
 */
export function localPathSchema(what: string) {
  return z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(MAX_LOCAL_PATH_BYTES, `${what} is longer than ${MAX_LOCAL_PATH_BYTES} bytes`)
    .refine((p) => !p.includes('\u0000'), `${what} may not contain a NUL character`)
    .refine(isWellFormedText, `${what} is not valid text (it holds a broken Unicode character)`)
    .refine((p) => utf8Length(p) <= MAX_LOCAL_PATH_BYTES, `${what} is longer than ${MAX_LOCAL_PATH_BYTES} bytes`)
    .refine(isAbsolutePath, `${what} must be an absolute path, such as /home/me/data`);
}

