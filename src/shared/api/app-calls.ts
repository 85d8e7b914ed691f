import { z } from 'zod';
import { agentNameSchema } from '../schemas';
import { settingsSchema, themeSchema } from '../model';
import { appCall } from './kinds';

/** The app's own calls (settings, the look of the window, notifications, opening a folder or a database). */

// The shapes the calls answer with (tasks, teams, journal entries, findings, settings) come from model.ts.
export { THEMES, themeSchema, type Theme } from '../model';
/** Bounds of the activity region's height (px); the window keeps room for the board. */
export const ACTIVITY_HEIGHT = { min: 80, max: 600, initial: 160 } as const;

export const emptyInput = z.object({}).strict();

/** Whether the store is reachable: a database can go away (the window shows a banner until it is back). */
export const connectionSchema = z.object({
  state: z.enum(['connected', 'unavailable']),
  /** "host:port/dbname", or the data folder. */
  label: z.string(),
  /** Why, in plain words, when unavailable. */
  reason: z.string().optional(),
});

export const APP_API = {
  getSettings: appCall({ input: emptyInput, output: settingsSchema }),
  setAgentName: appCall({ input: z.object({ agentName: agentNameSchema }).strict(), output: settingsSchema }),
  setClawteamInterlock: appCall({ input: z.object({ enabled: z.boolean() }).strict(), output: settingsSchema }),
  /** How the window looks: theme, the activity region shown/collapsed and its height, the messages column shown/folded; remembered between runs. */
  setAppearance: appCall({
    input: z
      .object({
        theme: themeSchema.optional(),
        activityOpen: z.boolean().optional(),
        activityHeight: z.number().int().min(ACTIVITY_HEIGHT.min).max(ACTIVITY_HEIGHT.max).optional(),
        messagesOpen: z.boolean().optional(),
        notifications: z.boolean().optional(),
      })
      .strict(),
    output: settingsSchema,
  }),
  /**
   * A desktop notification (Electron's Notification) of something that needs the person's attention; shown only when
   * they turned notifications on in Settings (`shown` says whether it was).
   */
  notify: appCall({
    input: z.object({ title: z.string().trim().min(1).max(120), body: z.string().max(400) }).strict(),
    output: z.object({ shown: z.boolean() }),
  }),
  /**
   * Opens a native folder chooser in main; returns the settings after the switch (or unchanged if cancelled). The
   * window never names a path: main opens only folders the person picked in the dialog.
   */
  openDataFolder: appCall({ input: emptyInput, output: settingsSchema }),
  /**
   * Connects the app to a PostgreSQL database (creating or upgrading Lockstep's tables), remembered like the last
   * folder: the URL without its password; the password (optional: PGPASSWORD or ~/.pgpass also work) only through the
   * system's secure storage. Refused in plain words naming the field at fault (`details.field`: url or password).
   */
  connectDatabase: appCall({
    input: z
      .object({
        url: z.string().trim().min(1, 'Give the database URL, like postgres://user@host:5432/dbname.').max(2000),
        password: z.string().max(1000).optional(),
      })
      .strict(),
    output: settingsSchema,
  }),
  /** Whether the database is reachable now (a data folder always is). */
  getConnection: appCall({ input: emptyInput, output: connectionSchema }),
};
