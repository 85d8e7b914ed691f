import { useState } from 'react';
import type { ApiOutput } from '../../../shared/api';
import { CallError, call, describeFailure } from '../api';
import { useApi } from '../state/api-context';
import { Dialog } from '../components/Dialog';
import { Field } from '../components/Field';

type Settings = ApiOutput<'getSettings'>;

/** What is wrong with a typed URL before asking main (main checks it again, and connects). */
export function databaseUrlProblem(value: string): string | null {
  const v = value.trim();
  if (!v) return 'Give the database URL, like postgres://user@host:5432/dbname.';
  if (!/^postgres(ql)?:\/\//i.test(v)) return 'A database URL starts with postgres://, like postgres://user@host:5432/dbname.';
  // Read by hand: this Chromium's URL parser leaves a postgres:// URL's host empty (not a "special" scheme).
  const m = /^postgres(?:ql)?:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#]*)(?::([^/?#]*))?(?:\/([^?#]*))?/i.exec(v);
  if (!m || !m[1]) return 'Name the server in the URL: postgres://user@HOST:5432/dbname.';
  if (m[2] !== undefined && !/^\d{1,5}$/.test(m[2])) return `"${m[2]}" is not a port number.`;
  if (!m[3]) return 'Name the database at the end of the URL: postgres://user@host:5432/DBNAME.';
  return null;
}

/**
 * File › Connect to Database…: the URL (host, port, database, user) and an optional password. Main tests the
 * connection, creates or upgrades Lockstep's tables and switches the app to the database; a refusal is shown in
 * words beside the field at fault.
 */
export function ConnectDatabaseDialog({
  current,
  onClose,
  onConnected,
}: {
  current: string | null;
  onClose(): void;
  onConnected(settings: Settings): void;
}) {
  const api = useApi();
  const [url, setUrl] = useState(current ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ field: 'url' | 'password'; text: string } | null>(null);
  const [typed, setTyped] = useState(false);
  const urlProblem = databaseUrlProblem(url);
  const submit = async () => {
    setTyped(true);
    if (urlProblem || busy) return;
    setBusy(true);
    setFailure(null);
    try {
      const settings = await call(api, 'connectDatabase', { url: url.trim(), ...(password ? { password } : {}) });
      onConnected(settings);
      onClose();
    } catch (err) {
      const field = err instanceof CallError && err.error.details.field === 'password' ? 'password' : 'url';
      setFailure({ field, text: describeFailure(err) });
    } finally {
      setBusy(false);
    }
  };
  const shownUrlProblem = failure?.field === 'url' ? failure.text : typed || url ? urlProblem : null;
  return (
    <Dialog
      title="Connect to a database"
      wide
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void submit()}>
            {busy ? 'Connecting…' : 'Connect'}
          </button>
        </>
      }
    >
      <p className="dialog-note">
        Work on a PostgreSQL database shared by agents on several machines, instead of a data folder. Lockstep creates its tables there the
        first time. File › Open Data Folder… goes back to a folder.
      </p>
      <form
        className="connect-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label="Database URL" problem={shownUrlProblem} hint="Host, port, database and user: postgres://user@host:5432/dbname">
          {(props) => (
            <input
              {...props}
              type="text"
              autoFocus
              spellCheck={false}
              placeholder="postgres://user@host:5432/dbname"
              value={url}
              maxLength={2000}
              onChange={(e) => {
                setUrl(e.target.value);
                if (failure?.field === 'url') setFailure(null);
              }}
            />
          )}
        </Field>
        <Field
          label="Password (optional)"
          problem={failure?.field === 'password' ? failure.text : null}
          hint="Leave empty to use PGPASSWORD or ~/.pgpass. A password given here is kept only in the system's safe storage, never in plain text."
        >
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="off"
              value={password}
              maxLength={1000}
              onChange={(e) => {
                setPassword(e.target.value);
                if (failure?.field === 'password') setFailure(null);
              }}
            />
          )}
        </Field>
        <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
      </form>
    </Dialog>
  );
}
