import { z } from 'zod';
import type { SerializedError } from '../errors';

/** A journal entry a call wrote: what the window's undo stack keeps (the window's own changes, by number). */
export const journaledChangeSchema = z.object({
  team: z.string(),
  seq: z.number(),
  op: z.string(),
  /** The change in words: `assigned "Docs" to tester`. */
  text: z.string(),
  taskId: z.string().optional(),
  /** Whether it can be undone (task, member and team changes; not, for example, a stall-radar temp-file fix). */
  undoable: z.boolean(),
  /** A deleted team's place in the trash: undoing brings it back from there. */
  trash: z.string().optional(),
});
export type JournaledChange = z.output<typeof journaledChangeSchema>;

/**
 * What every call returns across IPC: Electron forwards only an error's message from `handle`, so errors are data.
 * A call that changed something also lists the journal entries it wrote (`journaled`).
 */
export type ApiResult<T> = { ok: true; value: T; journaled?: JournaledChange[] } | { ok: false; error: SerializedError };
