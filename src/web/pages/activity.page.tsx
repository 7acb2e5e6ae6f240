/**
 * Activity: the audit log of your account, or of an organization you own
 * (`GET /v2/auditlogs/{account}`), newest first, filterable by action.
 */
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { AuditActions, AuditLogPage } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Pager } from '../components/pager.tsx';
import { formatDateTime } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { useLoad } from '../lib/use-load.ts';

const pageSize = 25;

export function ActivityPage({ account }: { account?: string }) {
  const me = useAccount();
  const name = account ?? me.username;
  const path = `/v2/auditlogs/${encodeURIComponent(name)}`;
  const [page, setPage] = useState(1);
  const [action, setAction] = useState('');
  const [actions] = useLoad(() => api<AuditActions>('GET', `${path}/actions`), [path]);
  const [log] = useLoad(
    () => api<AuditLogPage>('GET', path, { query: { page, page_size: pageSize, action } }),
    [path, page, action],
  );
  const events = log.data?.logs ?? [];
  const total = log.data?.count ?? 0;

  return (
    <section className="page" aria-labelledby="activity-title">
      {account ? (
        <p className="eyebrow">
          <Link to="/orgs">Organizations</Link> /{' '}
          <Link to={`/orgs/${encodeURIComponent(account)}`}>{account}</Link>
        </p>
      ) : null}
      <h1 id="activity-title">Activity</h1>
      <p className="muted">
        What happened to {account ? `the organization ${account}` : 'your account'}: sign-ins, token changes,
        repositories and more. Secrets never appear here.
      </p>
      <div className="toolbar">
        <label className="inline-field">
          Action
          <select
            value={action}
            onChange={(event) => {
              setAction(event.target.value);
              setPage(1);
            }}
          >
            <option value="">All actions</option>
            {Object.entries(actions.data?.actions ?? {}).map(([group, entry]) => (
              <optgroup key={group} label={entry.label}>
                {entry.actions.map((item) => (
                  <option key={item.name} value={`${group}.${item.name}`}>
                    {item.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
      </div>
      {log.status === 'error' ? <ErrorAlert message={log.error} /> : null}
      {log.status === 'loading' && !log.data ? (
        <p role="status">Loading activity…</p>
      ) : events.length === 0 && log.status === 'ready' ? (
        <EmptyState title={action ? 'Nothing matches this filter' : 'No activity yet'} />
      ) : (
        <div className="table-wrap">
          <table className="data-table responsive">
            <caption className="visually-hidden">Activity, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">About</th>
                <th scope="col">By</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event, index) => (
                // Events have no id, and two can share every field; each page replaces the list whole.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above.
                <tr key={index}>
                  <td data-label="When">
                    <time dateTime={event.timestamp}>{formatDateTime(event.timestamp)}</time>
                  </td>
                  <td data-label="Event">{event.action_description}</td>
                  <td data-label="About">{event.name}</td>
                  <td data-label="By">{event.actor}</td>
                  <td data-label="From">
                    {event.ip ?? ''}
                    {event.user_agent ? <span className="hint">{event.user_agent}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Activity"
        page={page}
        pageCount={Math.max(1, Math.ceil(total / pageSize))}
        first={total === 0 ? 0 : (page - 1) * pageSize + 1}
        last={(page - 1) * pageSize + events.length}
        total={total}
        pageSize={pageSize}
        onPage={setPage}
      />
    </section>
  );
}
