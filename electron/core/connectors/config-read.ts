/** Reading ProxyStore connector configs (keyword arguments of `cls(**config)`) with clear errors. */
import type { ExactJson, ExactJsonObject } from './exact-json';
import { isExactJsonObject, MAX_JSON_DEPTH, orderedEntries } from './exact-json';
import { atPath, formatJsonPath, quoteValue, type JsonPath, type JsonProblem } from './json-paths';
import type { ErrorKind } from '../../../shared/errors';

export class ConnectorConfigError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'refused';
  /** Where in the JSON the problem is, when the message is about one place (it names it too). */
  readonly problem: JsonProblem | null;
  constructor(message: string, problem: JsonProblem | null = null) {
    super(message);
    this.name = 'ConnectorConfigError';
    this.problem = problem;
  }

  /** An error about one place in a JSON value: `small[1]: connector_config must be an object`. */
  static at(path: JsonPath, message: string): ConnectorConfigError {
    return new ConnectorConfigError(atPath(path, message), { path, message });
  }
}

/** Fails like Python's `cls(**config)` on keys the class does not take. */
export function rejectUnknownKeys(what: string, config: ExactJsonObject, known: readonly string[]): void {
  for (const [key] of orderedEntries(config)) {
    if (!known.includes(key)) {
      throw new ConnectorConfigError(`${what} config has an unexpected key ${quoteValue(key)} (known: ${known.join(', ')})`);
    }
  }
}

export function asConfigObject(what: string, value: unknown): ExactJsonObject {
  if (!isExactJsonObject(value)) throw new ConnectorConfigError(`${what} config must be a JSON object`);
  return value as ExactJsonObject;
}

export function optString(what: string, config: ExactJsonObject, key: string): string | undefined {
  const v = config[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ConnectorConfigError(`${what}: ${key} must be a string`);
  return v;
}

export function optBoolean(what: string, config: ExactJsonObject, key: string): boolean | undefined {
  const v = config[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ConnectorConfigError(`${what}: ${key} must be true or false`);
  return v;
}

export function optInteger(what: string, config: ExactJsonObject, key: string): number | undefined {
  const v: ExactJson | undefined = config[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ConnectorConfigError(`${what}: ${key} must be an integer`);
  return v;
}

export function optNumber(what: string, config: ExactJsonObject, key: string): number | undefined {
  const v: ExactJson | undefined = config[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConnectorConfigError(`${what}: ${key} must be a number`);
  return v;
}

/**
 * How deep a connector config may nest (the config object itself is level 1): a MultiConnector
 * config file holds each config two levels down (`{name: [path, config, policy]}`), and files
 * are read up to MAX_JSON_DEPTH.
 */
export const MAX_CONFIG_DEPTH = MAX_JSON_DEPTH - 2;

/**
 * A plain JSON value (as it crossed the contract) as ExactJson: objects rebuilt key by key (so a
 * `__proto__` key stays a key), numbers finite, bigints kept, and nesting bounded by `maxDepth`
 * so a deep value is refused with a message instead of overflowing the stack. `where` names the
 * value in messages (e.g. `files.config`).
 */
export function plainToExact(value: unknown, where: string, maxDepth: number = MAX_CONFIG_DEPTH): ExactJson {
  const at = (path: JsonPath): string => {
    const inner = formatJsonPath(path);
    return inner === '' ? where : inner.startsWith('[') ? `${where}${inner}` : `${where}.${inner}`;
  };
  const convert = (v: unknown, path: (string | number)[], depth: number): ExactJson => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new ConnectorConfigError(`${at(path)} must be a finite number`);
      return v;
    }
    if (typeof v === 'object') {
      if (depth >= maxDepth) {
        throw new ConnectorConfigError(`${at(path)} is nested more than ${maxDepth} levels deep; ProxyStore configs are far flatter, so simplify it`);
      }
      if (Array.isArray(v)) {
        return v.map((item: unknown, i) => {
          path.push(i);
          const out = convert(item, path, depth + 1);
          path.pop();
          return out;
        });
      }
      const out: Record<string, ExactJson> = {};
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        path.push(k);
        Object.defineProperty(out, k, { value: convert(item, path, depth + 1), enumerable: true, writable: true, configurable: true });
        path.pop();
      }
      return out;
    }
    throw new ConnectorConfigError(`${at(path)} is not JSON`);
  };
  return convert(value, [], 0);
}
