import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_CMD, cleanUp, cli, newDataDir, status } from './agent-harness';

/** Item 9: each agent in its own git worktree on its own branch; removing it never loses work silently. */
const dirs: string[] = [];
afterEach(() => cleanUp(dirs));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' },
  }).trim();

describe('an agent in its own git worktree', () => {
  it('starts in a worktree on lockstep/<team>/<agent>; removal is refused while work is unmerged, done after --force', () => {
    const data = newDataDir(dirs);
    const repo = newDataDir(dirs);
    git(repo, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'README'), 'hi\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'first');
    expect(cli(data, ['team', 'create', 't', '--member', 'lead', '--member', 'w1']).code).toBe(0);

    const run = cli(data, ['agent', 'start', 't', 'w1', '--cwd', repo, '--worktree', '--', ...AGENT_CMD]);
    expect(run.code, JSON.stringify(run.json)).toBe(0);
    const where = path.join(data, 'workspaces', 't', 'w1');
    expect(run.json.worktree).toEqual({ path: where, branch: 'lockstep/t/w1', repo: fs.realpathSync(repo), base: 'main' });
    expect(run.json.cwd).toBe(repo);
    expect(git(where, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('lockstep/t/w1');
    // The prompt tells the agent where it works.
    const registry = JSON.parse(fs.readFileSync(path.join(data, 'teams', 't', 'spawn_registry.json'), 'utf8'));
    expect(registry.w1.command[3]).toContain(`- Working directory: ${where}\n- Branch: lockstep/t/w1`);

    // Not while it runs.
    expect(cli(data, ['agent', 'worktree-remove', 't', 'w1']).json.error.message).toBe(
      'w1 is still running in its worktree; stop it first.',
    );
    expect(cli(data, ['agent', 'stop', 't', 'w1', '--grace', '2s']).code).toBe(0);
    expect(status(data, 't', 'w1').state).toBe('exited');

    // The agent's work: one commit and one uncommitted file.
    fs.writeFileSync(path.join(where, 'work.txt'), 'done\n');
    git(where, 'add', 'work.txt');
    git(where, 'commit', '-qm', 'work');
    fs.writeFileSync(path.join(where, 'draft.txt'), 'draft\n');
    const refused = cli(data, ['agent', 'worktree-remove', 't', 'w1']).json.error;
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toBe(
      `Removing ${where} would lose 1 uncommitted change(s) in ${where} and 1 commit(s) on lockstep/t/w1 not merged into main: merge or commit it first, or confirm (--force).`,
    );
    expect(fs.existsSync(path.join(where, 'draft.txt'))).toBe(true);

    const removed = cli(data, ['agent', 'worktree-remove', 't', 'w1', '--force']).json;
    expect(removed.removed).toBe(where);
    expect(removed.lost).toHaveLength(2);
    expect(fs.existsSync(where)).toBe(false);
    expect(git(repo, 'branch', '--list', 'lockstep/t/w1')).toBe('');
  });

  it('a folder outside git is refused in words', () => {
    const data = newDataDir(dirs);
    expect(cli(data, ['team', 'create', 't', '--member', 'lead']).code).toBe(0);
    const res = cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--worktree', '--', ...AGENT_CMD]);
    expect(res.json.error.message).toBe(
      `${data} is not inside a git repository: an agent's own worktree needs one (or start it without --worktree).`,
    );
  });
});
