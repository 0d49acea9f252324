/**
 * Unicode character names for Python's \N{...} escape: a generated subset (Basic Latin, Latin-1,
 * Latin Extended-A/B, Greek, Cyrillic, general punctuation, currency, letterlike symbols, arrows,
 * mathematical operators, emoticons), written by Python 3's unicodedata. Names outside it are
 * refused with a message saying so. Pure: no Node imports. The table is split by first letter
 * across python-regex-names-*.ts.
 */
import { NAMES_A_F } from './python-regex-names-a-f';
import { NAMES_G_L } from './python-regex-names-g-l';
import { NAMES_LATIN } from './python-regex-names-latin';
import { NAMES_M_Z } from './python-regex-names-m-z';

const NAMES: Readonly<Record<string, number>> = { ...NAMES_A_F, ...NAMES_G_L, ...NAMES_LATIN, ...NAMES_M_Z };

export const UNICODE_NAME_COUNT = 1429;

/** The code point Python's \N{name} stands for (names are matched without regard to case). */
export function unicodeByName(name: string): number | undefined {
  const key = name.toUpperCase();
  return Object.prototype.hasOwnProperty.call(NAMES, key) ? NAMES[key] : undefined;
}
