/**
 * Security → Sessions: the account's password sessions that have not ended (this browser, other
 * browsers, `tokenhub login`, API logins), each with where it came from and when it was last seen,
 * ended one by one or all but this one. An ended session's cookie or token is refused at its next
 * request (`/v2/users/me/sessions`).
 */
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { AccountSessionList, AccountSession as AccountSessionObject } from '../api/types.ts';
import { ClientName } from '../components/client-name.tsx';
import { ConfirmDialog, ErrorAlert } from '../components/dialog.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { Address, When } from '../components/when.tsx';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { clientName } from '../lib/user-agent.ts';

const kindWords: Record<AccountSessionObject['kind'], string> = {
  console: 'Web console',
  cli: 'tokenhub CLI',
  api: 'API login',
};

type Pending = { kind: 'one'; session: AccountSessionObject } | { kind: 'others' };

export function SessionsCard() {
  const [sessions, reload] = useLoad(() => api<AccountSessionList>('GET', '/v2/users/me/sessions'), []);
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const notice = useNotice();
  const list = sessions.data?.results ?? [];
  const others = list.filter((s) => !s.current);

  async function confirm() {
    if (!pending) return;
    setBusy(true);
    setError(undefined);
    try {
      if (pending.kind === 'one') {
        await api('DELETE', `/v2/users/me/sessions/${encodeURIComponent(pending.session.id)}`);
        notice.show(`Ended ${describe(pending.session)}.`);
      } else {
        await api('DELETE', '/v2/users/me/sessions');
        notice.show('Every other session has ended.');
      }
      setPending(undefined);
      reload();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <p className="muted">
        Where your account is signed in with its password. Ending a session takes effect at its next request:
        it must sign in again. Access tokens are managed on the tokens page.
      </p>
      {sessions.status === 'error' ? <ErrorAlert message={sessions.error} /> : null}
      <Notice notice={notice} />
      {sessions.data === undefined ? (
        <p role="status">Loading…</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label="Sessions">
            <thead>
              <tr>
                <th scope="col">Signed in from</th>
                <th scope="col">Address</th>
                <th scope="col">Last seen</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((session) => (
                <tr key={session.id} data-testid="session-row">
                  <td>
                    <ClientName userAgent={session.user_agent} label={describe(session)} />
                    {session.current ? <span className="badge badge-active">This session</span> : null}
                  </td>
                  <td>
                    <Address ip={session.ip} />
                  </td>
                  <td>
                    <When iso={session.last_seen_at} as="relative" />
                  </td>
                  <td>
                    <When iso={session.expires_at} as="relative" />
                  </td>
                  <td>
                    {session.current ? null : (
                      <button
                        type="button"
                        className="button danger-outline small"
                        onClick={() => setPending({ kind: 'one', session })}
                        aria-label={`End session: ${describe(session)}`}
                      >
                        End
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="button-row">
        <button
          type="button"
          className="button danger-outline"
          disabled={others.length === 0}
          onClick={() => setPending({ kind: 'others' })}
        >
          End all other sessions
        </button>
      </div>
      {pending ? (
        <ConfirmDialog
          title={pending.kind === 'one' ? 'End this session?' : 'End all other sessions?'}
          message={
            pending.kind === 'one'
              ? `${describe(pending.session)} (${pending.session.ip}) will have to sign in again.`
              : `Every other session (${others.length}) will have to sign in again, including tokenhub login on other machines. This browser stays signed in.`
          }
          confirmLabel="End"
          busy={busy}
          {...(error ? { error } : {})}
          onConfirm={confirm}
          onClose={() => {
            setPending(undefined);
            setError(undefined);
          }}
        />
      ) : null}
    </section>
  );
}

function describe(session: AccountSessionObject): string {
  const where = session.device ? `${session.device}` : clientName(session.user_agent);
  return `${kindWords[session.kind]} · ${where}`;
}
