import { useEffect, useRef } from 'react';
import { useCurrentMessage } from '../state/messages';

interface Props {
  title: string;
  children: React.ReactNode;
  onClose(): void;
  actions: React.ReactNode;
  wide?: boolean;
}

/**
 * A modal dialog on the native <dialog> element: focus is trapped, Escape closes it. A modal covers the message
 * line under its backdrop, so an error that arrives while the dialog is open is shown in the dialog itself.
 */
export function Dialog({ title, children, onClose, actions, wide }: Props) {
  const ref = useRef<HTMLDialogElement | null>(null);
  const message = useCurrentMessage();
  const openedAt = useRef(message?.seq ?? 0);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
    return () => dialog?.close?.();
  }, []);
  const error = message && message.error && message.seq > openedAt.current ? message.text : null;
  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog wide' : 'dialog'}
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2>{title}</h2>
      <div className="dialog-body">{children}</div>
      {error && (
        <p className="dialog-error" role="alert" data-testid="dialog-error">
          {error}
        </p>
      )}
      <div className="dialog-actions">{actions}</div>
    </dialog>
  );
}

/**
 * A form dialog's buttons: Cancel, and the primary action, disabled with the problem as its title while there is one;
 * `explain` also says the problem in words beside them (before the person has typed, when the field shows nothing).
 */
export function FormActions({
  label,
  problem,
  explain = false,
  busy = false,
  onCancel,
  onSubmit,
}: {
  label: string;
  problem: string | null;
  explain?: boolean;
  busy?: boolean;
  onCancel(): void;
  onSubmit(): void;
}) {
  return (
    <>
      {problem && explain && <span className="why-disabled">{problem}</span>}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="button" className="primary" disabled={Boolean(problem) || busy} title={problem ?? undefined} onClick={onSubmit}>
        {label}
      </button>
    </>
  );
}
