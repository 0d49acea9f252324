/** Reading ProxyStore connector configs (keyword arguments of `cls(**config)`) with clear errors. */
import type { ExactJson, ExactJsonObject } from './exact-json';
import { isExactJsonObject, orderedEntries } from './exact-json';

export class ConnectorConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectorConfigError';
  }
}

/** Fails like Python's `cls(**config)` on keys the class does not take. */
export function rejectUnknownKeys(what: string, config: ExactJsonObject, known: readonly string[]): void {
  for (const [key] of orderedEntries(config)) {
    if (!known.includes(key)) {
      throw new ConnectorConfigError(`${what} config has an unexpected key ${JSON.stringify(key)} (known: ${known.join(', ')})`);
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
