/**
 * Local paths from the `text/uri-list` a file manager puts in a drag (RFC 2483): one URI a line,
 * `#` lines are comments. Only `file:` URIs on this machine count (`file:///abs`,
 * `file://localhost/abs`); a Windows drive path comes back with backslashes (`file:///C:/x` →
 * `C:\x`). Pure: no node, no DOM.
 */

const WINDOWS_DRIVE = /^\/([A-Za-z]):(\/|$)/;

/** The absolute local path a `file:` URI names, or null (another scheme, another host, bad escapes). */
export function pathFromFileUri(uri: string): string | null {
  const match = /^file:(\/\/([^/]*))?(\/.*)?$/is.exec(uri.trim());
  if (!match) return null;
  const host = match[2] ?? '';
  if (host !== '' && host.toLowerCase() !== 'localhost') return null;
  const encoded = (match[3] ?? '').replace(/[?#].*$/, '');
  if (!encoded.startsWith('/')) return null;
  let path: string;
  try {
    path = decodeURIComponent(encoded);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const drive = WINDOWS_DRIVE.exec(path);
  if (drive) return `${drive[1]?.toUpperCase()}:\\${path.slice(3 + (drive[2] ? 1 : 0)).replace(/\//g, '\\')}`;
  return path;
}

/** Every local path in a `text/uri-list`, in order, without duplicates. */
export function pathsFromUriList(text: string): readonly string[] {
  const paths: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const path = pathFromFileUri(trimmed);
    if (path !== null && !paths.includes(path)) paths.push(path);
  }
  return paths;
}

/** The `file:` URI of an absolute local path (POSIX `/a/b` or Windows `C:\a\b`), as file managers write it. */
export function fileUriOf(path: string): string {
  const windows = /^([A-Za-z]):[\\/]?(.*)$/s.exec(path);
  const segments = windows ? [`${windows[1]?.toUpperCase()}:`, ...(windows[2] ?? '').split(/[\\/]/)] : path.replace(/^\/+/, '').split('/');
  return `file:///${segments.map((s, i) => (windows && i === 0 ? s : encodeURIComponent(s))).join('/')}`;
}
