import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockstep } from '../features/cli-harness';
import { copyFixture } from '../fixture';

/**
 * Lockstep's member profiles (capabilities, WIP limit, role) live in tasks/<team>/.lockstep/members.json, not in
 * ClawTeam's config.json, which ClawTeam rewrites wholesale (dropping member fields it does not know).
 */

const WRITER = path.join(__dirname, 'clawteam_team_writer.py');
const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

function clawteamBudget(data: string, cents: string): void {
  const res = spawnSync('python3', [WRITER, 'budget', '--data-dir', data, '--team', 'webapp', '--cents', cents], { encoding: 'utf8' });
  expect(res.status, res.stderr).toBe(0);
}

const member = (json: any, name: string) => json.members.find((m: { name: string }) => m.name === name);

describe('member profiles survive ClawTeam rewriting config.json', () => {
  it('set-member, then `clawteam cost budget` rewrites the config: the profile is still there and claim --next obeys it', () => {
    const data = copyFixture('lockstep-profiles-');
    cleanup.push(data);
    const set = lockstep(data, ['team', 'set-member', 'webapp', 'backend', '--capability', 'sql', '--wip-limit', '2']);
    expect(set.code, JSON.stringify(set.json)).toBe(0);
    clawteamBudget(data, '500.0');
    const config = JSON.parse(fs.readFileSync(path.join(data, 'teams', 'webapp', 'config.json'), 'utf8'));
    expect(config.budgetCents).toBe(500); // ClawTeam's write happened
    const shown = lockstep(data, ['team', 'show', 'webapp']);
    expect(member(shown.json, 'backend').lockstep).toEqual({ capabilities: ['sql'], wipLimit: 2 });
    // backend already holds dd0eba2d; the WIP limit 2 lets it take one more, which must need only `sql`.
    const ui = lockstep(data, ['task', 'create', 'webapp', 'UI', '--priority', 'urgent', '--meta', 'requires=react']);
    expect(ui.code).toBe(0);
    const next = lockstep(data, ['task', 'claim', 'webapp', '--next', '--as', 'backend']);
    expect(next.json.id).toBe('087e245f'); // not the urgent react task
    expect(lockstep(data, ['task', 'claim', 'webapp', '--next', '--as', 'backend']).json).toBeNull(); // at its limit
  });

  it('profiles kept by older versions inside config.json are read, and move to Lockstep\'s file on the next profile change', () => {
    const data = copyFixture('lockstep-profiles-migrate-');
    cleanup.push(data);
    const file = path.join(data, 'teams', 'webapp', 'config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8'));
    config.members.find((m: { name: string }) => m.name === 'frontend').lockstep = { role: 'UI', capabilities: ['react'] };
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    expect(member(lockstep(data, ['team', 'show', 'webapp']).json, 'frontend').lockstep).toEqual({ role: 'UI', capabilities: ['react'] });

    expect(lockstep(data, ['team', 'set-member', 'webapp', 'tester', '--wip-limit', '1']).code).toBe(0);
    const after = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(after.members.some((m: Record<string, unknown>) => 'lockstep' in m)).toBe(false);
    const own = JSON.parse(fs.readFileSync(path.join(data, 'tasks', 'webapp', '.lockstep', 'members.json'), 'utf8'));
    expect(own.members.frontend).toEqual({ role: 'UI', capabilities: ['react'] });
    expect(own.members.tester).toEqual({ wipLimit: 1 });

    clawteamBudget(data, '10');
    const shown = lockstep(data, ['team', 'show', 'webapp']).json;
    expect(member(shown, 'frontend').lockstep).toEqual({ role: 'UI', capabilities: ['react'] });
    expect(member(shown, 'tester').lockstep).toEqual({ wipLimit: 1 });
    // Removing a member removes its profile too.
    expect(lockstep(data, ['team', 'remove-member', 'webapp', 'tester']).code).toBe(0);
    const own2 = JSON.parse(fs.readFileSync(path.join(data, 'tasks', 'webapp', '.lockstep', 'members.json'), 'utf8'));
    expect(own2.members.tester).toBeUndefined();
  });
});
