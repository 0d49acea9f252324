import { z } from 'zod';
import type { AppErrorShape } from '../../../shared/errors';
import type { HandlerTable, InvokeEnvelope, ReplyEnvelope } from '../../../shared/ipc-contract';
import { dispatchInvoke } from './dispatch';

/**
 * The one envelope every transport carries (Electron IPC, the WebSocket, the HTTP bridge): the
 * caller sends an invoke envelope and gets a reply or an error envelope with the same id.
 */
const invokeEnvelopeSchema = z
  .object({
    type: z.literal('invoke'),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    channel: z.string().max(200),
    args: z.unknown(),
  })
  .strict();

export type ParsedEnvelope =
  | { readonly ok: true; readonly envelope: InvokeEnvelope }
  | { readonly ok: false; readonly id: number | null; readonly error: AppErrorShape };

const shape = 'send {"type":"invoke","id":1,"channel":"...","args":[...]}';

/** Checks a decoded message is an invoke envelope; never throws. A refusal keeps the id when there is one. */
export function parseInvokeEnvelope(value: unknown): ParsedEnvelope {
  const parsed = invokeEnvelopeSchema.safeParse(value);
  if (parsed.success) return { ok: true, envelope: { type: 'invoke', id: parsed.data.id, channel: parsed.data.channel, args: parsed.data.args } };
  const rawId = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId >= 0 ? rawId : null;
  const where = parsed.error.issues[0];
  return {
    ok: false,
    id,
    error: {
      code: 'BadRequest',
      kind: 'invalid',
      message: `Not an invoke envelope${where ? ` (${where.path.map(String).join('.') || 'message'}: ${where.message})` : ''}; ${shape}.`,
    },
  };
}

/** Decodes one JSON text message (a WebSocket frame, an HTTP body); never throws. */
export function parseInvokeText(text: string): ParsedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: { code: 'BadRequest', kind: 'invalid', message: `Messages must be JSON invoke envelopes: ${shape}.` } };
  }
  return parseInvokeEnvelope(value);
}

/**
 * What every host does with a message once it has checked the sender: parse the envelope,
 * dispatch it (validated against the contract), and answer with a reply or an error envelope.
 * Never throws. `id` is -1 when the message carried none.
 */
export async function answerInvoke(handlers: HandlerTable, parsed: ParsedEnvelope): Promise<ReplyEnvelope> {
  if (!parsed.ok) return { type: 'error', id: parsed.id ?? -1, error: parsed.error };
  const { id, channel, args } = parsed.envelope;
  const result = await dispatchInvoke(handlers, channel, args);
  return result.ok ? { type: 'reply', id, result: result.result } : { type: 'error', id, error: result.error };
}
