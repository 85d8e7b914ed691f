import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { describeFailure } from '../api';

/** The one line that tells the person what just happened: a success that fades, or an error that says what to do. */
export interface Message {
  text: string;
  error: boolean;
  seq: number;
}

export type OnMessage = (text: string, error?: boolean) => void;

/**
 * The window's message: one at a time. A success replaces an error (the problem is over) and fades after 5 s; an
 * error stays until the next success or until dismissed.
 */
export function useNoticeLine() {
  const [message, setMessage] = useState<Message | null>(null);
  const seq = useRef(0);
  const onMessage = useCallback<OnMessage>((text, error = false) => setMessage({ text, error, seq: ++seq.current }), []);
  const fail = useCallback((err: unknown) => onMessage(describeFailure(err), true), [onMessage]);
  const dismiss = useCallback(() => setMessage(null), []);
  useEffect(() => {
    if (!message || message.error) return;
    const t = setTimeout(() => setMessage((m) => (m?.seq === message.seq ? null : m)), 5000);
    return () => clearTimeout(t);
  }, [message]);
  return { message, onMessage, fail, dismiss };
}

/** Says something in the message line (`onMessage`), or says a refused call as one sentence there (`fail`). */
export interface Notices {
  onMessage: OnMessage;
  fail(err: unknown): void;
}

const NoticesContext = createContext<Notices | null>(null);

/** The window's reporter, for every component below it (instead of `onMessage`/`fail` props handed down). */
export function NoticesProvider({ onMessage, fail, children }: Notices & { children: ReactNode }) {
  const value = useMemo(() => ({ onMessage, fail }), [onMessage, fail]);
  return <NoticesContext.Provider value={value}>{children}</NoticesContext.Provider>;
}

export function useNotices(): Notices {
  const notices = useContext(NoticesContext);
  if (!notices) throw new Error('No NoticesProvider above this component.');
  return notices;
}

/**
 * The current message, for modal dialogs: a modal dialog covers the page (and the message line under its
 * backdrop), so an error that arrives while one is open is shown inside it.
 */
export const MessageContext = createContext<Message | null>(null);
export const useCurrentMessage = () => useContext(MessageContext);

export function MessageLine({ message, onDismiss }: { message: Message | null; onDismiss(): void }) {
  return (
    <div className="message-region" aria-live="polite">
      {message && (
        <p
          className={message.error ? 'message error' : 'message'}
          role={message.error ? 'alert' : 'status'}
          data-testid={message.error ? 'error-message' : 'status-message'}
        >
          <span>{message.text}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
            ×
          </button>
        </p>
      )}
    </div>
  );
}
