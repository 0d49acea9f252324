import type { SliceSet } from './types';

export type ToastKind = 'error' | 'success' | 'info';
export interface Toast {
  readonly id: number;
  readonly kind: ToastKind;
  readonly message: string;
}

export interface ToastSlice {
  readonly items: readonly Toast[];
  push(kind: ToastKind, message: string): number;
  dismiss(id: number): void;
}

const MAX_TOASTS = 5;

export function createToastSlice(set: SliceSet<'toasts'>): ToastSlice {
  let nextId = 1;
  return {
    items: [],
    push(kind, message) {
      const id = nextId++;
      set((s) => ({ items: [...s.items, { id, kind, message }].slice(-MAX_TOASTS) }));
      return id;
    },
    dismiss(id) {
      set((s) => ({ items: s.items.filter((t) => t.id !== id) }));
    },
  };
}

export const toastSelectors = {
  items: (s: { toasts: ToastSlice }) => s.toasts.items,
};
