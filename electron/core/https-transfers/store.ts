/**
 * The HTTPS transfers Ferry remembers: one JSON file in the state folder, written atomically
 * (a crash leaves the old or the new list, never a torn one), validated when read. A file that
 * cannot be read is set aside (`.bad-<time>`) and the list starts empty.
 */
import { readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { httpsTransferSchema, type HttpsTransfer } from '../../../shared/contract/https-transfers';
import { writeFileAtomic } from '../store';

const fileSchema = z.object({ version: z.literal(1), transfers: z.array(httpsTransferSchema) });

export interface TransferFile {
  load(): Promise<HttpsTransfer[]>;
  /** Saves this list; saves are written one after another, the last one wins. */
  save(transfers: readonly HttpsTransfer[]): Promise<void>;
}

export function createTransferFile(file: string, log: (message: string, error?: unknown) => void = console.error): TransferFile {
  let chain: Promise<void> = Promise.resolve();
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`HTTPS transfers: ${file} could not be read`, error);
        return [];
      }
      try {
        return fileSchema.parse(JSON.parse(text)).transfers.map((t) => ({ ...t, files: [...t.files] }));
      } catch (error) {
        const aside = `${file}.bad-${Date.now()}`;
        log(`HTTPS transfers: ${file} is damaged; kept as ${aside}, starting with an empty list`, error);
        await rename(file, aside).catch(() => undefined);
        return [];
      }
    },
    save(transfers) {
      const text = JSON.stringify({ version: 1, transfers });
      chain = chain.then(() => writeFileAtomic(file, text, 0o600)).catch((error: unknown) => log(`HTTPS transfers: ${file} could not be written`, error));
      return chain;
    },
  };
}
