import type { z } from 'zod';
import { AGENT_API } from '../agents-api';
import { MESSAGE_API } from '../messages-api';
import { REQUEST_API } from '../requests-api';
import { APP_API } from './app-calls';
import type { EventName, EventPayload } from './events';
import type { ApiResult } from './result';
import { activityItemSchema, TASK_API } from './task-calls';
import { TEAM_API } from './team-calls';

/**
 * The one contract between the renderer and the main process: every call the page can make (input and output
 * schemas, and its kind: kinds.ts) and every event pushed to the window (events.ts). The store process validates each
 * input with these schemas before touching disk; the preload exposes exactly these names as `window.lockstep`; types
 * flow from here (and model.ts) to all the processes. Importers use this folder as one module (`shared/api`).
 */

export { ACTIVITY_HEIGHT, THEMES, themeSchema, connectionSchema, type Theme } from './app-calls';
export { activityItemSchema };
export { journaledChangeSchema, type ApiResult, type JournaledChange } from './result';
export { EVENTS, EVENT_NAMES, MENU_COMMANDS, type EventName, type EventPayload, type MenuCommand } from './events';
export { callKind, type CallKind } from './kinds';

/** Every call: name → input and output schema (and kind). */
export const API = {
  // The app's own: settings, the window's look, notifications, a folder or a database (app-calls.ts).
  ...APP_API,
  // Teams and members (team-calls.ts).
  ...TEAM_API,
  // Tasks, undo, history and health (task-calls.ts).
  ...TASK_API,
  // Messages and costs (messages-api.ts).
  ...MESSAGE_API,
  // Approvals: plans, shutdown and join requests (requests-api.ts).
  ...REQUEST_API,
  // Running agents (agents-api.ts).
  ...AGENT_API,
} as const;

export type ApiName = keyof typeof API;
export type ApiInput<N extends ApiName> = z.input<(typeof API)[N]['input']>;
export type ApiOutput<N extends ApiName> = z.output<(typeof API)[N]['output']>;
export const API_NAMES = Object.keys(API) as ApiName[];
export type ActivityItem = z.output<typeof activityItemSchema>;

/** The IPC channel of a call or event; one fixed prefix so main can reject anything else. */
export const channelOf = (name: ApiName | EventName): string => `lockstep:${name}`;

/** The typed API the preload exposes as `window.lockstep`. */
export type LockstepApi = {
  [N in ApiName]: (input: ApiInput<N>) => Promise<ApiResult<ApiOutput<N>>>;
} & {
  on<E extends EventName>(event: E, callback: (payload: EventPayload<E>) => void): () => void;
};
