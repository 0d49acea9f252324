import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { invokeContract } from './ipc-contract';
import { jsonLimitProblem } from './json-limits';

interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string; readonly format?: string; readonly pattern?: RegExp } } }[];
  readonly [key: string]: unknown;
}
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** A regex with no unbounded repetition (+, *, {n,}) matches strings of bounded length. */
const boundedPattern = (pattern: RegExp | undefined) => !!pattern && !/[+*]|\{\d+,\}/.test(pattern.source.replace(/\\./g, ''));

/** Paths (dotted) to every string or array in a schema that has no upper bound. */
function unbounded(schema: unknown, path: string, out: string[], seen = new Set<unknown>()): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = defOf(schema);
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  const hasMax = checks.some((c) => c.check === 'max_length' || c.check === 'length_equals');
  switch (def.type) {
    case 'string':
      if (!hasMax && !checks.some((c) => c.check === 'string_format' && (c.format !== 'regex' || boundedPattern(c.pattern)))) out.push(path);
      return;
    case 'array':
      if (!hasMax) out.push(`${path}[]`);
      unbounded(def.element, `${path}[]`, out, seen);
      return;
    case 'tuple':
      (def.items as unknown[]).forEach((item, i) => unbounded(item, `${path}[${i}]`, out, seen));
      if (def.rest) out.push(`${path}[...]`);
      return;
    case 'object':
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) unbounded(value, `${path}.${key}`, out, seen);
      if (def.catchall && defOf(def.catchall).type !== 'never') out.push(`${path}.*`);
      return;
    case 'record':
      if (!hasMax) out.push(`${path}{}`);
      unbounded(def.valueType, `${path}{}`, out, seen);
      return;
    case 'union':
      (def.options as unknown[]).forEach((option) => unbounded(option, path, out, seen));
      return;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      unbounded(def.innerType, path, out, seen);
      return;
    case 'pipe':
      unbounded(def.in, path, out, seen);
      return;
    case 'lazy':
      return;
    default:
      // number, boolean, enum, literal, null, unknown (bounded by the JSON limits), custom…
      return;
  }
}

describe('the contract bounds every value a caller can send', () => {
  it('every string and array in every channel has a maximum', () => {
    const problems: string[] = [];
    for (const [channel, { args }] of Object.entries(invokeContract)) unbounded(args as z.ZodType, channel, problems);
    expect(problems).toEqual([]);
  });

  it('refuses JSON nested deeper than the limit without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(jsonLimitProblem(deep)).toMatch(/nested more than 64 levels/);
    expect(jsonLimitProblem({ a: [{ b: 'c' }] })).toBeNull();
    expect(jsonLimitProblem(new Array(300_000).fill(0))).toMatch(/more than 200,000 values/);
  });
});
