import * as path from 'path';
import { type VersionedTask } from '../../shared/domain';
import { checkFixRequest, diagnose, diagnoseOptions, strangerMember, type Finding } from '../core/doctor';
import { listTempFiles } from './temp-files';
import { readTeamConfig } from './team-config';
import { mkdirInside, unlinkInside } from './safe-fs';
import * as ops from '../core/task-ops';
import type { DoctorRequest } from '../core/store-api';
import type { FolderContext } from './store-context';
import { diagnoseMailbox, fixMailboxFinding, MAILBOX_FINDING_KINDS } from './mailbox-doctor';
import { listTasks } from './store-tasks';
import { addMember } from './store-teams';
import { moveEntry } from './safe-move';

// The folder store's doctor: what keeps a team's work from moving (doctor.ts, mailbox-doctor.ts) and applying a fix.

/** What keeps the team's work from moving, each with its fix (see doctor.ts). Reads only. */
export async function doctor(ctx: FolderContext, team: string, request: DoctorRequest = {}): Promise<Finding[]> {
  const { tasks, problems } = await listTasks(ctx, team);
  const findings = diagnose(tasks, problems, listTempFiles(ctx.paths.tasksDir(team)), diagnoseOptions(ctx.host, request));
  const config = readTeamConfig(ctx.paths.root, ctx.paths.teamConfig(team))?.config;
  return config ? [...findings, ...diagnoseMailbox(ctx.mailbox, team, config)] : findings;
}

/**
 * Applies one finding's fix through the locked, journaled store. The finding is looked up again inside the lock:
 * if it no longer holds (somebody fixed it, the task moved on), nothing is changed and NOT_FOUND says so.
 */
export async function fixFinding(
  ctx: FolderContext,
  team: string,
  findingId: string,
  request: DoctorRequest = {},
): Promise<{ fixed: Finding; task?: VersionedTask }> {
  const { gone } = checkFixRequest(team, findingId);
  const kind = findingId.split(':')[0];
  if (MAILBOX_FINDING_KINDS.includes(kind)) {
    const fixed = await ctx
      .writer(team)
      .mutateDirect(ctx.info('doctor.fix', undefined, { details: { findingId } }), () =>
        fixMailboxFinding(
          ctx.mailbox,
          team,
          ctx.requireTeam(team).config,
          findingId,
          path.join(ctx.paths.lockstepDir(team), 'dead-letters'),
        ),
      );
    if (!fixed) throw gone();
    if (fixed.kind === 'stranger-inbox') await addMember(ctx, team, strangerMember(fixed.id.slice('stranger-inbox:'.length)));
    return { fixed };
  }
  if (kind === 'temp-file' || kind === 'corrupt-file') {
    return ctx.writer(team).mutateDirect(ctx.info('doctor.fix', undefined, { details: { findingId } }), () => {
      const tasksDir = ctx.paths.tasksDir(team);
      const { problems } = ctx.scanner.scan(tasksDir);
      const finding = diagnose([], problems, listTempFiles(tasksDir), diagnoseOptions(ctx.host, request)).find((f) => f.id === findingId);
      if (!finding || !finding.path) throw gone();
      if (finding.fix.action === 'remove-temp-file') unlinkInside(ctx.paths.root, finding.path);
      else {
        // Moves the entry itself (a rename never follows a link), into a folder checked to be a real one.
        const quarantine = path.join(ctx.paths.lockstepDir(team), 'quarantine');
        mkdirInside(ctx.paths.root, quarantine);
        moveEntry(finding.path, path.join(quarantine, `${path.basename(finding.path)}.${Date.now()}`));
      }
      return { fixed: finding };
    });
  }
  return ctx
    .writer(team)
    .mutate(ctx.info('doctor.fix', undefined, { details: { findingId }, reason: request.reason }), (tx) =>
      ops.fixFindingNow(tx, findingId, diagnoseOptions(ctx.host, request), gone),
    );
}
