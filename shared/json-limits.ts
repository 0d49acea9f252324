/**
 * Limits on any JSON that crosses the contract, checked before a schema sees it: deep nesting
 * overflows recursive code (zod, JSON.stringify, our own walkers), so it is refused up front.
 * Written without recursion so the check itself cannot overflow.
 */
export const jsonLimits = {
  /** Objects and arrays inside one another. */
  maxDepth: 64,
  /** Values in total (every object, array, string, number…). */
  maxNodes: 200_000,
} as const;

/** The first limit a value breaks, as a sentence, or null when it is within them. */
export function jsonLimitProblem(value: unknown, limits: { maxDepth: number; maxNodes: number } = jsonLimits): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    nodes += 1;
    if (nodes > limits.maxNodes) return `the request holds more than ${limits.maxNodes.toLocaleString('en-US')} values`;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limits.maxDepth) return `the request is nested more than ${limits.maxDepth} levels deep`;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) stack.push([child, depth + 1]);
  }
  return null;
}
