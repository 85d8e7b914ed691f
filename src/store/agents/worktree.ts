import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/errors';
import { assertName } from '../../shared/names';
import { assertNoLinks, mkdirInside } from '..';
import type { AgentPaths } from './agent-paths';

/**
 * Each agent in its own git worktree on its own branch, laid out as ClawTeam lays out its
 * workspaces: `<data folder>/workspaces/<team>/<agent>`, on branch `lockstep/<team>/<agent>` made from the folder's
 * current HEAD. Removing one never loses work silently: uncommitted changes or commits not merged into the branch it
 * came from refuse the removal, in words, unless the caller confirmed with `force`.
 */
export interface AgentWorktree {
  path: string;
  branch: string;
  /** The repository's top folder and the branch (or commit) the worktree started from. */
  repo: string;
  base: string;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function gitOk(cwd: string, args: string[]): boolean {
  try {
    git(cwd, args);
    return true;
  } catch {
    return false;
  }
}

/** Creates (or, after a restart, finds again) the agent's worktree for the repository holding `folder`. */
export function ensureWorktree(paths: AgentPaths, team: string, agent: string, folder: string): AgentWorktree {
  let repo: string;
  try {
    repo = git(folder, ['rev-parse', '--show-toplevel']);
  } catch {
    throw new InvalidInputError(
      `${folder} is not inside a git repository: an agent's own worktree needs one (or start it without --worktree).`,
    );
  }
  const base = gitOk(repo, ['symbolic-ref', '-q', 'HEAD'])
    ? git(repo, ['rev-parse', '--abbrev-ref', 'HEAD'])
    : git(repo, ['rev-parse', 'HEAD']);
  const branch = `lockstep/${assertName(team, 'team')}/${assertName(agent, 'agent')}`;
  const where = path.join(paths.root, 'workspaces', team, agent);
  mkdirInside(paths.root, path.dirname(where));
  assertNoLinks(paths.root, where, 'dir');
  if (fs.existsSync(where)) {
    const listed = git(repo, ['worktree', 'list', '--porcelain']);
    if (!listed.split('\n').includes(`worktree ${where}`) && !listed.split('\n').includes(`worktree ${fs.realpathSync(where)}`)) {
      throw new ConflictError(`${where} exists but is not a worktree of ${repo}; move it away first.`, { path: where });
    }
    return { path: where, branch, repo, base: worktreeBase(repo, branch, base) };
  }
  const exists = gitOk(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  git(repo, exists ? ['worktree', 'add', where, branch] : ['worktree', 'add', '-b', branch, where, 'HEAD']);
  if (!exists) git(repo, ['config', `branch.${branch}.lockstep-base`, base]);
  return { path: where, branch, repo, base };
}

function worktreeBase(repo: string, branch: string, fallback: string): string {
  try {
    return git(repo, ['config', `branch.${branch}.lockstep-base`]) || fallback;
  } catch {
    return fallback;
  }
}

/** What removing the worktree would lose: uncommitted changes and commits not in its base. Empty when nothing. */
export function unmergedWork(wt: AgentWorktree): string[] {
  const problems: string[] = [];
  if (fs.existsSync(wt.path)) {
    const changed = git(wt.path, ['status', '--porcelain']).split('\n').filter(Boolean).length;
    if (changed) problems.push(`${changed} uncommitted change(s) in ${wt.path}`);
  }
  if (gitOk(wt.repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${wt.branch}`])) {
    const ahead = Number(git(wt.repo, ['rev-list', '--count', `${wt.base}..${wt.branch}`]));
    if (ahead > 0) problems.push(`${ahead} commit(s) on ${wt.branch} not merged into ${wt.base}`);
  }
  return problems;
}

/**
 * Removes the worktree and its branch. Refused (CONFLICT, naming what would be lost) when there is unmerged work,
 * unless `force` (the person confirmed).
 */
export function removeWorktree(wt: AgentWorktree | undefined, options: { force?: boolean } = {}): { removed: string; lost: string[] } {
  if (!wt) throw new NotFoundError('This agent has no worktree of its own.');
  const lost = unmergedWork(wt);
  if (lost.length && !options.force) {
    throw new ConflictError(`Removing ${wt.path} would lose ${lost.join(' and ')}: merge or commit it first, or confirm (--force).`, {
      path: wt.path,
      lost,
    });
  }
  if (fs.existsSync(wt.path)) git(wt.repo, ['worktree', 'remove', ...(options.force ? ['--force'] : []), wt.path]);
  git(wt.repo, ['worktree', 'prune']);
  if (gitOk(wt.repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${wt.branch}`]))
    git(wt.repo, ['branch', options.force ? '-D' : '-d', wt.branch]);
  return { removed: wt.path, lost: options.force ? lost : [] };
}
