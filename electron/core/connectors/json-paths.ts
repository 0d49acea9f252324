/**
 * Pieces of error messages about JSON a person gave Ferry (a file, a config): where in the JSON
 * the problem is, what sort of value is there, and a bounded quote of an offending value. Error
 * messages never carry more of a file than the offending value itself, clipped to
 * MESSAGE_VALUE_MAX characters. Pure: no Node imports.
 */

/** Keys and indexes from the top of a JSON value down to one inside it. */
export type JsonPath = readonly (string | number)[];

/** The most characters of a value (or key) an error message quotes. */
export const MESSAGE_VALUE_MAX = 80;

/** `text`, cut to `max` characters with an ellipsis when longer. */
export function clip(text: string, max: number = MESSAGE_VALUE_MAX): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}\u2026`;
}

/** A string quoted as JSON for a message, clipped first so a long value stays short. */
export function quoteValue(value: string, max: number = MESSAGE_VALUE_MAX): string {
  return JSON.stringify(clip(value, max));
}

const SIMPLE_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * A path as a person reads it: `endpoints.<uuid>.host_regex`, `small[2].priority`; keys that
 * are not plain words are quoted (and clipped): `["my connector"][1]`.
 */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (SIMPLE_KEY.test(segment) && segment.length <= MESSAGE_VALUE_MAX) out += out === '' ? segment : `.${segment}`;
    else out += `[${quoteValue(segment)}]`;
  }
  return out;
}

/** `path: message`, or just the message for the top level. */
export function atPath(path: JsonPath, message: string): string {
  return path.length === 0 ? message : `${formatJsonPath(path)}: ${message}`;
}

/** What sort of JSON value `value` is, for "expected a string, got a number". */
export function jsonTypeName(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
    case 'bigint':
      return 'a number';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** A problem at one place in a JSON value. */
export interface JsonProblem {
  readonly path: JsonPath;
  readonly message: string;
}
