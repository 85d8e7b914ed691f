import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendsHere, sql, storesOf, type Backend } from '../race/backends';

/**
 * The stall radar's mailbox finding that applies to both backends, from one set of tests: an inbox that belongs to
 * no member (a typo in a recipient) is reported with the messages waiting there, and its fix adds the member.
 * (orphan-claim and dead-letter exist only on a data folder: test/clawteam/messages.test.ts.)
 */

function suite(backend: Backend): void {
  const { open, cli } = storesOf(backend);

  /** The team config as saved (the file, or the row's bytes), parsed. */
  async function savedConfig(loc: string, team: string): Promise<{ members: Array<Record<string, unknown>> }> {
    if (backend.name === 'folder') return JSON.parse(fs.readFileSync(path.join(loc, 'teams', team, 'config.json'), 'utf8'));
    const rows = await sql(loc, 'SELECT config_raw FROM lockstep_teams WHERE name = $1', [team]);
    return JSON.parse(rows[0].config_raw);
  }

  /** The team journal as saved; none yet in a folder nobody changed through Lockstep. */
  async function journal(loc: string, team: string): Promise<Array<Record<string, any>>> {
    if (backend.name === 'folder' && !fs.existsSync(path.join(loc, 'tasks', team, '.lockstep', 'journal.jsonl'))) return [];
    return backend.journal(loc, team);
  }

  it('stranger-inbox: a non-member inbox is reported with its waiting messages; the fix adds the member, once', async () => {
    const loc = await backend.fixture();
    const store = open(loc);
    const id = 'stranger-inbox:tseter';
    await store.messages.send('webapp', { from: 'lead', to: 'tseter', content: 'typo 1' });
    await store.messages.send('webapp', { from: 'frontend', to: 'tseter', content: 'typo 2' });
    // lead's inbox is ana_lead (it has a user): a member's inbox, not a stranger's.
    await store.messages.send('webapp', { from: 'tester', to: 'lead', content: 'for the lead' });

    const strangers = async () => (await store.doctor('webapp')).filter((f) => f.kind === 'stranger-inbox');
    const found = await strangers();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      id,
      kind: 'stranger-inbox',
      fix: { action: 'add-member', label: 'Add tseter to the team' },
      message: 'tseter has an inbox in team webapp but is not a member: 2 message(s) wait there for nobody; broadcasts still go there.',
    });
    expect(found[0].path).toBe(
      backend.name === 'folder' ? path.join(loc, 'teams', 'webapp', 'inboxes', 'tseter') : 'postgres:webapp/inboxes/tseter',
    );
    // The CLI (another process) sees the same finding.
    const shown = cli(loc, ['doctor', 'webapp']);
    expect(shown.code).toBe(0);
    expect(shown.json.findings.filter((f: any) => f.kind === 'stranger-inbox')).toEqual(found);

    const journalBefore = (await journal(loc, 'webapp')).length;
    const { fixed } = await store.fixFinding('webapp', id);
    expect(fixed).toEqual(found[0]);

    // The member is in the team (as the store reads it and as saved), with the fix's defaults.
    expect((await store.getTeam('webapp')).members.find((m) => m.name === 'tseter')).toMatchObject({
      name: 'tseter',
      user: '',
      agentType: 'general-purpose',
    });
    const saved = await savedConfig(loc, 'webapp');
    expect(saved.members.map((m) => m.name)).toEqual(['lead', 'frontend', 'backend', 'tester', 'tseter']);
    expect(saved.members[4]).toMatchObject({ name: 'tseter', user: '', agentType: 'general-purpose' });
    expect(saved.members[4].agentId).toMatch(/^[0-9a-f]{12}$/);

    // Journaled: the fix (by its finding id) and the added member, which undo can take back.
    const added = (await journal(loc, 'webapp')).slice(journalBefore);
    expect(added.some((e) => e.details?.findingId === id)).toBe(true);
    const member = added.find((e) => e.op === 'team.add-member');
    expect(member?.details).toMatchObject({ member: 'tseter', change: { kind: 'add-member', member: 'tseter', index: 4 } });

    // The finding is gone; the messages reach the new member; fixing it again is refused in words.
    expect(await strangers()).toEqual([]);
    expect((await store.messages.receive('webapp', 'tseter')).map((m) => m.content)).toEqual(['typo 1', 'typo 2']);
    await expect(store.fixFinding('webapp', id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `Finding ${id} no longer applies in team webapp: it was fixed or the task moved on. Run doctor again.`,
    });
    const again = cli(loc, ['doctor', 'webapp', '--fix', id]);
    expect(again.code).toBe(4);
    expect(again.json.error.message).toMatch(/no longer applies/);
    expect((await savedConfig(loc, 'webapp')).members.filter((m) => m.name === 'tseter')).toHaveLength(1);

    // Undoing the added member brings the finding back (the inbox is still there, now empty).
    await store.undoChange('webapp', member!.seq);
    expect((await store.getTeam('webapp')).members.map((m) => m.name)).not.toContain('tseter');
    expect((await strangers()).map((f) => [f.id, f.message])).toEqual([
      [id, 'tseter has an inbox in team webapp but is not a member; broadcasts still go there.'],
    ]);
  });

  it('a finding for an inbox that became a member meanwhile is not fixed twice', async () => {
    const loc = await backend.fixture();
    const store = open(loc);
    await store.messages.send('webapp', { from: 'lead', to: 'newbie', content: 'welcome' });
    expect((await store.doctor('webapp')).map((f) => f.id)).toContain('stranger-inbox:newbie');
    await store.addMember('webapp', { name: 'newbie', user: '', agentType: 'general-purpose' });
    await expect(store.fixFinding('webapp', 'stranger-inbox:newbie')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await store.getTeam('webapp')).members.filter((m) => m.name === 'newbie')).toHaveLength(1);
    await expect(store.fixFinding('webapp', 'stranger-inbox:nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
}

for (const backend of backendsHere()) {
  describe.skipIf(backend.skipReason !== null)(`${backend.name} backend: the stall radar's mailbox`, () => {
    beforeAll(() => backend.start(), 60_000);
    afterAll(async () => {
      await backend.cleanup();
      await backend.stop();
    });
    suite(backend);
  });
}
