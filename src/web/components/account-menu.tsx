/**
 * The avatar in the top bar: a disclosure button that opens the account links and sign-out.
 * Escape or a click elsewhere closes it; focus returns to the button.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';

export function AccountMenu({ username }: { username: string }) {
  const { signOut } = useSession();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  const close = () => setOpen(false);
  return (
    <div className="account-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="avatar-button"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={`Account menu for ${username}`}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="avatar" aria-hidden="true">
          {username.slice(0, 1).toUpperCase()}
        </span>
        <span className="avatar-name">{username}</span>
      </button>
      {open ? (
        <ul id={menuId} className="menu">
          <li>
            <Link to="/settings/tokens" onClick={close}>
              Account settings
            </Link>
          </li>
          <li>
            <Link to="/settings/security" onClick={close}>
              Security
            </Link>
          </li>
          <li>
            <Link to="/activity" onClick={close}>
              Activity
            </Link>
          </li>
          <li>
            <button
              type="button"
              className="menu-button"
              onClick={() => void signOut('You have signed out.')}
            >
              Sign out
            </button>
          </li>
        </ul>
      ) : null}
    </div>
  );
}
