import { NAME_PATTERN } from '../shared/names';

/**
 * Which paths under the data folder the watcher follows for messages and costs (relative path parts):
 *   teams/<team>/events                      folder            → 'dir'
 *   teams/<team>/events/evt-*.json           a history entry   → 'event' (never .tmp)
 *   teams/<team>/inboxes                     folder            → 'dir'
 *   teams/<team>/inboxes/<inbox>             an inbox          → 'inbox'
 *   teams/<team>/inboxes/<inbox>/msg-*.json|.consumed          → 'inbox-file' (never .tmp-*.json)
 *   costs, costs/<team>                      folders           → 'dir'
 *   costs/<team>/cost-*.json                 a cost event      → 'cost' (never summary.json, *.tmp, *.lock)
 * Any other path under events/, inboxes/ or costs/ → 'ignore'; paths that are none of these → null (the task
 * watcher's own rules apply).
 */
export type MailboxPathKind = 'dir' | 'event' | 'inbox' | 'inbox-file' | 'cost' | 'ignore';

const safe = (name: string | undefined): boolean => name !== undefined && NAME_PATTERN.test(name) && name !== '.' && name !== '..';

export function mailboxPathKind(rel: string[]): MailboxPathKind | null {
  if (rel[0] === 'costs') {
    if (rel.length === 1) return 'dir';
    if (!safe(rel[1])) return 'ignore';
    if (rel.length === 2) return 'dir';
    if (rel.length === 3 && /^cost-.+\.json$/.test(rel[2])) return 'cost';
    return 'ignore';
  }
  if (rel[0] !== 'teams' || rel.length < 3 || !safe(rel[1])) return null;
  if (rel[2] === 'events') {
    if (rel.length === 3) return 'dir';
    if (rel.length === 4 && /^evt-.+\.json$/.test(rel[3])) return 'event';
    return 'ignore';
  }
  if (rel[2] === 'inboxes') {
    if (rel.length === 3) return 'dir';
    if (!safe(rel[3])) return 'ignore';
    if (rel.length === 4) return 'inbox';
    if (rel.length === 5 && /^msg-.+\.(json|consumed)$/.test(rel[4])) return 'inbox-file';
    return 'ignore';
  }
  return null;
}
