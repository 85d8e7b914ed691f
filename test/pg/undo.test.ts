import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/pg-store';
import { postgresBackend as backend } from '../race/backends';

/**
 * Undo on the database racing an agent's write to the same task, each on its own connection: the undo either goes
 * first (and the agent's change lands on top of it) or is refused naming the agent; never is the agent's change
 * undone with it, and never is an undo half applied.
 */

describe.skipIf(backend.skipReason !== null)('undo by number on a database, racing an agent', () => {
  beforeAll(() => backend.start(), 60_000);
  afterAll(async () => {
    await backend.cleanup();
    await backend.stop();
  });

  it('20 rounds of an undo against an agent’s edit of the same task: the agent’s edit always survives, and the undo is all or nothing', async () => {
    const url = await backend.fixture();
    const window = new PostgresStore({ url, actor: { name: 'ana', via: 'app' } });
    const agent = new PostgresStore({ url, actor: { name: 'agent-3', via: 'cli' } });
    try {
      const outcomes = { undone: 0, refused: 0 };
      for (let round = 0; round < 20; round++) {
        const before = await window.getTask('webapp', '087e245f');
        const edit = await window.track(() => window.updateTask('webapp', '087e245f', { priority: before.priority === 'high' ? 'low' : 'high' }, { agent: 'ana' }));
        const seq = edit.journaled[0].entry.seq;
        const subject = `agent's subject ${round}`;
        const [undo, theirs] = await Promise.allSettled([
          window.undoChange('webapp', seq, { actor: { name: 'ana', via: 'app' }, trusted: new Set([seq]) }),
          agent.updateTask('webapp', '087e245f', { subject }, { agent: 'agent-3' }),
        ]);
        expect(theirs.status).toBe('fulfilled');
        const now = await window.getTask('webapp', '087e245f');
        expect(now.subject).toBe(subject);
        const journal = await window.history('webapp');
        if (undo.status === 'fulfilled') {
          outcomes.undone++;
          expect(now.priority).toBe(before.priority);
          expect(journal.filter((e) => e.details?.undoes === seq)).toHaveLength(1);
        } else {
          outcomes.refused++;
          expect(undo.reason).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^agent-3 changed the subject .*nothing was undone/) });
          expect(now.priority).toBe(edit.value.priority);
          expect(journal.filter((e) => e.details?.undoes === seq)).toHaveLength(0);
        }
      }
      console.log(`undo racing an agent's edit, 20 rounds on the database: ${outcomes.undone} undone first, ${outcomes.refused} refused naming the agent`);
      expect(outcomes.undone + outcomes.refused).toBe(20);
    } finally {
      await window.close();
      await agent.close();
    }
  });
});
