/**
 * A direct line from the store process to the window for answers too big to pass through main (a 10,000-task team
 * is megabytes): main makes a MessageChannel when the page asks (BULK_HELLO), gives one end to the store process and
 * the other to the page (BULK_PORT), and the page says it holds it (BULK_READY). Main then tells the store process,
 * with each call, which line the page holds; a big answer goes down that line and main relays only its ticket.
 */
export const BULK_HELLO = 'lockstep:bulk-hello';
export const BULK_PORT = 'lockstep:bulk-port';
export const BULK_READY = 'lockstep:bulk-ready';
/** Answers at least this long (characters of JSON) take the direct line. */
export const BULK_MIN_CHARS = 64 * 1024;

/** What main relays instead of a big answer: the ticket the answer arrives under on the direct line. */
export interface BulkTicket {
  lockstepBulk: string;
}

export function isBulkTicket(value: unknown): value is BulkTicket {
  return typeof value === 'object' && value !== null && typeof (value as BulkTicket).lockstepBulk === 'string';
}
