import type { HostFiles } from '../../shared/api-client';

/**
 * The browser host's way to get a path for a dropped file: stream it once to `ferry serve`
 * (same machine, token cookie), which answers with where it put it.
 */
export const uploadHostFiles: HostFiles = {
  async pathsFor(files) {
    const paths: string[] = [];
    for (const file of files as readonly File[]) {
      const response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, { method: 'POST', body: file, credentials: 'same-origin' });
      const body = (await response.json()) as { path?: string; error?: { message: string } };
      if (!response.ok || !body.path) throw new Error(body.error?.message ?? `Could not stage ${file.name} (HTTP ${response.status})`);
      paths.push(body.path);
    }
    return paths;
  },
};
