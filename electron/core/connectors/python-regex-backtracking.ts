/**
 * Catastrophic backtracking analysis of a parsed host pattern: exponential blow-up needs a
 * repeated sub-pattern that can match the same text in more than one way. We flag (1) a
 * variable-width repeat nested inside another repeat when the rest of the outer body cannot pin
 * down where one inner run ends, and (2) alternatives under a repeat that can start with the same
 * character and are not plainly distinguishable within their fixed prefix.
 * Pure: no Node imports.
 */
import { CharSet, type PatternNode } from './python-regex-ast';

function nullable(node: PatternNode): boolean {
  switch (node.t) {
    case 'char':
      return false;
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.branches.some(nullable);
    case 'repeat':
      return node.min === 0 || nullable(node.body);
    case 'assert':
    case 'backref':
      return true;
  }
}

function allChars(node: PatternNode, into: CharSet, skip?: PatternNode): CharSet {
  if (node === skip) return into;
  switch (node.t) {
    case 'char':
      into.addSet(node.set);
      break;
    case 'seq':
      for (const x of node.items) allChars(x, into, skip);
      break;
    case 'alt':
      for (const x of node.branches) allChars(x, into, skip);
      break;
    case 'repeat':
      allChars(node.body, into, skip);
      break;
    case 'assert':
      break;
    case 'backref':
      into.addSet(CharSet.any());
      break;
  }
  return into;
}

/** Whether `node` can match the empty string when `hole` is treated as matching empty. */
function nullableWithHole(node: PatternNode, hole: PatternNode): boolean {
  if (node === hole) return true;
  switch (node.t) {
    case 'char':
      return false;
    case 'seq':
      return node.items.every((x) => nullableWithHole(x, hole));
    case 'alt':
      return node.branches.some((x) => nullableWithHole(x, hole));
    case 'repeat':
      return node.min === 0 || nullableWithHole(node.body, hole);
    case 'assert':
    case 'backref':
      return true;
  }
}

function firstChars(node: PatternNode): CharSet {
  const out = new CharSet();
  const walk = (x: PatternNode): boolean => {
    // returns whether x is nullable (so the following item can also be first)
    switch (x.t) {
      case 'char':
        out.addSet(x.set);
        return false;
      case 'seq':
        for (const item of x.items) if (!walk(item)) return false;
        return true;
      case 'alt': {
        let any = false;
        for (const b of x.branches) if (walk(b)) any = true;
        return any;
      }
      case 'repeat':
        return walk(x.body) || x.min === 0;
      case 'assert':
        return true;
      case 'backref':
        out.addSet(CharSet.any());
        return true;
    }
  };
  walk(node);
  return out;
}

function innerVariableRepeats(node: PatternNode, out: PatternNode[]): PatternNode[] {
  switch (node.t) {
    case 'repeat':
      if (node.max > node.min) out.push(node);
      innerVariableRepeats(node.body, out);
      break;
    case 'seq':
      for (const x of node.items) innerVariableRepeats(x, out);
      break;
    case 'alt':
      for (const x of node.branches) innerVariableRepeats(x, out);
      break;
    case 'assert':
      if (node.body) innerVariableRepeats(node.body, out);
      break;
    case 'char':
      break;
    case 'backref':
      out.push({ t: 'repeat', body: { t: 'char', set: CharSet.any() }, min: 0, max: Infinity });
      break;
  }
  return out;
}

/** Single-character sequence of a branch, or null when it contains anything else. */
function simpleSequence(node: PatternNode): CharSet[] | null {
  if (node.t === 'char') return [node.set];
  if (node.t === 'seq') {
    const out: CharSet[] = [];
    for (const item of node.items) {
      if (item.t === 'char') out.push(item.set);
      else if (item.t === 'repeat' && item.min === item.max) {
        const inner = simpleSequence(item.body);
        if (!inner) return null;
        for (let k = 0; k < item.min; k++) out.push(...inner);
      } else return null;
    }
    return out;
  }
  return null;
}

function branchesAmbiguous(a: PatternNode, b: PatternNode): boolean {
  if (!firstChars(a).intersects(firstChars(b)) && !nullable(a) && !nullable(b)) return false;
  const sa = simpleSequence(a);
  const sb = simpleSequence(b);
  if (sa && sb) {
    const len = Math.min(sa.length, sb.length);
    for (let k = 0; k < len; k++) if (!(sa[k] as CharSet).intersects(sb[k] as CharSet)) return false;
    return true;
  }
  return true;
}

/** With (?i), letters match both cases: widen every set so overlaps are seen. */
export function foldCase(node: PatternNode): PatternNode {
  switch (node.t) {
    case 'char': {
      const set = new CharSet(node.set.bits.slice());
      for (let c = 0x41; c <= 0x5a; c++) {
        if (set.bits[c] || set.bits[c + 32]) {
          set.bits[c] = 1;
          set.bits[c + 32] = 1;
        }
      }
      return { t: 'char', set };
    }
    case 'seq':
      return { t: 'seq', items: node.items.map(foldCase) };
    case 'alt':
      return { t: 'alt', branches: node.branches.map(foldCase) };
    case 'repeat':
      return { ...node, body: foldCase(node.body) };
    case 'assert':
      return { t: 'assert', body: node.body ? foldCase(node.body) : null };
    case 'backref':
      return node;
  }
}

/** Why matching `node` could backtrack catastrophically, or null when it cannot. */
export function findCatastrophe(node: PatternNode): string | null {
  const visit = (x: PatternNode): string | null => {
    switch (x.t) {
      case 'repeat': {
        if (x.max > 1) {
          const body = x.body;
          for (const inner of innerVariableRepeats(body, [])) {
            const innerChars = allChars(inner, new CharSet());
            const otherChars = allChars(body, new CharSet(), inner);
            if (nullableWithHole(body, inner) || innerChars.intersects(otherChars)) {
              return 'it nests a repeated part inside another repeat that can match the same text in many ways (e.g. (a+)+); make the inner part unambiguous, e.g. ([a-z]+\\.)+';
            }
          }
          const alt = body.t === 'alt' ? body : null;
          if (alt) {
            for (let p = 0; p < alt.branches.length; p++) {
              for (let q = p + 1; q < alt.branches.length; q++) {
                if (branchesAmbiguous(alt.branches[p] as PatternNode, alt.branches[q] as PatternNode)) {
                  return 'it repeats alternatives that can match the same text (e.g. (a|ab)*); make the alternatives start differently';
                }
              }
            }
          }
        }
        return visit(x.body);
      }
      case 'seq':
        for (const item of x.items) {
          const r = visit(item);
          if (r) return r;
        }
        return null;
      case 'alt':
        for (const b of x.branches) {
          const r = visit(b);
          if (r) return r;
        }
        return null;
      case 'assert':
        return x.body ? visit(x.body) : null;
      case 'char':
      case 'backref':
        return null;
    }
  };
  return visit(node);
}
