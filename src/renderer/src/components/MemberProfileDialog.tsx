import { useState } from 'react';
import type { Member, TeamConfig } from '../../../shared/domain';
import { call } from '../api';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { memberProfile } from '../../../shared/members';
import { displayNameProblem } from '../../../shared/names';
import type { MemberProfilePatch } from '../../../shared/schemas';
import { Dialog, FormActions } from './Dialog';
import { Field } from './Field';

const TAG = /^[A-Za-z0-9._-]{1,40}$/;

/** What the profile form refuses, in words (null: fine). */
function problemOf(role: string, skills: string[], wip: string): string | null {
  if (role.trim().length > 64) return 'A role is at most 64 characters.';
  const bad = skills.find((s) => !TAG.test(s));
  if (bad) return `"${bad}" cannot be a skill: use letters, digits, ".", "_" or "-" (no spaces), at most 40.`;
  if (wip.trim() && !/^\d{1,4}$/.test(wip.trim())) return 'Give the most tasks at once as a whole number, or leave it empty for no limit.';
  return null;
}

/**
 * A member's profile: their role, their skills (tags the "next task" choice matches against a task's requirements) and
 * the most tasks they work on at once (the WIP limit). Empty fields remove what was there.
 */
export function MemberProfileDialog({
  member,
  onClose,
  onSave,
}: {
  member: Member;
  onClose(): void;
  onSave(patch: MemberProfilePatch): Promise<boolean>;
}) {
  const profile = memberProfile(member);
  const [shown, setShown] = useState(profile.displayName ?? '');
  const [role, setRole] = useState(profile.role ?? '');
  const [skills, setSkills] = useState((profile.capabilities ?? []).join(', '));
  const [wip, setWip] = useState(profile.wipLimit === undefined ? '' : String(profile.wipLimit));
  const list = [
    ...new Set(
      skills
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const problem = problemOf(role, list, wip);
  const shownProblem = shown.trim() ? displayNameProblem(shown) : null;
  const save = async () => {
    if (problem || shownProblem) return;
    const patch: MemberProfilePatch = {
      displayName: shown.trim() && shown.trim() !== member.name ? shown.trim() : null,
      role: role.trim() || null,
      capabilities: list.length ? list : null,
      wipLimit: wip.trim() ? Number(wip.trim()) : null,
    };
    if (await onSave(patch)) onClose();
  };
  return (
    <Dialog
      title={`${profile.displayName ?? member.name}'s profile`}
      onClose={onClose}
      actions={<FormActions label="Save profile" problem={problem ?? shownProblem} onCancel={onClose} onSubmit={() => void save()} />}
    >
      <Field label="Name people see" problem={shownProblem} hint={`Agents use ${member.name}. Empty: people see ${member.name} too.`}>
        {(props) => <input {...props} autoFocus value={shown} maxLength={64} onChange={(e) => setShown(e.target.value)} />}
      </Field>
      <Field label="Role" hint="What they do, in a few words: “UI engineer”, “QA”.">
        {(props) => <input {...props} value={role} maxLength={80} onChange={(e) => setRole(e.target.value)} />}
      </Field>
      <Field label="Skills" hint="Separated by commas: react, sql, playwright. Tasks that require a skill go to members who have it.">
        {(props) => <input {...props} value={skills} maxLength={600} onChange={(e) => setSkills(e.target.value)} />}
      </Field>
      <Field label="Most tasks at once" problem={problem} hint="Empty: no limit. Past it, the member card turns red.">
        {(props) => <input {...props} inputMode="numeric" value={wip} maxLength={4} onChange={(e) => setWip(e.target.value)} />}
      </Field>
    </Dialog>
  );
}

/** The profile dialog of one member of `config`, saving through the API (an undoable change). */
export function EditMemberProfile(props: {
  team: string;
  config: TeamConfig;
  name: string;
  onClose(): void;
  onSaved(): Promise<void> | void;
}) {
  const api = useApi();
  const { onMessage, fail } = useNotices();
  const member = props.config.members.find((m) => m.name === props.name);
  if (!member) return null;
  return (
    <MemberProfileDialog
      member={member}
      onClose={props.onClose}
      onSave={async (profile) => {
        try {
          await call(api, 'setMemberProfile', { team: props.team, name: member.name, profile });
          await props.onSaved();
          onMessage(`Saved ${profile.displayName ?? member.name}'s profile.`);
          return true;
        } catch (err) {
          fail(err);
          return false;
        }
      }}
    />
  );
}
