/** True for an absolute POSIX path or a Windows drive/UNC path. Pure string logic: shared has no node. */
export function isAbsolutePath(value: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(value);
}
