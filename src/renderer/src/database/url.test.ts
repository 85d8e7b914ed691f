import { describe, expect, it } from 'vitest';
import { databaseUrlProblem } from './ConnectDatabaseDialog';

describe('the connect dialog’s URL check', () => {
  it('accepts host, port, database and user, and says what is missing otherwise', () => {
    expect(databaseUrlProblem('postgres://ana@db.example:5432/board')).toBeNull();
    expect(databaseUrlProblem('postgresql://db.example/board')).toBeNull();
    expect(databaseUrlProblem('postgres://ana:secret@[::1]:6543/board')).toBeNull();
    expect(databaseUrlProblem('')).toMatch(/^Give the database URL/);
    expect(databaseUrlProblem('mysql://x@h/db')).toMatch(/starts with postgres:\/\//);
    expect(databaseUrlProblem('postgres://ana@/board')).toMatch(/^Name the server/);
    expect(databaseUrlProblem('postgres://ana@db.example:port/board')).toBe('"port" is not a port number.');
    expect(databaseUrlProblem('postgres://ana@db.example:5432/')).toMatch(/^Name the database/);
    expect(databaseUrlProblem('postgres://ana@db.example:5432')).toMatch(/^Name the database/);
  });
});
