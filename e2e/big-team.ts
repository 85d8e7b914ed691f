import * as fs from 'fs';
import * as path from 'path';

export const BIG_MEMBERS = Array.from({ length: 12 }, (_, i) => `m${String(i + 1).padStart(2, '0')}`);
const STATUSES = ['pending', 'in_progress', 'blocked', 'completed'] as const;
const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
const stamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

/** The subject of task i: every 40th is a "Release note" (50 of 2,000), the rest "Task i: …". */
export const bigSubject = (i: number) =>
  i % 40 === 0
    ? `Release note ${i}: write it`
    : `Task ${i}: ${['design', 'build', 'test', 'ship'][i % 4]} the ${['api', 'form', 'docs', 'cli'][i % 4]}`;

/** A team as ClawTeam writes it (config.json and one file per task), with 12 members and `count` tasks. */
export function writeBigTeam(dataDir: string, name: string, count: number): string[] {
  const created = Date.now() - 86_400_000;
  fs.mkdirSync(path.join(dataDir, 'teams', name), { recursive: true });
  const members = BIG_MEMBERS.map((m, i) => ({
    name: m,
    user: '',
    agentId: `${i}`.padStart(12, '0'),
    agentType: 'general-purpose',
    joinedAt: stamp(created),
  }));
  const config = { name, description: `${count} tasks`, leadAgentId: '000000000000', createdAt: stamp(created), members, budgetCents: 0 };
  fs.writeFileSync(path.join(dataDir, 'teams', name, 'config.json'), JSON.stringify(config, null, 2));
  const folder = path.join(dataDir, 'tasks', name);
  fs.mkdirSync(folder, { recursive: true });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = (0x10000000 + i).toString(16);
    ids.push(id);
    const status = STATUSES[i % STATUSES.length];
    const holder = status === 'in_progress' ? BIG_MEMBERS[i % 12] : '';
    const at = stamp(created + i * 1000);
    const task = {
      id,
      subject: bigSubject(i),
      description: '',
      status,
      priority: PRIORITIES[i % 4],
      owner: i % 3 ? BIG_MEMBERS[i % 12] : '',
      lockedBy: holder,
      lockedAt: holder ? at : '',
      blocks: [],
      blockedBy: [],
      startedAt: holder ? at : '',
      createdAt: at,
      updatedAt: at,
      metadata: {},
    };
    fs.writeFileSync(path.join(folder, `task-${id}.json`), JSON.stringify(task, null, 2));
  }
  return ids;
}
