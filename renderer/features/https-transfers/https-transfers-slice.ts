import type { HttpsTransfer } from '../../../shared/contract/https-transfers';
import { consentNeeded } from '../../../shared/errors';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';
import { mergeTransfer, withoutTransfer, type HttpsAction } from './https-transfer-model';

/** A resume Globus refused until the person consents to the collection's HTTPS scope. */
export interface HttpsConsentNeeded {
  readonly transferId: string;
  readonly scopes: readonly string[];
  readonly message: string;
  /** True once the consent sign-in started; the resume runs again when it completes. */
  readonly requested: boolean;
}

export interface HttpsTransfersSlice extends Attachable {
  /** Every HTTPS transfer Ferry remembers, newest first. */
  readonly items: readonly HttpsTransfer[];
  /** Transfers with an action on its way (their buttons wait). */
  readonly pending: readonly string[];
  readonly consent: HttpsConsentNeeded | null;
  /** A transfer the host reported (a change event, or a new upload from a drop). */
  received(transfer: HttpsTransfer): void;
  run(action: HttpsAction, id: string): Promise<void>;
  /** Asks Globus for the HTTPS consent a resume needs; the resume runs again once it is given. */
  grantConsent(): Promise<void>;
}

export function createHttpsTransfersSlice(api: AppApi, set: SliceSet<'httpsTransfers'>, get: () => AppState): HttpsTransfersSlice {
  const slice = () => get().httpsTransfers;
  const received = (transfer: HttpsTransfer) => set((s) => ({ items: mergeTransfer(s.items, transfer) }));
  const retryAfterConsent = () => {
    const consent = slice().consent;
    if (!consent?.requested) return;
    set({ consent: null });
    void slice().run('resume', consent.transferId);
  };
  return {
    items: [],
    pending: [],
    consent: null,
    attach() {
      const offs = [
        api.https.onChanged(received),
        api.account.onStatus((status) => {
          if (status.state === 'signed-in') retryAfterConsent();
        }),
      ];
      void api.https.list().then(
        (list) => set((s) => ({ items: list.reduce(mergeTransfer, s.items) })),
        () => undefined,
      );
      return () => offs.forEach((off) => off());
    },
    received,
    async run(action, id) {
      if (slice().pending.includes(id)) return;
      set((s) => ({ pending: [...s.pending, id] }));
      try {
        if (action === 'remove') {
          // Removed now or already gone: either way it leaves the list.
          await api.https.remove(id);
          set((s) => ({ items: withoutTransfer(s.items, id) }));
        } else {
          received(await api.https[action](id));
        }
      } catch (error) {
        // The error toast says why; a missing consent is offered on the panel instead (no toast).
        const scopes = consentNeeded(error)?.scopes;
        if (scopes && action === 'resume') set({ consent: { transferId: id, scopes, message: (error as Error).message, requested: false } });
      } finally {
        set((s) => ({ pending: s.pending.filter((p) => p !== id) }));
      }
    },
    async grantConsent() {
      const consent = slice().consent;
      if (!consent || consent.requested) return;
      set({ consent: { ...consent, requested: true } });
      const status = await get().account.addScopeConsent(consent.scopes);
      if (!status) set({ consent: { ...consent, requested: false } });
      else if (status.state === 'signed-in') retryAfterConsent();
    },
  };
}

export const httpsTransfersSelectors = {
  items: (s: AppState) => s.httpsTransfers.items,
  pending: (s: AppState) => s.httpsTransfers.pending,
  consent: (s: AppState) => s.httpsTransfers.consent,
  actions: (s: AppState) => s.httpsTransfers,
};
