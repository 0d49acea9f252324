import type { AppErrorShape } from '../../../shared/errors';
import { invokeContract, isInvokeChannel, type HandlerTable } from '../../../shared/ipc-contract';
import { formatZodIssues, toAppErrorShape } from './errors';

export type DispatchResult =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: AppErrorShape; readonly reason: 'unknown-channel' | 'invalid-arguments' | 'failed' };

/**
 * The single entry both hosts call after checking the sender: unknown channels and
 * arguments that do not match the channel's schema never reach a handler.
 */
export async function dispatchInvoke(handlers: HandlerTable, channel: unknown, args: unknown): Promise<DispatchResult> {
  if (!isInvokeChannel(channel)) {
    return { ok: false, reason: 'unknown-channel', error: { code: 'UnknownChannel', message: `Unknown channel ${JSON.stringify(channel)}` } };
  }
  const parsed = invokeContract[channel].args.safeParse(args);
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'invalid-arguments',
      error: { code: 'InvalidArguments', message: formatZodIssues(parsed.error) || `Invalid arguments for ${channel}` },
    };
  }
  try {
    const handler = handlers[channel] as (...a: unknown[]) => Promise<unknown>;
    const result = await handler(...(parsed.data as unknown[]));
    return { ok: true, result: result ?? null };
  } catch (error) {
    return { ok: false, reason: 'failed', error: toAppErrorShape(error) };
  }
}
