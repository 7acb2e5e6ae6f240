/**
 * Activity: the audit log of your account, or of an organization you own
 * (`GET /v2/auditlogs/{account}`), newest first, filtered by action, actor and date range, with the
 * page and filters in the URL (reload and Back keep them). Each event says what changed; a client
 * is shown by name with its whole user agent in a tooltip.
 */
import { api } from '../api/client.ts';
import type { AuditActions, AuditLogPage } from '../api/types.ts';
import { ClientName } from '../components/client-name.tsx';
import { ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Pager } from '../components/pager.tsx';
import { Address, When } from '../components/when.tsx';
import { describeEvent } from '../lib/audit-words.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { useLoad } from '../lib/use-load.ts';

const pageSize = 25;

/** The filters a page of activity is read with; all of them live in the URL. */
const filterNames = ['action', 'actor', 'from', 'to'] as const;

export function ActivityPage({ account }: { account?: string }) {
  const me = useAccount();
  const name = account ?? me.username;
  const path = `/v2/auditlogs/${encodeURIComponent(name)}`;
  const location = useLocation();
  const page = Math.max(1, Number(location.search.get('page')) || 1);
  const action = location.search.get('action') ?? '';
  const actor = location.search.get('actor') ?? '';
  const from = location.search.get('from') ?? '';
  const to = location.search.get('to') ?? '';
  /** Moves to new filters (or page) with a history entry, so reload and Back keep them. */
  const update = (changes: Partial<Record<(typeof filterNames)[number] | 'page', string>>) => {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value) params.set(key, value);
      else params.delete(key);
    }
    if (!('page' in changes)) params.delete('page');
    const query = params.toString();
    navigate(query ? `${location.path}?${query}` : location.path);
  };
  const [actions] = useLoad(() => api<AuditActions>('GET', `${path}/actions`), [path]);
  const [log] = useLoad(
    () =>
      api<AuditLogPage>('GET', path, {
        query: {
          page,
          page_size: pageSize,
          action,
          actor,
          // Dates from the pickers are whole days, in UTC: from the start of `from` to the end of `to`.
          from: from ? `${from}T00:00:00Z` : undefined,
          to: to ? `${to}T23:59:59Z` : undefined,
        },
      }),
    [path, page, action, actor, from, to],
  );
  const events = log.data?.logs ?? [];
  const total = log.data?.count ?? 0;
  const filtered = Boolean(action || actor || from || to);

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
      <div className="toolbar filters">
        <label className="inline-field">
          Action
          <select value={action} onChange={(event) => update({ action: event.target.value })}>
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
        <label className="inline-field">
          By
          <input
            defaultValue={actor}
            key={actor}
            placeholder="username"
            onBlur={(event) => update({ actor: event.target.value.trim() })}
            onKeyDown={(event) => {
              if (event.key === 'Enter') update({ actor: event.currentTarget.value.trim() });
            }}
          />
        </label>
        <label className="inline-field">
          From
          <input type="date" value={from} onChange={(event) => update({ from: event.target.value })} />
        </label>
        <label className="inline-field">
          To
          <input type="date" value={to} onChange={(event) => update({ to: event.target.value })} />
        </label>
        {filtered ? (
          <button
            type="button"
            className="button small"
            onClick={() => update({ action: '', actor: '', from: '', to: '' })}
          >
            Clear filters
          </button>
        ) : null}
      </div>
      {log.status === 'error' ? <ErrorAlert message={log.error} /> : null}
      {log.status === 'loading' && !log.data ? (
        <p role="status">Loading activity…</p>
      ) : events.length === 0 && log.status === 'ready' ? (
        <EmptyState title={filtered ? 'Nothing matches these filters' : 'No activity yet'} />
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
                    <When iso={event.timestamp} as="date-time" />
                  </td>
                  <td data-label="Event">
                    {event.action_description}
                    {describeEvent(event) ? <span className="hint">{describeEvent(event)}</span> : null}
                  </td>
                  <td data-label="About">{event.name}</td>
                  <td data-label="By">{event.actor}</td>
                  <td data-label="From">
                    {event.ip ? <Address ip={event.ip} /> : null}
                    {event.user_agent ? <ClientName userAgent={event.user_agent} /> : null}
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
        onPage={(next) => update({ page: String(next) })}
      />
    </section>
  );
}
