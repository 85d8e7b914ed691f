import * as fs from 'fs';
import * as path from 'path';
import { inboxName, type TeamConfig } from '../../shared/domain';
import { nameProblem } from '../../shared/names';
import { strangerInboxFinding, type Finding } from '../core/doctor';
import { tryLockFd, unlockFd } from './flock';
import { claimState, listDir, pendingNames } from './inbox-files';
import { CLAIMED_FILE_RE, MESSAGE_FILE_RE } from '../core/message-format';
import { isStaleClaim, type Mailbox } from './inbox';
import { makeDirs, moveEntry } from './safe-move';
import { openRegular, readTextOrNull } from './safe-read';

/**
 * The stall radar's mailbox findings, each with its fix:
 * - orphan-claim: a `msg-*.consumed` file whose flock nobody holds (and older than CLAIM_GRACE_MS): its receiver
 *   died between claiming and deleting it. Nobody has it; fix: put it back in the inbox as `msg-*.json`.
 * - dead-letter: a message that did not parse, in dead_letters/<inbox>/; fix: move it (and its .meta.json) aside
 *   into tasks/<team>/.lockstep/dead-letters after reading why (kept, not deleted).
 * - stranger-inbox: an inbox folder that belongs to no member (a typo in a recipient, a member removed): its
 *   messages wait for nobody and every broadcast adds one; fix: add that name to the team.
 */

export function diagnoseMailbox(mailbox: Mailbox, team: string, config: TeamConfig): Finding[] {
  const findings: Finding[] = [];
  const memberInboxes = new Set(config.members.map((m) => inboxName(m)));
  for (const inbox of mailbox.recipients(team)) {
    const dir = path.join(mailbox.inboxesDir(team), inbox);
    for (const name of listDir(dir)
      .filter((n) => CLAIMED_FILE_RE.test(n))
      .sort()) {
      if (!isStaleClaim(path.join(dir, name)) || claimState(path.join(dir, name)) !== 'free') continue;
      findings.push({
        id: `orphan-claim:${inbox}/${name}`,
        kind: 'orphan-claim',
        path: path.join(dir, name),
        fix: { action: 'return-to-inbox', label: `Put it back in ${inbox}'s inbox` },
        message: `A message to ${inbox} was taken by a receiver that stopped before finishing (${name}); nobody has it.`,
      });
    }
    if (!memberInboxes.has(inbox)) findings.push(strangerInboxFinding(team, inbox, pendingNames(dir).length, dir));
  }
  const deadRoot = mailbox.deadLettersDir(team);
  for (const inbox of listDir(deadRoot).sort()) {
    if (nameProblem(inbox, 'member')) continue;
    const dir = path.join(deadRoot, inbox);
    for (const name of listDir(dir)
      .filter((n) => !n.endsWith('.meta.json'))
      .sort()) {
      let why = '';
      try {
        why = String(JSON.parse(readTextOrNull(path.join(dir, `${name}.meta.json`), 64 * 1024) ?? '{}').error ?? '');
      } catch {
        // no meta file
      }
      findings.push({
        id: `dead-letter:${inbox}/${name}`,
        kind: 'dead-letter',
        path: path.join(dir, name),
        fix: { action: 'archive-dead-letter', label: 'Move it aside (into .lockstep/dead-letters)' },
        message: `A message to ${inbox} could not be read and was set aside (${name})${why ? `: ${why}` : ''}.`,
      });
    }
  }
  return findings;
}

export const MAILBOX_FINDING_KINDS = ['orphan-claim', 'stranger-inbox', 'dead-letter'];

/**
 * Applies a mailbox finding's file fix if it still holds (re-diagnosed now); returns the finding, or null when it
 * no longer applies. A stranger inbox is only confirmed here: the caller adds the member through the store.
 */
export function fixMailboxFinding(
  mailbox: Mailbox,
  team: string,
  config: TeamConfig,
  findingId: string,
  archiveDir: string,
): Finding | null {
  const finding = diagnoseMailbox(mailbox, team, config).find((f) => f.id === findingId);
  if (!finding || !finding.path) return null;
  const kind = finding.kind as string;
  if (kind === 'orphan-claim') {
    // Take the claim ourselves (so no receiver takes it meanwhile), check it is still that file, rename it back.
    let fd: number;
    try {
      const opened = openRegular(finding.path); // never a link, never a FIFO
      if (!opened) return null;
      fd = opened.fd;
    } catch {
      return null;
    }
    try {
      if (!tryLockFd(fd)) return null;
      try {
        const held = fs.fstatSync(fd);
        const atPath = fs.lstatSync(finding.path);
        if (held.nlink === 0 || held.ino !== atPath.ino) return null;
        const back = finding.path.replace(/\.consumed$/, '.json');
        if (!MESSAGE_FILE_RE.test(path.basename(back))) return null;
        moveEntry(finding.path, back);
      } finally {
        unlockFd(fd);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    } finally {
      fs.closeSync(fd);
    }
    return finding;
  }
  if (kind === 'dead-letter') {
    makeDirs(archiveDir);
    const stamp = Date.now();
    const inbox = path.basename(path.dirname(finding.path));
    const target = path.join(archiveDir, `${inbox}-${path.basename(finding.path)}.${stamp}`);
    moveEntry(finding.path, target);
    const meta = `${finding.path}.meta.json`;
    if (fs.existsSync(meta)) moveEntry(meta, `${target}.meta.json`);
    return finding;
  }
  if (kind === 'stranger-inbox') return finding;
  return null;
}
