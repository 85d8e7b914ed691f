import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { copyFixture } from '../race/harness';
import { lockstep } from './cli-harness';

/** Conflict-checked edits, leased claims with fencing tokens, undo: each across real processes. */

const PY_WRITER = path.join(__dirname, '..', 'clawteam', 'clawteam_writer.py');

describe('conflict-checked edits (--expect VERSION)', () => {
  it('applies an edit made on a fresh version and refuses one made on a stale version, naming who changed it', () => {
    const dir = copyFixture();
    const read = lockstep(dir, ['task', 'show', 'webapp', '087e245f']);
    const v1 = read.json.version as string;
    const fresh = lockstep(dir, ['task', 'update', 'webapp', '087e245f', '--priority', 'high', '--expect', v1, '--as', 'agent-1']);
    expect(fresh.code).toBe(0);
    expect(fresh.json.priority).toBe('high');
    // agent-2 still holds v1: its edit must not overwrite agent-1's.
    const stale = lockstep(dir, ['task', 'update', 'webapp', '087e245f', '--subject', 'Mine', '--expect', v1, '--as', 'agent-2']);
    expect(stale.code).toBe(1);
    expect(stale.json.error.code).toBe('CONFLICT');
    expect(stale.json.error.message).toContain('agent-1');
    expect(stale.json.error.details.changedBy).toBe('agent-1');
    expect(lockstep(dir, ['task', 'show', 'webapp', '087e245f']).json.subject).toBe('Document the API');
  });

  it('sees a rewrite by a ClawTeam writer (which knows nothing of versions) as a change', () => {
    const dir = copyFixture();
    const v1 = lockstep(dir, ['task', 'show', 'webapp', '087e245f']).json.version as string;
    const py = spawnSync('python3', [PY_WRITER, 'merge-meta', '--data-dir', dir, '--team', 'webapp', '--task', '087e245f', '--prefix', 'ct-', '--count', '1']);
    expect(py.status).toBe(0);
    const stale = lockstep(dir, ['task', 'update', 'webapp', '087e245f', '--priority', 'low', '--expect', v1]);
    expect(stale.json.error.code).toBe('CONFLICT');
    expect(stale.json.error.message).toMatch(/outside Lockstep/);
    const v2 = lockstep(dir, ['task', 'show', 'webapp', '087e245f']).json.version as string;
    expect(lockstep(dir, ['task', 'update', 'webapp', '087e245f', '--priority', 'low', '--expect', v2]).code).toBe(0);
  });
});

describe('leased claims with fencing tokens', () => {
  it('lets another agent take an expired lease and refuses the old holder’s --token write with CLAIM_LOST', async () => {
    const dir = copyFixture();
    const first = lockstep(dir, ['task', 'claim', 'webapp', '087e245f', '--as', 'slowpoke', '--lease', '3s']);
    expect(first.code).toBe(0);
    const oldToken = first.json.metadata.lockstep.claim.token as number;
    // While the lease runs, the claim holds.
    expect(lockstep(dir, ['task', 'claim', 'webapp', '087e245f', '--as', 'eager']).json.error.code).toBe('TASK_LOCKED');
    await new Promise((r) => setTimeout(r, 3100));
    const takeover = lockstep(dir, ['task', 'claim', 'webapp', '087e245f', '--as', 'eager']);
    expect(takeover.code).toBe(0);
    const newToken = takeover.json.metadata.lockstep.claim.token as number;
    expect(newToken).toBeGreaterThan(oldToken);
    const zombie = lockstep(dir, ['task', 'complete', 'webapp', '087e245f', '--as', 'slowpoke', '--token', String(oldToken), '--force', '--reason', 'mine']);
    expect(zombie.json.error.code).toBe('CLAIM_LOST');
    expect(zombie.json.error.message).toContain('eager');
    const stillEager = lockstep(dir, ['task', 'show', 'webapp', '087e245f']).json;
    expect(stillEager.lockedBy).toBe('eager');
    expect(stillEager.status).toBe('in_progress');
    // The new holder's token works, and a heartbeat renews its lease.
    expect(lockstep(dir, ['task', 'heartbeat', 'webapp', '087e245f', '--as', 'eager', '--lease', '5m', '--token', String(newToken)]).code).toBe(0);
    expect(lockstep(dir, ['task', 'complete', 'webapp', '087e245f', '--as', 'eager', '--token', String(newToken)]).code).toBe(0);
  });

  it('needs a reason to force-break a live claim, and journals it', () => {
    const dir = copyFixture();
    const noReason = lockstep(dir, ['task', 'release', 'webapp', 'dd0eba2d', '--as', 'lead', '--force']);
    expect(noReason.code).toBe(2);
    expect(noReason.json.error.message).toContain('needs a reason');
    expect(lockstep(dir, ['task', 'release', 'webapp', 'dd0eba2d', '--as', 'lead', '--force', '--reason', 'backend is offline']).code).toBe(0);
    const history = lockstep(dir, ['history', 'webapp', 'dd0eba2d']).json.entries;
    expect(history.at(-1).reason).toBe('backend is offline');
    expect(history.at(-1).actor).toBe('lead');
  });
});

describe('undo', () => {
  it('reverts the actor’s last change, and refuses once an agent changed the task since', () => {
    const dir = copyFixture();
    expect(lockstep(dir, ['task', 'update', 'webapp', '087e245f', '--priority', 'urgent', '--as', 'ana']).code).toBe(0);
    expect(lockstep(dir, ['undo', 'webapp', '--as', 'ana']).code).toBe(0);
    expect(lockstep(dir, ['task', 'show', 'webapp', '087e245f']).json.priority).toBe('medium');

    expect(lockstep(dir, ['task', 'update', 'webapp', '087e245f', '--owner', 'frontend', '--as', 'ana']).code).toBe(0);
    expect(lockstep(dir, ['task', 'claim', 'webapp', '087e245f', '--as', 'agent-3']).code).toBe(0);
    const refused = lockstep(dir, ['undo', 'webapp', '--as', 'ana']);
    expect(refused.json.error.code).toBe('CONFLICT');
    expect(refused.json.error.message).toContain('agent-3');
    const task = lockstep(dir, ['task', 'show', 'webapp', '087e245f']).json;
    expect(task.owner).toBe('frontend');
    expect(task.lockedBy).toBe('agent-3');
  });
});
