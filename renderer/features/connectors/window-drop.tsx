import type { ReactNode } from 'react';

/** Wraps the whole window so files can be dropped anywhere (filled in by the Stage feature). */
export function WindowDropTarget({ children }: { children: ReactNode }) {
  return <>{children}</>;
}
