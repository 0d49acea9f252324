import type { AppErrorShape } from '../../../shared/errors';
import { invokeContract, isInvokeChannel, type HandlerTable } from '../../../shared/ipc-contract';
import { jsonLimitProblem } from '../../../shared/json-limits';
import { formatZodIssues, toAppErrorShape, zodIssueDetails } from './errors';

export type DispatchResult =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: AppErrorShape };

/**
 * The single entry both hosts call after checking the sender: unknown channels, arguments
 * beyond the JSON limits and arguments that do not match the channel's schema never reach a
 * handler. It never throws: whatever a handler throws comes back as an error shape.
 */
export async function dispatchInvoke(handlers: HandlerTable, channel: unknown, args: unknown): Promise<DispatchResult> {
  try {
    if (!isInvokeChannel(channel)) {
      const shown = typeof channel === 'string' ? JSON.stringify(channel.slice(0, 100)) : typeof channel;
      return { ok: false, error: { code: 'UnknownChannel', kind: 'invalid', message: `Unknown channel ${shown}` } };
    }
    const tooBig = jsonLimitProblem(args);
    if (tooBig) {
      return { ok: false, error: { code: 'TooLarge', kind: 'too-large', message: `${channel}: ${tooBig}.` } };
    }
    const parsed = invokeContract[channel].args.safeParse(args);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'InvalidArguments',
          kind: 'invalid',
          message: `${channel}: ${formatZodIssues(parsed.error) || 'invalid arguments'}`,
          details: zodIssueDetails(parsed.error),
        },
      };
    }
    const handler = handlers[channel] as (...a: unknown[]) => Promise<unknown>;
    const result = await handler(...(parsed.data as unknown[]));
    return { ok: true, result: result ?? null };
  } catch (error) {
    return { ok: false, error: toAppErrorShape(error) };
  }
}
