import type { TeamConfig } from '../../../shared/domain';
import { call } from '../api';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import type { useTeam } from '../state/useTeam';
import type { useTeamWrites } from '../state/useTeamWrites';
import { AddMember } from './AddMemberDialog';
import { RemoveMemberDialog } from './ConfirmDialog';
import { ConflictDialog } from './ConflictDialog';
import { EditMemberProfile } from './MemberProfileDialog';
import { NewTaskDialog } from './NewTaskDialog';

/** The team view's one open dialog (a modal covers the page, so there is never a second). */
export type TeamDialog =
  { kind: 'newTask' } | { kind: 'addMember' } | { kind: 'removeMember'; name: string } | { kind: 'editMember'; name: string };

interface Props {
  team: string;
  config: TeamConfig;
  data: ReturnType<typeof useTeam>;
  writes: ReturnType<typeof useTeamWrites>;
  dialog: TeamDialog | null;
  onClose(): void;
}

/** New task, add / remove a member, a member's profile, and the conflict question of a stale write. */
export function TeamDialogs({ team, config, data, writes, dialog, onClose }: Props) {
  const api = useApi();
  const { onMessage, fail } = useNotices();
  return (
    <>
      {dialog?.kind === 'newTask' && (
        <NewTaskDialog
          config={config}
          tasks={data.tasks}
          onClose={onClose}
          onCreate={async (input) => {
            try {
              const task = await call(api, 'createTask', { team, task: input });
              data.applyTask(task);
              if (input.blockedBy?.length) void data.refreshIds(input.blockedBy);
              onMessage(`Created "${task.subject}".`);
              return true;
            } catch (err) {
              fail(err);
              return false;
            }
          }}
        />
      )}
      {dialog?.kind === 'addMember' && <AddMember team={team} config={config} onClose={onClose} onAdded={data.reload} />}
      {dialog?.kind === 'removeMember' && (
        <RemoveMemberDialog
          team={team}
          member={dialog.name}
          tasks={data.tasks.values()}
          onCancel={onClose}
          onConfirm={async () => {
            onClose();
            try {
              await call(api, 'removeMember', { team, name: dialog.name });
              await data.reload();
              // The undo toast announces it (with its Undo); no second line says the same.
            } catch (err) {
              fail(err);
            }
          }}
        />
      )}
      {dialog?.kind === 'editMember' && (
        <EditMemberProfile team={team} config={config} name={dialog.name} onClose={onClose} onSaved={data.reload} />
      )}
      {writes.conflict && (
        <ConflictDialog conflict={writes.conflict} onKeepTheirs={writes.keepTheirs} onClose={() => writes.setConflict(null)} />
      )}
    </>
  );
}
