/**
 * The confirmation a change leaves on the page: one visible, polite status line with the same look
 * everywhere. The live region is always in the page (a region that appears with its text is not
 * announced reliably); the message stays until it is dismissed, replaced or the page is left.
 */
import { useCallback, useEffect, useState } from 'react';
import { takeFlash } from '../lib/flash.ts';
import { useLocation } from '../lib/router.tsx';

export interface NoticeState {
  message: string | undefined;
  show: (message: string) => void;
  clear: () => void;
}

/**
 * A page's notice. It shows the message a change carried to this path (lib/flash.ts), also when the
 * page stays mounted across the navigation (a new OIDC connection's own page, a renamed company).
 */
export function useNotice(): NoticeState {
  const [message, setMessage] = useState<string>();
  const { path } = useLocation();
  useEffect(() => {
    const carried = takeFlash(path);
    if (carried) setMessage(carried);
  }, [path]);
  const clear = useCallback(() => setMessage(undefined), []);
  return { message, show: setMessage, clear };
}

export function Notice({ notice }: { notice: NoticeState }) {
  return (
    <div
      className={notice.message ? 'notice alert alert-success' : 'notice notice-empty'}
      data-testid="notice"
    >
      <p className="notice-text" role="status" aria-live="polite">
        {notice.message}
      </p>
      {notice.message ? (
        <button type="button" className="notice-dismiss" onClick={notice.clear} aria-label="Dismiss">
          ×
        </button>
      ) : null}
    </div>
  );
}
