import type { TeamConfig } from '../../../shared/domain';
import type { BoardFilter } from '../board/logic';
import { TaskListView } from '../list/TaskListView';
import { MessagePanel } from '../messages/MessagePanel';
import { useNotices } from '../state/messages';
import type { useTeam } from '../state/useTeam';
import type { useTeamWrites } from '../state/useTeamWrites';
import { Board } from './Board';
import { DetailPanel } from './DetailPanel';
import { ProblemCards } from './ProblemCards';
import type { TeamDialog } from './TeamDialogs';
import type { TeamLayout } from './TeamToolbar';

interface Props {
  team: string;
  config: TeamConfig;
  agentName: string;
  data: ReturnType<typeof useTeam>;
  writes: ReturnType<typeof useTeamWrites>;
  filter: BoardFilter;
  layout: TeamLayout;
  selectedId: string | null;
  onSelect(id: string | null): void;
  onDialog(dialog: TeamDialog): void;
  /** The messages column: shown or folded as the person chose (null: by the window's width), and the way to choose. */
  messagesOpen: boolean | null;
  onMessagesOpen(open: boolean): void;
  /** Closes the task panel (it asks first when it holds unsaved text). */
  onClosePanel(): void;
}

/**
 * The workspace: the board (or the list), the task panel beside it, and the messages column at the right (folded to
 * a rail when folded, or when the window is too narrow for all three while a task is open). The board yields room
 * to both; nothing is drawn over anything.
 */
export function TeamWorkspace(props: Props) {
  const { team, config, agentName, data, writes, selectedId, onSelect } = props;
  const { onMessage } = useNotices();
  const selected = selectedId ? (data.tasks.get(selectedId) ?? null) : null;
  return (
    <div className={`workspace${selected ? ' with-panel' : ''}`}>
      <div className="board-area">
        {props.layout === 'list' ? (
          <TaskListView team={team} config={config} tasks={data.tasks} filter={props.filter} onOpen={onSelect} onChanged={data.reload} />
        ) : (
          <Board
            config={config}
            tasks={data.tasks}
            filter={props.filter}
            agentName={agentName}
            selectedId={selectedId}
            pendingIds={writes.pendingIds}
            onOpen={onSelect}
            onFocusTask={onSelect}
            onAssign={writes.assign}
            onMove={writes.move}
            onRefused={(reason) => onMessage(reason, true)}
            onRemoveMember={(name) => props.onDialog({ kind: 'removeMember', name })}
            onEditMember={(name) => props.onDialog({ kind: 'editMember', name })}
            problemsSlot={<ProblemCards problems={data.problems} />}
          />
        )}
      </div>
      {selected && (
        <DetailPanel
          key={`${selected.id}:${writes.panelSeq}`}
          task={selected}
          config={config}
          allTasks={data.tasks}
          agentName={agentName}
          actions={{ ...writes.actions, close: () => onSelect(null) }}
          discarded={writes.discarded?.taskId === selected.id ? writes.discarded.fields : null}
          onDismissDiscarded={() => writes.setDiscarded(null)}
        />
      )}
      <MessagePanel
        members={config.members}
        taskOpen={Boolean(selected)}
        open={props.messagesOpen}
        onOpen={props.onMessagesOpen}
        onCloseTask={props.onClosePanel}
      />
    </div>
  );
}
