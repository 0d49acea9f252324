/**
 * Runs one RegExp test under a time limit. V8 cannot interrupt a running RegExp from JavaScript,
 * but a `vm` script's timeout does (it terminates execution, backtracking included), so matches
 * of patterns that may backtrack exponentially run here and are stopped instead of hanging Ferry.
 */
import { createContext, Script } from 'node:vm';

const context = createContext({ re: /x/, text: '' });
const script = new Script('re.test(text)');

/** `re.test(text)`, or null when it ran longer than `limitMs`. */
export function testWithin(re: RegExp, text: string, limitMs: number): boolean | null {
  re.lastIndex = 0;
  context.re = re;
  context.text = text;
  try {
    return script.runInContext(context, { timeout: limitMs }) === true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return null;
    throw error;
  } finally {
    context.re = /x/;
    context.text = '';
  }
}
