/**
 * node-postgres, loaded on first use: a command on a data folder never pays for it (about a third of the CLI's
 * start-up time). Types come from `import type { … } from 'pg'`, which costs nothing at run time.
 */
export function pgLib(): typeof import('pg') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pg') as typeof import('pg');
}
