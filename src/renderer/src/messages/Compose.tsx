import { useState, type KeyboardEvent } from 'react';
import type { Member } from '../../../shared/domain';
import { call, describeFailure } from '../api';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { useMessagesContext } from './MessagesContext';

const BROADCAST = '*';

/** The compose box under the messages: to a member (the one being looked at by default) or everyone, as the person. */
export function Compose({ members }: { members: Member[] }) {
  const { team, agentName, selected } = useMessagesContext()!;
  const api = useApi();
  const { onMessage } = useNotices();
  const [to, setTo] = useState<string>('');
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const others = members.filter((m) => m.name !== agentName);
  // Default recipient: the member being looked at, else the first other member, else everyone.
  const target = to || selected?.name || others[0]?.name || BROADCAST;

  const send = async () => {
    if (!text.trim() || sending) return;
    setSending(true);
    setError(null);
    try {
      if (target === BROADCAST) {
        const r = await call(api, 'broadcastMessage', { team, content: text });
        onMessage(
          r.count ? `Sent to ${r.count} inbox${r.count === 1 ? '' : 'es'}.` : 'Nobody else has an inbox in this team yet.',
          r.count === 0,
        );
      } else {
        await call(api, 'sendMessage', { team, to: target, content: text });
        onMessage(`Sent to ${target}.`);
      }
      setText('');
    } catch (err) {
      setError(describeFailure(err));
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <form
      className="mp-compose"
      aria-label="Write a message"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="mp-compose-head">
        <label>
          <span className="muted">To</span>{' '}
          <select aria-label="Recipient" data-testid="compose-to" value={target} onChange={(e) => setTo(e.target.value)}>
            {others.map((m) => (
              <option key={m.name} value={m.name}>
                {m.lockstep?.displayName ?? m.name}
              </option>
            ))}
            <option value={BROADCAST}>Everyone (broadcast)</option>
          </select>
        </label>
        <span className="muted mp-as">
          as <strong>{agentName}</strong>
        </span>
      </div>
      <textarea
        aria-label="Message text"
        data-testid="compose-text"
        placeholder="Write a message… (Ctrl+Enter sends)"
        value={text}
        rows={3}
        maxLength={100_000}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {error && (
        <p role="alert" className="mp-error">
          {error}
        </p>
      )}
      <div className="mp-compose-foot">
        <span className="muted">Ctrl+Enter sends</span>
        <button type="submit" data-testid="compose-send" disabled={!text.trim() || sending}>
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
