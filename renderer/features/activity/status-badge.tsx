import { assertNever } from '../../../shared/assert-never';
import type { StatusLook, StatusTone } from './activity-format';

function iconPath(tone: StatusTone): string {
  switch (tone) {
    case 'active':
      return 'M12 4a8 8 0 1 1-8 8M12 4V1m0 3L9 6';
    case 'inactive':
      return 'M9 6v12M15 6v12';
    case 'succeeded':
      return 'M5 12.5l4.5 4.5L19 7';
    case 'failed':
      return 'M6 6l12 12M18 6L6 18';
    case 'cancelled':
      return 'M5 12h14M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z';
    default:
      return assertNever(tone, 'status tone');
  }
}

/** Colour, icon and word: the status never relies on colour alone. */
export function StatusBadge({ look, title }: { readonly look: StatusLook; readonly title?: string | undefined }) {
  return (
    <span className={`act-badge tone-${look.tone}`} title={title}>
      <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" className={look.tone === 'active' ? 'act-spin' : undefined}>
        <path d={iconPath(look.tone)} fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {look.text}
    </span>
  );
}
