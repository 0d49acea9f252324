import { z } from 'zod';
import { localPathSchema } from './paths';

export const themes = ['system', 'light', 'dark'] as const;
export const themeSchema = z.enum(themes);
export type Theme = z.infer<typeof themeSchema>;

const serviceUrl = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .url('must be a URL such as https://transfer.api.globus.org')
  .refine((u) => /^https?:\/\//.test(u), 'must start with https:// (or http:// for a local emulator)');

export const globusEnvironmentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('production') }),
  z.object({
    kind: z.literal('custom'),
    authUrl: serviceUrl,
    transferUrl: serviceUrl,
    /** Globus Timers; absent: the Transfer URL (a local emulator serves every service on one URL). */
    timersUrl: serviceUrl.optional(),
    /** Globus Groups; absent: the Transfer URL. */
    groupsUrl: serviceUrl.optional(),
  }),
]);
export type GlobusEnvironment = z.infer<typeof globusEnvironmentSchema>;

export const settingsSchema = z.object({
  /** Where Ferry keeps history, queue, sync state and endpoint stores. Applies after a restart. */
  dataDir: localPathSchema('Data folder'),
  theme: themeSchema,
  globus: globusEnvironmentSchema,
  /** Native-app client id registered with Globus (empty: use FERRY_GLOBUS_CLIENT_ID or none). */
  globusClientId: z.union([z.literal(''), z.string().trim().uuid('Client id must be a UUID from app.globus.org/settings/developers')]),
  /** Largest file the browser host accepts when one is dropped on its page (MB). */
  uploadLimitMb: z.number().int('Upload limit must be a whole number of MB').min(1, 'Upload limit must be at least 1 MB').max(1_048_576, 'Upload limit must be at most 1,048,576 MB (1 TiB)'),
  notifications: z.object({
    /** Desktop notification when a task Ferry submitted ends. */
    taskEnded: z.boolean(),
    /** Ask Globus to e-mail on every bulk task (off: one local summary instead). */
    globusEmailsForBulkTasks: z.boolean(),
  }),
  /** Warnings before things fail: consents, sessions, sharing rules, quiet syncs/timers/queues. */
  alerts: z.object({
    /** Notify this many days before a consent, session or sharing rule stops working. */
    warnDaysBefore: z.number().int('Days must be a whole number').min(1, 'Warn at least 1 day before').max(90, 'Warn at most 90 days before'),
    /** Alarm when a sync job, timer or queue destination moved nothing for this many hours while changes were expected. */
    watchdogHours: z.number().int('Hours must be a whole number').min(1, 'The watchdog period must be at least 1 hour').max(720, 'The watchdog period must be at most 720 hours (30 days)'),
    /** One local summary a day of what moved and what failed. */
    dailySummary: z.boolean(),
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
    uploadLimitMb: 10_240,
    notifications: { taskEnded: true, globusEmailsForBulkTasks: false },
    alerts: { warnDaysBefore: 7, watchdogHours: 24, dailySummary: false },
  };
}
