import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
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
export function useMessages() {
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

/** The failure reporter for one component: every refused call becomes one sentence in the message line. */
export function useFail(onMessage: OnMessage): (err: unknown) => void {
  return useCallback((err: unknown) => onMessage(describeFailure(err), true), [onMessage]);
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
