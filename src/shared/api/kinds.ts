/**
 * What kind of call a contract entry is, kept on the entry itself (one home): handlers.ts derives from it which calls
 * are tracked for undo and which answer while a database is away, so a new call cannot be left off a list.
 * - `write` (the default): changes the store; its journal entries are tracked (the window's undo stack).
 * - `read`: reads the store, journals nothing.
 * - `app`: the window's own settings, dialogs and connection: needs no store (answers while a database is away).
 */
export type CallKind = 'write' | 'read' | 'app';

/** Marks a contract entry as a read of the store. */
export const readCall = <T extends object>(entry: T): T & { kind: 'read' } => ({ ...entry, kind: 'read' });

/** Marks a contract entry as the app's own (settings, dialogs, the connection): no store needed. */
export const appCall = <T extends object>(entry: T): T & { kind: 'app' } => ({ ...entry, kind: 'app' });

/** The kind of a contract entry (`write` unless marked). */
export function callKind(entry: object): CallKind {
  const kind = (entry as { kind?: CallKind }).kind;
  return kind ?? 'write';
}
