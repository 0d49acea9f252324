/** The create-object-store form as a person fills it in, and its checks (pure, so they are tested without a DOM). */
import {
  DEFAULT_MAX_OBJECT_SIZE,
  objectStoreNameSchema,
  objectStorePortSchema,
  relayAddressSchema,
  relaySecretSchema,
  type ConfigureObjectStoreInput,
  type ObjectStoreStorage,
} from '../../../shared/contract/object-stores';

export type RelayKind = 'none' | 'local' | 'address';

export interface CreateForm {
  readonly name: string;
  /** Empty: any free port. */
  readonly port: string;
  readonly storage: ObjectStoreStorage;
  /** In megabytes (1 MB = 1,000,000 bytes, as ProxyStore counts). */
  readonly maxObjectMb: string;
  readonly relayKind: RelayKind;
  readonly relayAddress: string;
  readonly relaySecret: string;
}

export type CreateFormField = 'name' | 'port' | 'maxObjectMb' | 'relayAddress' | 'relaySecret';
export type CreateFormErrors = Partial<Record<CreateFormField, string>>;

export const emptyCreateForm: CreateForm = {
  name: '',
  port: '',
  storage: 'sqlite',
  maxObjectMb: String(DEFAULT_MAX_OBJECT_SIZE / 1_000_000),
  relayKind: 'none',
  relayAddress: '',
  relaySecret: '',
};

function firstIssue(result: { success: boolean; error?: { issues: readonly { message: string }[] } }): string | undefined {
  return result.success ? undefined : (result.error?.issues[0]?.message ?? 'Not valid.');
}

/** Every problem with the form, and the input to send when there is none. */
export function checkCreateForm(
  form: CreateForm,
  existingNames: readonly string[],
): { readonly errors: CreateFormErrors; readonly input: ConfigureObjectStoreInput | null } {
  const errors: CreateFormErrors = {};
  const nameError = firstIssue(objectStoreNameSchema.safeParse(form.name));
  if (nameError) errors.name = nameError;
  else if (existingNames.includes(form.name)) errors.name = `An object store named ${form.name} already exists.`;

  let port: number | undefined;
  if (form.port.trim() !== '') {
    const n = /^\d+$/.test(form.port.trim()) ? Number(form.port.trim()) : Number.NaN;
    const portError = Number.isNaN(n) ? 'Port must be a whole number from 1 to 65535.' : firstIssue(objectStorePortSchema.safeParse(n));
    if (portError) errors.port = portError;
    else port = n;
  }

  let maxObjectSize: number | undefined;
  const mb = Number(form.maxObjectMb.trim());
  if (form.maxObjectMb.trim() === '' || !Number.isFinite(mb) || mb <= 0) {
    errors.maxObjectMb = 'Enter the largest object size in MB, more than 0 (ProxyStore\u2019s default is 100).';
  } else {
    maxObjectSize = Math.max(1, Math.round(mb * 1_000_000));
    if (maxObjectSize > Number.MAX_SAFE_INTEGER) errors.maxObjectMb = 'That size is too large.';
  }

  let relay: ConfigureObjectStoreInput['relay'] = { kind: 'none' };
  if (form.relayKind === 'local') relay = { kind: 'local' };
  if (form.relayKind === 'address') {
    const addressError = firstIssue(relayAddressSchema.safeParse(form.relayAddress));
    const secretError = firstIssue(relaySecretSchema.safeParse(form.relaySecret));
    if (addressError) errors.relayAddress = addressError;
    if (secretError) errors.relaySecret = secretError;
    relay = { kind: 'address', address: form.relayAddress.trim(), secret: form.relaySecret };
  }

  if (Object.keys(errors).length > 0) return { errors, input: null };
  return { errors, input: { name: form.name, port, storage: form.storage, maxObjectSize, relay } };
}
