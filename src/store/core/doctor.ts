import * as path from 'path';
import type { FileProblem, Task } from '../../shared/domain';
import type { Finding, FindingKind, FixAction } from '../../shared/model';
import { describeAge, nowMicros, parseTimestamp } from '../../shared/time';
import { claimGoneBecause, currentClaim, processAlive } from './claims';
import type { NewMember } from '../../shared/schemas';
import { InvalidInputError, NotFoundError } from '../../shared/errors';
import { assertName } from '../../shared/names';

/**
 * The stall radar: what keeps a team's work from moving, each finding with the one fix that resolves it. Findings
 * are computed from a snapshot; a fix re-diagnoses inside the team lock and applies only if the finding still holds.
 */

/** What a finding says and the fix it offers (Finding, FindingKind, FixAction) are in shared/model.ts. */
export type { Finding, FindingKind, FixAction };

/** A writer's temp file a folder's task folder holds (folder/temp-files.ts lists them; a database has none). */
export interface TempFile {
  path: string;
  mtimeMs: number;
}

export interface DiagnoseOptions {
  nowMicros: number;
  host: string;
  isProcessAlive: (pid: number) => boolean;
  /** Claims older than this are reported (default 2 h). */
  oldClaimMs: number;
  /** Temp files older than this are orphans of a killed writer (default 60 s). */
  tempFileAgeMs: number;
}

/** The radar's options as both stores set them: now, this host, the process probe, 2 h and 60 s unless asked. */
export function diagnoseOptions(host: string, request: { oldClaimMs?: number; tempFileAgeMs?: number }): DiagnoseOptions {
  return {
    nowMicros: nowMicros(),
    host,
    isProcessAlive: processAlive,
    oldClaimMs: request.oldClaimMs ?? 2 * 3_600_000,
    tempFileAgeMs: request.tempFileAgeMs ?? 60_000,
  };
}

/** Cycles in the blocked-by graph, each once, as the list of ids along it. */
export function findCycles(tasks: Task[]): string[][] {
  const graph = new Map(tasks.map((t) => [t.id, t.blockedBy.filter((b) => b !== t.id)]));
  const state = new Map<string, 'active' | 'done'>();
  const cycles: string[][] = [];
  const seenKeys = new Set<string>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'active');
    stack.push(id);
    for (const next of graph.get(id) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'active') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join(',');
        if (!seenKeys.has(key)) {
          seenKeys.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of [...graph.keys()].sort()) if (!state.has(id)) visit(id);
  return cycles;
}

