import { z } from 'zod';

/**
 * Errors are values: every failure a caller can act on carries a stable `code`, a sentence a person can act on,
 * and structured `details`. They cross process boundaries (IPC, CLI --json) as {code, message, details}.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'TASK_LOCKED',
  'CONFLICT',
  'CLAIM_LOST',
  'CORRUPT_FILE',
  'STORE_BUSY',
  'STORE_UNAVAILABLE',
  'LOCK_COMPROMISED',
  'UNSAFE_PATH',
  'IO_ERROR',
  /** A wait ran out of time (lockstep task wait --timeout). */
  'TIMED_OUT',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = Record<string, unknown>;

/** An error as it crosses a process boundary (IPC, CLI --json). */
export const serializedErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type SerializedError = z.infer<typeof serializedErrorSchema>;

export class LockstepError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'LockstepError';
    this.code = code;
    this.details = details;
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export class InvalidInputError extends LockstepError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('INVALID_INPUT', message, details);
    this.name = 'InvalidInputError';
  }
}

export class NotFoundError extends LockstepError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('NOT_FOUND', message, details);
    this.name = 'NotFoundError';
  }
}

/** "Team X does not exist.": the one wording for a team that is not there, wherever the store finds it missing. */
export function teamNotFound(team: string): NotFoundError {
  return new NotFoundError(`Team ${team} does not exist.`, { team });
}

/** "Task T does not exist in team X." */
export function taskNotFound(team: string, taskId: string): NotFoundError {
  return new NotFoundError(`Task ${taskId} does not exist in team ${team}.`, { team, taskId });
}

export class AlreadyExistsError extends LockstepError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('ALREADY_EXISTS', message, details);
    this.name = 'AlreadyExistsError';
  }
}

/** A task claim is held by somebody else. `holder` and `lockedAt` say who and since when. */
export class TaskLockError extends LockstepError {
  readonly holder: string;
  readonly lockedAt: string;

  constructor(team: string, taskId: string, holder: string, lockedAt: string) {
    const since = lockedAt ? ` since ${lockedAt}` : '';
    super('TASK_LOCKED', `Task ${taskId} in team ${team} is claimed by ${holder}${since}; ask them to release it, or force the claim.`, {
      team,
      taskId,
      holder,
      lockedAt,
    });
    this.name = 'TaskLockError';
    this.holder = holder;
    this.lockedAt = lockedAt;
  }
}

export class ConflictError extends LockstepError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('CONFLICT', message, details);
    this.name = 'ConflictError';
  }
}

export class ClaimLostError extends LockstepError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('CLAIM_LOST', message, details);
    this.name = 'ClaimLostError';
  }
}

export class CorruptFileError extends LockstepError {
  constructor(path: string, reason: string) {
    super('CORRUPT_FILE', `${path} cannot be read: ${reason}. It was left untouched; fix or remove it.`, {
      path,
      reason,
    });
    this.name = 'CorruptFileError';
  }
}

export class StoreBusyError extends LockstepError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('STORE_BUSY', message, details);
    this.name = 'StoreBusyError';
  }
}

/** The database behind the store cannot be reached (down, network gone, connection cut), after bounded retries. */
export class StoreUnavailableError extends LockstepError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('STORE_UNAVAILABLE', message, details);
    this.name = 'StoreUnavailableError';
  }
}

export class LockCompromisedError extends LockstepError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('LOCK_COMPROMISED', message, details);
    this.name = 'LockCompromisedError';
  }
}

/**
 * A path inside the data folder that Lockstep will not follow or rewrite: a symbolic link, or a file where a folder
 * belongs (or the other way round). It is left alone; only its path is named, never what it points to.
 */
export class UnsafePathError extends LockstepError {
  constructor(path: string, reason: string) {
    super(
      'UNSAFE_PATH',
      `${path} was left alone: ${reason}. Lockstep never follows links found inside the data folder; remove or replace it with a real file or folder.`,
      {
        path,
        reason,
      },
    );
    this.name = 'UnsafePathError';
  }
}

export function isLockstepError(value: unknown): value is LockstepError {
  return value instanceof LockstepError;
}

/** Turns anything thrown into a serializable error value; unknown errors become INTERNAL/IO_ERROR without stacks. */
export function toSerializedError(err: unknown): SerializedError {
  if (err instanceof LockstepError) return err.toJSON();
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    const e = err as { code?: string; path?: string; message: string };
    if (e.code && /^E[A-Z]+$/.test(e.code)) {
      return {
        code: 'IO_ERROR',
        message: `File system error (${e.code})${e.path ? ` on ${e.path}` : ''}: ${e.message.replace(/[.]?$/, '.')}`,
        details: { errno: e.code, path: e.path },
      };
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}`, details: {} };
}

/** Rebuilds a typed error on the receiving side of a boundary. */
export function fromSerializedError(s: SerializedError): LockstepError {
  return new LockstepError(s.code, s.message, s.details);
}
