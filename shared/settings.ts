import { z } from 'zod';
import { isAbsolutePath } from './paths';

export const themes = ['system', 'light', 'dark'] as const;
export const themeSchema = z.enum(themes);
export type Theme = z.infer<typeof themeSchema>;

const serviceUrl = z
  .string()
  .trim()
  .url('must be a URL such as https://transfer.api.globus.org')
  .refine((u) => /^https?:\/\//.test(u), 'must start with https:// (or http:// for a local emulator)');

export const globusEnvironmentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('production') }),
  z.object({
    kind: z.literal('custom'),
    authUrl: serviceUrl,
    transferUrl: serviceUrl,
  }),
]);
export type GlobusEnvironment = z.infer<typeof globusEnvironmentSchema>;

export const settingsSchema = z.object({
  /** Where Ferry keeps history, queue, sync state and endpoint stores. Applies after a restart. */
  dataDir: z
    .string()
    .trim()
    .min(1, 'Data folder is required')
    .refine(isAbsolutePath, 'Data folder must be an absolute path, such as /home/me/ferry-data'),
  theme: themeSchema,
  globus: globusEnvironmentSchema,
  /** Native-app client id registered with Globus (empty: use FERRY_GLOBUS_CLIENT_ID or none). */
  globusClientId: z.union([z.literal(''), z.string().trim().uuid('Client id must be a UUID from app.globus.org/settings/developers')]),
  notifications: z.object({
    /** Desktop notification when a task Ferry submitted ends. */
    taskEnded: z.boolean(),
    /** Ask Globus to e-mail on every bulk task (off: one local summary instead). */
    globusEmailsForBulkTasks: z.boolean(),
  }),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export function defaultSettings(dataDir: string): Settings {
  return {
    dataDir,
    theme: 'system',
    globus: { kind: 'production' },
    globusClientId: '',
    notifications: { taskEnded: true, globusEmailsForBulkTasks: false },
  };
}
