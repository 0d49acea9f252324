/** Comma-separated list text -> list of strings (tags, host patterns, UUIDs), for any view's inputs. */
export function parseList(text: string, separator: RegExp = /[,\n]/): string[] {
  return text
    .split(separator)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
