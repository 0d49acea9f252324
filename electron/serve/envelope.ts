import { z } from 'zod';
import type { AppErrorShape } from '../../shared/errors';

/** What the page may send on the WebSocket: an invoke envelope, nothing else. */
const invokeEnvelopeSchema = z
  .object({
    type: z.literal('invoke'),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    channel: z.string().max(200),
    args: z.unknown(),
  })
  .strict();

export type ParsedEnvelope =
  | { readonly ok: true; readonly envelope: { readonly id: number; readonly channel: string; readonly args: unknown } }
  | { readonly ok: false; readonly id: number | null; readonly error: AppErrorShape };

/** Parses one WebSocket text frame; never throws. A refusal keeps the id when there is one to answer. */
export function parseInvokeEnvelope(text: string): ParsedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: { code: 'BadRequest', kind: 'invalid', message: 'Messages must be JSON invoke envelopes: {"type":"invoke","id":1,"channel":"...","args":[...]}' } };
  }
  const parsed = invokeEnvelopeSchema.safeParse(value);
  if (parsed.success) return { ok: true, envelope: { id: parsed.data.id, channel: parsed.data.channel, args: parsed.data.args } };
  const rawId = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId >= 0 ? rawId : null;
  const where = parsed.error.issues[0];
  return {
    ok: false,
    id,
    error: {
      code: 'BadRequest',
      kind: 'invalid',
      message: `Not an invoke envelope${where ? ` (${where.path.map(String).join('.') || 'message'}: ${where.message})` : ''}; send {"type":"invoke","id":1,"channel":"...","args":[...]}.`,
    },
  };
}
