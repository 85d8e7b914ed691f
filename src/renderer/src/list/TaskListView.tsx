import { useMemo, useRef, useState } from 'react';
import './list.css';
import type { TeamConfig, VersionedTask } from '../../../shared/domain';
import type { BulkChange } from '../../../shared/schemas';
import { call } from '../api';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import type { BoardFilter } from '../board/logic';
import { BulkBar, describeBulkDone } from './BulkBar';
import { useMemberLabel } from '../state/names';
import { listRows, type Sort } from './sort';
import { TaskTable } from './TaskTable';

interface Props {
  team: string;
  config: TeamConfig;
  tasks: Map<string, VersionedTask>;
  filter: BoardFilter;
  onOpen(id: string): void;
  /** The team changed on disk: re-read it (after a bulk change). */
  onChanged(): Promise<void> | void;
}

/** The list view of a team's tasks: every task (filtered as the board is), sortable, with bulk changes. */
export function TaskListView({ team, config, tasks, filter, onOpen, onChanged }: Props) {
  const api = useApi();
  const { onMessage, fail } = useNotices();
  const label = useMemberLabel();
  const [sort, setSort] = useState<Sort>({ key: 'priority', descending: true });
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const last = useRef<string | null>(null);
  const rows = useMemo(() => listRows(tasks.values(), filter, sort), [tasks, filter, sort]);
  // Tasks that went away (deleted, filtered out) are no longer chosen.
  const shownChosen = useMemo(() => new Set(rows.filter((r) => chosen.has(r.id)).map((r) => r.id)), [rows, chosen]);

  const choose = (id: string, range: boolean) => {
    const next = new Set(chosen);
    const on = !chosen.has(id);
    if (range && last.current) {
      const [a, b] = [rows.findIndex((r) => r.id === last.current), rows.findIndex((r) => r.id === id)].sort((x, y) => x - y);
      if (a >= 0) for (const r of rows.slice(a, b + 1)) next.add(r.id);
    } else if (on) next.add(id);
    else next.delete(id);
    last.current = id;
    setChosen(next);
  };
  const apply = async (change: BulkChange) => {
    const ids = [...shownChosen];
    setBusy(true);
    try {
      await call(api, 'bulkChangeTasks', { team, ids, change });
      setChosen(new Set());
      await onChanged();
      onMessage(`${describeBulkDone(change, ids.length, label)} Undo (Ctrl+Z) takes it back.`);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="task-list-view" data-testid="task-list">
      <div className="tl-head">
        <span className="muted" data-testid="task-list-count">
          {rows.length.toLocaleString('en-US')} task{rows.length === 1 ? '' : 's'}
          {rows.length !== tasks.size ? ` of ${tasks.size.toLocaleString('en-US')}` : ''}
        </span>
        <BulkBar
          count={shownChosen.size}
          members={config.members.map((m) => m.name)}
          busy={busy}
          onApply={(c) => void apply(c)}
          onClear={() => setChosen(new Set())}
        />
      </div>
      <TaskTable
        rows={rows}
        sort={sort}
        onSort={setSort}
        chosen={shownChosen}
        onChoose={choose}
        onChooseAll={(all) => setChosen(all ? new Set(rows.map((r) => r.id)) : new Set())}
        onOpen={onOpen}
      />
    </div>
  );
}