export function diagnose(tasks: Task[], problems: FileProblem[], tempFiles: TempFile[], options: DiagnoseOptions): Finding[] {
  const findings: Finding[] = [];
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const task of [...tasks].sort((a, b) => a.id.localeCompare(b.id))) {
    if (task.lockedBy) {
      const claim = currentClaim(task);
      const since = parseTimestamp(task.lockedAt);
      const age = since === null ? '' : ` (claimed ${describeAge(since, options.nowMicros)})`;
      const release = { action: 'release' as const, label: `Release ${task.lockedBy}'s claim` };
      const gone = claimGoneBecause(task, options.nowMicros, options.host, options.isProcessAlive);
      if (gone === 'lease-expired') {
        findings.push({
          id: `lease-expired:${task.id}`,
          kind: 'lease-expired',
          taskId: task.id,
          fix: release,
          message: `${task.lockedBy} took "${task.subject}" for a limited time, which ran out ${describeAge(parseTimestamp(claim?.leaseUntil) ?? options.nowMicros, options.nowMicros)}${age}.`,
        });
      } else if (gone === 'holder-gone' && claim?.pid !== undefined) {
        findings.push({
          id: `holder-gone:${task.id}`,
          kind: 'holder-gone',
          taskId: task.id,
          fix: release,
          message: `${task.lockedBy} took "${task.subject}", but the program working on it has stopped${age}.`,
        });
      } else if (since !== null && options.nowMicros - since > options.oldClaimMs * 1000) {
        findings.push({
          id: `old-claim:${task.id}`,
          kind: 'old-claim',
          taskId: task.id,
          fix: release,
          message: `${task.lockedBy} took "${task.subject}" ${describeAge(since, options.nowMicros)} and has not finished it.`,
        });
      }
    }
    const dangling = task.blockedBy.filter((b) => !byId.has(b));
    const danglingBlocks = task.blocks.filter((b) => !byId.has(b));
    if (dangling.length + danglingBlocks.length > 0) {
      findings.push({
        id: `dangling-blocker:${task.id}`,
        kind: 'dangling-blocker',
        taskId: task.id,
        fix: { action: 'remove-dangling', label: 'Remove the links to missing tasks' },
        message: `"${task.subject}" links to tasks that do not exist: ${[...dangling, ...danglingBlocks].join(', ')}.`,
      });
    }
    if (task.status === 'blocked' && task.blockedBy.every((b) => !byId.has(b) || byId.get(b)?.status === 'completed')) {
      findings.push({
        id: `blocked-but-free:${task.id}`,
        kind: 'blocked-but-free',
        taskId: task.id,
        fix: { action: 'unblock', label: 'Unblock (move to pending)' },
        message: `"${task.subject}" is still blocked though ${task.blockedBy.length ? 'all its blockers are done or gone' : 'it waits for nothing'}.`,
      });
    }
  }
  for (const cycle of findCycles(tasks)) {
    const from = cycle[cycle.length - 1];
    const to = cycle[0];
    findings.push({
      id: `dependency-cycle:${[...cycle].sort().join(',')}`,
      kind: 'dependency-cycle',
      taskId: from,
      link: { from, to },
      fix: { action: 'break-cycle', label: `Stop ${from} waiting for ${to}` },
      message: `These tasks wait for each other in a circle: ${[...cycle, cycle[0]].join(' → ')}.`,
    });
  }
  for (const temp of tempFiles) {
    if (Date.now() - temp.mtimeMs < options.tempFileAgeMs) continue;
    findings.push({
      id: `temp-file:${path.basename(temp.path)}`,
      kind: 'temp-file',
      path: temp.path,
      fix: { action: 'remove-temp-file', label: 'Remove the leftover temp file' },
      message: `${temp.path} is a temp file left by a writer that was killed.`,
    });
  }
  for (const problem of problems) {
    findings.push({
      id: `corrupt-file:${path.basename(problem.path)}`,
      kind: 'corrupt-file',
      path: problem.path,
      fix: { action: 'quarantine', label: 'Move it aside (into .lockstep/quarantine)' },
      message: `${problem.path} cannot be read: ${problem.reason}.`,
    });
  }
  return findings;
}

/**
 * The stranger-inbox finding, on a data folder (diagnoseMailbox) and on a database (postgres/pg-doctor.ts) alike:
 * `inbox` belongs to no member of `team` and `waiting` messages wait in it; `location` is where it lives (its folder,
 * or `postgres:<team>/inboxes/<inbox>`).
 */
export function strangerInboxFinding(team: string, inbox: string, waiting: number, location: string): Finding {
  return {
    id: `stranger-inbox:${inbox}`,
    kind: 'stranger-inbox',
    path: location,
    fix: { action: 'add-member', label: `Add ${inbox} to the team` },
    message: `${inbox} has an inbox in team ${team} but is not a member${waiting ? `: ${waiting} message(s) wait there for nobody` : ''}; broadcasts still go there.`,
  };
}

/** The member a stranger-inbox fix adds (on both backends): named as the inbox, no user, so its inbox is that one. */
export function strangerMember(inbox: string): NewMember {
  return { name: inbox, user: '', agentType: 'general-purpose' };
}

/**
 * How a fix starts on either backend: the team's name and the finding's id checked. `gone` is the NOT_FOUND a fix
 * throws when, looked up again inside the team's lock or transaction, the finding no longer holds.
 */
export function checkFixRequest(team: string, findingId: string): { gone: () => NotFoundError } {
  assertName(team, 'team');
  if (typeof findingId !== 'string' || findingId.length > 600) throw new InvalidInputError('Give the id of a finding from doctor.');
  const gone = () =>
    new NotFoundError(`Finding ${findingId} no longer applies in team ${team}: it was fixed or the task moved on. Run doctor again.`, {
      team,
      findingId,
    });
  return { gone };
}
