/**
 * A modal dialog on the native `<dialog>` element: `showModal()` traps focus, Escape closes it and
 * the page behind is inert. It is mounted only while open, so closing it forgets what it held (a
 * token secret, a half-filled form). With `closeWarning`, every way of closing it (×, Escape, a
 * button that calls `useRequestClose()`) first asks whether to close anyway.
 */
import { createContext, type ReactNode, useContext, useEffect, useId, useRef, useState } from 'react';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** A wider dialog for forms with tables (the repository picker). */
  wide?: boolean;
  /** Shown under the title, read by screen readers as the dialog's description. */
  description?: string;
  /** Asked before closing, with "Close anyway" and "Go back"; closing is silent without it. */
  closeWarning?: { title: string; message: string };
}

const RequestClose = createContext<() => void>(() => undefined);

/** Closes the enclosing dialog the way its × does (asking first when it has a close warning). */
export function useRequestClose(): () => void {
  return useContext(RequestClose);
}

export function Dialog({ title, onClose, children, wide, description, closeWarning }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const [asking, setAsking] = useState(false);
  const requestClose = () => (closeWarning ? setAsking(true) : onClose());
  const requestRef = useRef(requestClose);
  requestRef.current = requestClose;
  const guardedRef = useRef(closeWarning !== undefined);
  guardedRef.current = closeWarning !== undefined;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // Start in the first field of a form; otherwise the browser's choice (the first button).
    dialog.querySelector<HTMLElement>('form input, form select, form textarea')?.focus();
    let unmounting = false;
    const cancel = (event: Event) => {
      if (event.target !== dialog) return;
      event.preventDefault();
      if (event.cancelable) requestRef.current();
    };
    // A second Escape with no click in between cannot be refused (the browser closes the dialog
    // anyway): a guarded dialog opens again and asks; any other one tells its owner it closed.
    // The close event is queued: one that arrives while the dialog is open again is stale.
    const closed = (event: Event) => {
      if (event.target !== dialog || unmounting || dialog.open) return;
      if (guardedRef.current) dialog.showModal();
      requestRef.current();
    };
    dialog.addEventListener('cancel', cancel);
    dialog.addEventListener('close', closed);
    return () => {
      unmounting = true;
      dialog.removeEventListener('cancel', cancel);
      dialog.removeEventListener('close', closed);
      if (dialog.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
    >
      <div className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={requestClose}>
          ×
        </button>
      </div>
      {description ? (
        <p id={descriptionId} className="muted">
          {description}
        </p>
      ) : null}
      <RequestClose.Provider value={requestClose}>{children}</RequestClose.Provider>
      {asking && closeWarning ? (
        <Dialog title={closeWarning.title} onClose={() => setAsking(false)}>
          <p className="dialog-body">{closeWarning.message}</p>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => setAsking(false)}>
              Go back
            </button>
            <button type="button" className="button danger" onClick={onClose}>
              Close anyway
            </button>
          </div>
        </Dialog>
      ) : null}
    </dialog>
  );
}

const SecretCopied = createContext<() => void>(() => undefined);

/** Tells the enclosing secret dialog that its secret was copied (a copy button, or Ctrl+C). */
export function useSecretCopied(): () => void {
  return useContext(SecretCopied);
}

/**
 * A dialog that shows a secret once. Until the secret was copied (a `CopyButton` marked `secret`,
 * or a copy event in its field), closing it asks first; once copied, it closes silently.
 */
export function SecretDialog(props: {
  title: string;
  /** What the secret is, in the warning: "the token". */
  secretName: string;
  closeLabel: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      closeWarning={
        copied
          ? undefined
          : {
              title: `Close without copying ${props.secretName}?`,
              message: `You have not copied ${props.secretName}. It will not be shown again. Close anyway?`,
            }
      }
    >
      <SecretCopied.Provider value={() => setCopied(true)}>{props.children}</SecretCopied.Provider>
      <SecretDialogClose label={props.closeLabel} />
    </Dialog>
  );
}

function SecretDialogClose({ label }: { label: string }) {
  const requestClose = useRequestClose();
  return (
    <div className="dialog-actions">
      <button type="button" className="button primary" onClick={requestClose}>
        {label}
      </button>
    </div>
  );
}

interface ConfirmProps {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: string;
  onConfirm: () => void;
  onClose: () => void;
}

/** "Delete token?" with a destructive confirm button and the API's error if it fails. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onClose,
}: ConfirmProps) {
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="dialog-body">{message}</div>
      {error ? <ErrorAlert message={error} /> : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button danger" onClick={onConfirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

/** A form dialog's Cancel and submit buttons; the submit button shows `busyLabel` while busy. */
export function FormActions(props: {
  onCancel: () => void;
  busy: boolean;
  label: string;
  busyLabel: string;
}) {
  return (
    <div className="dialog-actions">
      <button type="button" className="button" onClick={props.onCancel}>
        Cancel
      </button>
      <button type="submit" className="button primary" disabled={props.busy}>
        {props.busy ? props.busyLabel : props.label}
      </button>
    </div>
  );
}

export function ErrorAlert({ message }: { message: string }) {
  return (
    <div className="alert alert-error" role="alert">
      {message}
    </div>
  );
}
