import type { TeamConfig } from '../shared/domain';
import type { Store } from '../store';

/** A small, realistic team so a newcomer sees a working board at once. */
export async function createSampleTeam(store: Store): Promise<TeamConfig> {
  const existing = new Set((await store.listTeams()).teams.map((t) => t.name));
  let name = 'sample-launch';
  for (let i = 2; existing.has(name); i++) name = `sample-launch-${i}`;
  await store.createTeam({
    name,
    description: 'A sample team: ship the signup flow of a web app',
    members: [
      { name: 'lead', user: '', agentType: 'leader' },
      { name: 'frontend', user: '', agentType: 'general-purpose' },
      { name: 'backend', user: '', agentType: 'general-purpose' },
      { name: 'tester', user: '', agentType: 'general-purpose' },
    ],
  });
  await store.setMemberProfile(name, 'frontend', { role: 'UI engineer', capabilities: ['react', 'css'], wipLimit: 2 });
  await store.setMemberProfile(name, 'backend', { role: 'API engineer', capabilities: ['node', 'sql'], wipLimit: 2 });
  await store.setMemberProfile(name, 'tester', { role: 'QA', capabilities: ['playwright'] });
  const create = (subject: string, extra: Parameters<Store['createTask']>[1] extends infer T ? Partial<T> : never) =>
    store.createTask(name, { subject, ...extra });
  const repo = await create('Set up the repository', { priority: 'urgent', owner: 'lead' });
  await store.claimTask(name, repo.id, { agent: 'lead' });
  await store.completeTask(name, repo.id, { agent: 'lead' });
  const ci = await create('Configure CI', { priority: 'high', owner: 'lead' });
  await store.claimTask(name, ci.id, { agent: 'lead' });
  await store.completeTask(name, ci.id, { agent: 'lead' });
  const api = await create('Design the signup API', {
    priority: 'high',
    description: 'REST endpoints for signup and e-mail confirmation',
    metadata: { requires: ['node'] },
  });
  await store.claimTask(name, api.id, { agent: 'backend', leaseMs: 30 * 60_000 });
  const schema = await create('Write the users table migration', { priority: 'medium', metadata: { requires: ['sql'] } });
  await store.claimTask(name, schema.id, { agent: 'backend' });
  const form = await create('Build the signup form', {
    priority: 'medium',
    owner: 'frontend',
    blockedBy: [api.id],
    metadata: { requires: ['react'] },
  });
  await create('Write end-to-end tests', {
    priority: 'low',
    owner: 'tester',
    blockedBy: [api.id, form.id],
    metadata: { requires: ['playwright'] },
  });
  await create('Confirmation e-mail template', { priority: 'low', blockedBy: [api.id] });
  await create('Document the API', { priority: 'medium', metadata: { labels: ['docs'] } });
  await create('Rate-limit the signup endpoint', { priority: 'high', metadata: { requires: ['node'] } });
  await create('Accessibility review of the form', { priority: 'medium', metadata: { requires: ['react'] } });
  await create('Password strength meter', { priority: 'low', owner: 'frontend', metadata: { requires: ['react'] } });
  await create('Load test signup', { priority: 'low' });
  return store.getTeam(name);
}
