import { z } from 'zod';
import { AGENT_EVENTS } from '../agents-api';
import { serializedErrorSchema } from '../errors';
import { MESSAGE_EVENTS } from '../messages-api';
import { countsSchema, settingsSchema } from '../model';
import { connectionSchema } from './app-calls';

/** Menu items whose work happens in the window. */
export const MENU_COMMANDS = [
  'newTask',
  'find',
  'shortcuts',
  'toggleActivity',
  'toggleTheme',
  'undo',
  'redo',
  'connectDatabase',
  'newTeamFromTemplate',
] as const;

/** Events pushed to the window (by the store process's watchers, through main; a few by main itself). */
export const EVENTS = {
  /** Task files of a team changed on disk (any writer); `ids` when known. */
  tasksChanged: z.object({ team: z.string(), ids: z.array(z.string()), at: z.number() }),
  /** What changed in a task, seen by the watcher (any writer): who, what, when — for the activity strip. */
  activity: z.object({
    team: z.string(),
    taskId: z.string(),
    subject: z.string(),
    /** Best guess of who acted: the claim holder or owner after the change, or "" when unknown. */
    actor: z.string(),
    kind: z.enum(['created', 'changed', 'deleted']),
    /** The journal entry that made the change, when a Lockstep writer made it (the activity view reads it). */
    seq: z.number().optional(),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    at: z.number(),
  }),
  /** A team was created, renamed, deleted, or its config changed: the team list is worth reading again. */
  teamsChanged: z.object({ at: z.number() }),
  /** A team's task counts by status changed (a task created, deleted or moved), and nothing else of the team list. */
  countsChanged: z.object({ team: z.string(), counts: countsSchema, at: z.number() }),
  /** Something went wrong outside a call (the watcher failed, the folder vanished). */
  storeError: serializedErrorSchema,
  /** Another data folder (or a database) was opened. */
  folderChanged: settingsSchema,
  /** The database went away or came back (the window's banner). */
  connectionChanged: connectionSchema,
  /** A command chosen in the application menu that the window carries out (shortcuts shown there, handled here). */
  menuCommand: z.object({ command: z.enum(MENU_COMMANDS) }),
  // Messages and costs (messages-api.ts).
  ...MESSAGE_EVENTS,
  // Running agents (agents-api.ts).
  ...AGENT_EVENTS,
} as const;

export type EventName = keyof typeof EVENTS;
export type MenuCommand = (typeof MENU_COMMANDS)[number];
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];
